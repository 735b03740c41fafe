import { readFileSync } from 'node:fs';

let cached: string | null = null;

/** The package version, read once from package.json (two levels above dist/src/runtime/). */
export function version(): string {
  if (cached) return cached;
  for (const path of ['../../../package.json', '../../package.json']) {
    try {
      const parsed = JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (parsed.name === 'feedagg' && parsed.version) return (cached = parsed.version);
    } catch {
      // try the next location (source tree vs. dist/)
    }
  }
  return (cached = '0.0.0');
}

export function userAgent(): string {
  return `feedagg/${version()}`;
}
