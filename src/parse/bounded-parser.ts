/**
 * htmlparser2's Parser with bounds for hostile markup:
 * - it collects every attribute of a tag into one object before it reports the tag, so a tag
 *   with a million attributes would build a million-key object: past `maxAttributes` they are
 *   not collected;
 * - its stack of open elements grows by `unshift` and is searched by `indexOf` on every end
 *   tag, so unclosed nesting is quadratic (80,000 unclosed `<div>`s: 1.3 s). Past `maxDepth`
 *   open elements a new start tag is dropped (its text is kept, inside the deepest element),
 *   as Chromium's parser stops nesting at 512 (kMaximumHTMLParserDOMTreeDepth).
 */
import { Parser, type Handler, type ParserOptions, type QuoteType } from 'htmlparser2';

export interface ParserBounds {
  maxAttributes: number;
  maxDepth: number;
  /**
   * A feed inside an HTML page, parsed as XML: until the feed's root element opens, HTML's void
   * elements (<meta>, <link>, <br>, <img>…) close themselves, so a page's unclosed ones do not
   * nest everything after them (and past maxDepth). Inside the feed, <link> has text again.
   */
  htmlVoidsBeforeFeed?: boolean;
}

/** HTML Living Standard 13.1.2: void elements. */
const HTML_VOIDS = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
/** A feed's root element, by local name (rdf:RDF, atom:feed…). */
const FEED_ROOT_NAMES = new Set(['rss', 'feed', 'rdf', 'channel']);

export const HTML_BOUNDS: ParserBounds = { maxAttributes: 64, maxDepth: 512 };

export class BoundedParser extends Parser {
  private attributes = 0;
  private dropped = false;
  private feedOpened = false;

  constructor(handler: Partial<Handler>, options: ParserOptions, private readonly bounds: ParserBounds = HTML_BOUNDS) {
    super(handler, options);
  }

  private get depth(): number {
    return (this as unknown as { stack: string[] }).stack.length;
  }

  override onopentagname(start: number, endIndex: number): void {
    this.attributes = 0;
    // A dropped tag leaves tagname "" and attribs null: its attributes and end are no-ops.
    this.dropped = this.depth >= this.bounds.maxDepth;
    if (!this.dropped) super.onopentagname(start, endIndex);
  }

  /** htmlparser2 asks this for every start and end tag name; it is how a parser declares its void elements. */
  override isVoidElement(name: string): boolean {
    if (!this.bounds.htmlVoidsBeforeFeed || this.feedOpened) return super.isVoidElement(name);
    const local = name.slice(name.indexOf(':') + 1).toLowerCase();
    if (FEED_ROOT_NAMES.has(local)) {
      this.feedOpened = true;
      return false;
    }
    return HTML_VOIDS.has(local);
  }

  override onattribend(quote: QuoteType, endIndex: number): void {
    this.attributes += 1;
    if (!this.dropped && this.attributes <= this.bounds.maxAttributes) super.onattribend(quote, endIndex);
    else (this as unknown as { attribvalue: string }).attribvalue = '';
  }
}
