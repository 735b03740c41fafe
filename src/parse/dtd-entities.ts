/**
 * Internal general entities declared in a document's DOCTYPE, expanded under the limits
 * libxml2 applies (parser.c, 2.11+), so that a small document cannot grow without bound:
 * - total expansion is free up to 1,000,000 characters (XML_PARSER_ALLOWED_EXPANSION), and
 *   beyond that may not exceed 5× the input (XML_MAX_AMPLIFICATION_DEFAULT);
 * - never more than 10,000,000 characters in all (XML_MAX_TEXT_LENGTH), whatever the input;
 * - entities nest at most 40 deep (libxml2's entity input depth), and a loop is an error.
 * A cap that is hit is a PARSE error naming the limit. External (SYSTEM/PUBLIC) and parameter
 * entities are never declared here, so nothing is ever fetched or read from disk (XXE): a
 * reference to one stays literal text.
 */
import { FeedaggError } from '../errors.js';

export interface EntityLimits {
  /** Expanded characters allowed whatever the input size. */
  freeExpansion: number;
  /** Beyond the free allowance: expanded characters per input character. */
  amplification: number;
  /** Expanded characters allowed in one document, whatever its size. */
  absolute: number;
  /** How deep entities may reference entities. */
  depth: number;
}

export const ENTITY_LIMITS: EntityLimits = { freeExpansion: 1_000_000, amplification: 5, absolute: 10_000_000, depth: 40 };

/** The internal subset is read this far into the document at most (a DTD is a few KB). */
const MAX_DOCTYPE_SCAN = 1_000_000;
const DOCTYPE_START = /<!DOCTYPE\b/i;
const ENTITY_DECLARATION = /^<!ENTITY\s+(%\s+)?([A-Za-z_][\w.-]*)\s+([\s\S]*)>$/;
const LITERAL_ONLY = /^\s*(?:"([^"]*)"|'([^']*)')\s*$/;
const REFERENCE = /&([A-Za-z_][\w.-]*);/g;

/**
 * The end of a markup declaration that starts at `from` (just past `<!`): the index after its
 * `>`, skipping quoted literals whole (XML 1.0 [9] EntityValue, [11] SystemLiteral), so a `>`
 * inside a value does not end it. -1 when it never ends. One forward scan: a regex that tried
 * this from every `<!` rescanned the rest of the document each time (`<!` × 200 KB took 15 s).
 */
function declarationEnd(text: string, from: number): number {
  let quote = '';
  for (let index = from; index < text.length; index += 1) {
    const char = text[index];
    if (quote) {
      if (char === quote) quote = '';
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '>') return index + 1;
  }
  return -1;
}

/**
 * Where the internal subset of the DOCTYPE at `doctypeAt` starts (after its `[`), or -1 when
 * the DOCTYPE has none (XML 1.0 [28]: `<!DOCTYPE name ExternalID? [ intSubset ]>`).
 */
function subsetStart(text: string, doctypeAt: number): number {
  for (let index = doctypeAt + 9; index < text.length; index += 1) {
    const char = text[index];
    if (char === '>') return -1;
    if (char === '[') return index + 1;
  }
  return -1;
}

interface SubsetScan {
  declarations: string[];
  /** Index of the `]` closing the subset; -1 when the text ends first. */
  end: number;
}

/**
 * The subset's markup declarations, comments and PIs skipped, one after the other (XML 1.0
 * [28b]). Each step moves past what it looked at, and a construct that never ends stops the
 * scan, so the whole is linear in the subset's length.
 */
