import { describe, expect, it } from 'vitest';
import { FeedaggError } from '../errors.js';
import { declaredEntities, ENTITY_LIMITS, EntityExpander } from './dtd-entities.js';
import { parseFeed } from './parse-feed.js';

function rss(doctype: string, description: string): string {
  return `<?xml version="1.0"?>\n<!DOCTYPE rss [\n${doctype}\n]>\n<rss version="2.0"><channel><title>T</title><item><title>One</title><guid>1</guid><description>${description}</description></item></channel></rss>`;
}

function billionLaughs(levels = 10): string {
  const lines = ['<!ENTITY lol0 "lol">'];
  for (let level = 1; level < levels; level += 1) lines.push(`<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`);
  return rss(lines.join('\n'), `&lol${levels - 1};`);
}

async function parseError(text: string): Promise<FeedaggError> {
  const error = await parseFeed(text).then(() => null, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(FeedaggError);
  return error as FeedaggError;
}

describe('DTD entities', () => {
  it('expands declared entities, also inside other entities', async () => {
    const feed = await parseFeed(rss('<!ENTITY who "the &place; team">\n<!ENTITY place "harbour">', 'News from &who;.'));
    expect(feed.entries[0]?.summary?.value).toBe('News from the harbour team.');
  });

  it('stops billion laughs with a PARSE error that names the entity limit', async () => {
    const error = await parseError(billionLaughs());
    expect(error.code).toBe('PARSE');
    expect(error.message).toMatch(/entity expansion limit/);
  });

  it('stops quadratic blowup: one big entity referenced many times', async () => {
    // The reported case: a 19 KB entity referenced 20,000 times in one description (79 KB in,
    // about 380 MB out). It must fail fast, long before the text is built.
    const big = 'x'.repeat(19_000);
    const text = rss(`<!ENTITY a "${big}">`, '&a;'.repeat(20_000));
    expect(text.length).toBeLessThan(100_000);
    const error = await parseError(text);
    expect(error.message).toMatch(/entity expansion limit: entities expand to more than 1000000 characters/);
  });

  it('allows expansion up to the amplification limit of a larger document', () => {
    const entities = new Map([['a', 'y'.repeat(1000)]]);
    const input = 400_000;
    const expander = new EntityExpander(entities, input);
    // 5× the input: 2,000,000 characters may come from entities; 1,500 references is 1,500,000.
    expect(expander.expand('&a;'.repeat(1500))).toHaveLength(1_500_000);
    expect(() => expander.expand('&a;'.repeat(600))).toThrow(/entity expansion limit/);
  });

  it('never goes past the absolute cap, however large the input', () => {
    const expander = new EntityExpander(new Map([['a', 'z'.repeat(100_000)]]), 50_000_000);
    expect(() => expander.expand('&a;'.repeat(101))).toThrow(`more than ${ENTITY_LIMITS.absolute} characters`);
  });

  it('refuses entity loops and nesting deeper than the depth limit', () => {
    expect(() => new EntityExpander(new Map([['a', '&b;'], ['b', '&a;']]), 100).expand('&a;')).toThrow(/refers to itself/);
    const chain = new Map(Array.from({ length: 60 }, (_, index) => [`e${index}`, index === 59 ? 'end' : `&e${index + 1};`]));
    expect(() => new EntityExpander(chain, 100).expand('&e0;')).toThrow(/nested deeper than 40/);
    const shallow = new Map(Array.from({ length: 30 }, (_, index) => [`e${index}`, index === 29 ? 'end' : `&e${index + 1};`]));
    expect(new EntityExpander(shallow, 100).expand('&e0;')).toBe('end');
  });

  it('never resolves external entities (XXE): the reference stays text, nothing is read', async () => {
    const doctype = '<!ENTITY xxe SYSTEM "file:///etc/passwd">\n<!ENTITY web PUBLIC "-//X//Y" "http://127.0.0.1:1/dtd">';
    expect(declaredEntities(rss(doctype, 'x'))).toEqual(new Map());
    const feed = await parseFeed(rss(doctype, 'secret: &xxe; &web;'));
    const summary = feed.entries[0]?.summary?.value ?? '';
    expect(summary).not.toMatch(/root:/);
    expect(summary).toContain('&xxe;');
  });

  it('never declares parameter entities, nor entities they would declare', async () => {
    const doctype = '<!ENTITY % file SYSTEM "file:///etc/hostname">\n<!ENTITY % wrap "<!ENTITY leak \'%file;\'>">\n%wrap;';
    expect(declaredEntities(rss(doctype, 'x'))).toEqual(new Map());
    const feed = await parseFeed(rss(doctype, 'value: &leak;'));
    expect(feed.entries[0]?.summary?.value).toContain('&leak;');
  });

  it('reads no declaration inside a comment or another declaration', () => {
    const doctype = '<!-- <!ENTITY hidden "no"> -->\n<!ENTITY shown "yes <!ENTITY inner \'no\'>">';
    expect([...declaredEntities(rss(doctype, 'x')).keys()]).toEqual(['shown']);
  });

  it('binds the first of two declarations (XML 1.0 section 4.2)', () => {
    expect(declaredEntities(rss('<!ENTITY a "first">\n<!ENTITY a "second">', 'x')).get('a')).toBe('first');
  });
});
