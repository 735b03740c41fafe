/**
 * What an output filter's `include`/`exclude` entry means (the config owns this shape;
 * src/publish compiles it): `/pattern/flags` is a regular expression, anything else a keyword
 * or phrase matched case-insensitively as whole words.
 */
export interface MatcherSource {
  source: string;
  flags: string;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function matcherSource(text: string): MatcherSource {
  const literal = /^\/(.+)\/([a-z]*)$/s.exec(text);
  if (literal?.[1] !== undefined) return { source: literal[1], flags: literal[2]?.includes('i') ? literal[2] : `${literal[2] ?? ''}i` };
  return { source: `(?<![\\p{L}\\p{N}])${escapeRegExp(text.trim())}(?![\\p{L}\\p{N}])`, flags: 'iu' };
}

/** True when the entry compiles (a bad /pattern/ is a config error at start-up). */
export function isValidMatcher(text: string): boolean {
  try {
    const { source, flags } = matcherSource(text);
    new RegExp(source, flags);
    return true;
  } catch {
    return false;
  }
}
