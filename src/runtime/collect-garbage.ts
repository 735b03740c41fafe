/**
 * A full garbage collection, on request. V8 lets the heap grow well past what is live before
 * it collects (a 5 MB feed of 100k entries leaves over 100 MB of garbage), so a worker that
 * has just parsed a large document asks for a collection rather than carry that garbage into
 * the next one. Node offers `gc` only with --expose-gc; the flag can be set at run time and
 * the function read from a fresh context (the documented way to reach it without a CLI flag).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

function load(): (() => void) | null {
  try {
    setFlagsFromString('--expose-gc');
    const found: unknown = runInNewContext('gc');
    return typeof found === 'function' ? (found as () => void) : null;
  } catch {
    return null;
  }
}

/** Collect now when the runtime allows it; a no-op otherwise. */
export function collectGarbage(): void {
  if (gc === undefined) gc = load();
  gc?.();
}