function subsetTokens(text: string, start: number): SubsetScan {
  const declarations: string[] = [];
  let index = start;
  while (index < text.length) {
    const char = text[index];
    if (char === ']') return { declarations, end: index };
    if (char !== '<') {
      index += 1;
      continue;
    }
    if (text.startsWith('<!--', index)) {
      const close = text.indexOf('-->', index + 4);
      if (close === -1) break;
      index = close + 3;
    } else if (text.startsWith('<?', index)) {
      const close = text.indexOf('?>', index + 2);
      if (close === -1) break;
      index = close + 2;
    } else if (text.startsWith('<!', index)) {
      const end = declarationEnd(text, index + 2);
      if (end === -1) break;
      declarations.push(text.slice(index, end));
      index = end;
    } else index += 1;
  }
  return { declarations, end: -1 };
}

/** Entity name → literal value, as declared in the DOCTYPE's internal subset. */
export function declaredEntities(text: string): Map<string, string> {
  const entities = new Map<string, string>();
  const doctype = text.slice(0, 20_000).search(DOCTYPE_START);
  if (doctype === -1) return entities;
  const window = text.slice(0, doctype + MAX_DOCTYPE_SCAN);
  const start = subsetStart(window, doctype);
  if (start === -1) return entities;
  const scanned = subsetTokens(window, start);
  // A subset that never closes declares nothing (the document is broken past repair there).
  if (scanned.end === -1) return entities;
  for (const declaration of scanned.declarations) {
    const [, parameter, name, definition] = ENTITY_DECLARATION.exec(declaration) ?? [];
    if (parameter || !name || definition === undefined) continue;
    const literal = LITERAL_ONLY.exec(definition);
    // XML 1.0 4.2: the first declaration of an entity binds.
    if (literal && !entities.has(name)) entities.set(name, literal[1] ?? literal[2] ?? '');
  }
  return entities;
}

function limitError(limit: string): FeedaggError {
  return new FeedaggError('PARSE', `entity expansion limit: ${limit}`);
}

/**
 * Replaces references to declared entities (recursively) in text; every replacement counts
 * against one budget for the whole document. References to anything else stay as they are.
 */
export class EntityExpander {
  private readonly expanded = new Map<string, string>();
  private readonly active = new Set<string>();
  private used = 0;
  private readonly budget: number;

  constructor(private readonly entities: ReadonlyMap<string, string>, inputLength: number, private readonly limits: EntityLimits = ENTITY_LIMITS) {
    this.budget = Math.min(limits.absolute, Math.max(limits.freeExpansion, inputLength * limits.amplification));
  }

  get size(): number {
    return this.entities.size;
  }

  expand(text: string): string {
    if (this.entities.size === 0 || !text.includes('&')) return text;
    return text.replace(REFERENCE, (match, name: string) => {
      const value = this.valueOf(name, 0);
      if (value === null) return match;
      this.charge(value.length);
      return value;
    });
  }

  private charge(characters: number): void {
    this.used += characters;
    if (this.used > this.budget) {
      const reason = this.budget === this.limits.absolute
        ? `more than ${this.limits.absolute} characters`
        : `more than ${this.budget} characters (${this.limits.amplification}× the input beyond the first ${this.limits.freeExpansion})`;
      throw limitError(`entities expand to ${reason}`);
    }
  }

  /** The fully expanded value of an entity, or null when it is not declared. */
  private valueOf(name: string, depth: number): string | null {
    const cached = this.expanded.get(name);
    if (cached !== undefined) return cached;
    const literal = this.entities.get(name);
    if (literal === undefined) return null;
    if (depth >= this.limits.depth) throw limitError(`entities nested deeper than ${this.limits.depth}`);
    if (this.active.has(name)) throw limitError(`entity "${name}" refers to itself`);
    this.active.add(name);
    let length = 0;
    const value = literal.replace(REFERENCE, (match, inner: string) => {
      const replacement = this.valueOf(inner, depth + 1);
      if (replacement === null) return match;
      // Building one value counts too: no single entity may outgrow the document's budget.
      length += replacement.length;
      if (length > this.budget) throw limitError(`entity "${name}" expands to more than ${this.budget} characters`);
      return replacement;
    });
    this.active.delete(name);
    this.expanded.set(name, value);
    return value;
  }
}
