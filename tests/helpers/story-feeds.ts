/**
 * One story as five sources deliver it, for dedupe tests: the original (RSS, full text with the
 * author bio), a digest (Atom, one paragraph, linking the original with tracking parameters),
 * a portal (JSON Feed, the text republished with a new headline and intro, bio dropped), a
 * different story on the same topic (RSS) and a commentary quoting one paragraph (RSS).
 */

export interface StoryTexts {
  /** The article as on the publisher's page: paragraphs, subheadings, then an author bio and "Comments". */
  story: string;
  related: string;
  /** Commentary with a `{{QUOTE}}` line where one paragraph of the story goes. */
  commentary: string;
  headline: string;
  portalHeadline: string;
  portalIntro: string;
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const STORIES_DIR = join(import.meta.dirname, '..', 'fixtures', 'stories');

/** The fixture story (an invented dock strike) and its related report and commentary. */
export function harborTexts(): StoryTexts {
  return {
    story: readFileSync(join(STORIES_DIR, 'harbor-strike.txt'), 'utf8'),
    related: readFileSync(join(STORIES_DIR, 'harbor-related.txt'), 'utf8'),
    commentary: readFileSync(join(STORIES_DIR, 'harbor-commentary.txt'), 'utf8'),
    headline: 'Dock workers strike at the port of Norhavn',
    portalHeadline: 'Port of Norhavn at a standstill as dockers walk out',
    portalIntro: 'NORHAVN (Portal News) — Container traffic stopped on Tuesday as dock workers began their first strike in over a decade.',
  };
}

export const ORIGINAL_URL = 'https://wire.example/2026/11/24/port-strike';
export const PORTAL_URL = 'https://portal.example/news/98765';

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Paragraph lines → HTML; short lines without a full stop are subheadings. */
export function toHtml(lines: string[]): string {
  return lines.map((line) => (line.length < 60 && !/[.!?]$/.test(line) ? `<h2>${escape(line)}</h2>` : `<p>${escape(line)}</p>`)).join('\n');
}

export function paragraphs(text: string): string[] {
  return text.split('\n').map((line) => line.trim()).filter(Boolean);
}

function rss(items: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Source</title><link>https://source.example/</link>
${items}</channel></rss>`;
}

function rssItem(title: string, link: string, html: string, date: string): string {
  return `<item><title>${escape(title)}</title><link>${escape(link)}</link><guid>${escape(link)}</guid><pubDate>${date}</pubDate>
<content:encoded><![CDATA[${html}]]></content:encoded></item>\n`;
}

export interface StoryFeeds {
  wire: string;
  digest: string;
  portal: string;
  related: string;
  commentary: string;
}

export function storyFeeds(texts: StoryTexts, edit: (html: string) => string = (html) => html): StoryFeeds {
  const lines = paragraphs(texts.story);
  const body = lines.slice(0, -2); // without the author bio and "Comments"
  const quote = lines.find((line) => line.length > 200) ?? lines[0] ?? '';
  const commentary = paragraphs(texts.commentary.replace('{{QUOTE}}', quote));
  return {
    wire: rss(rssItem(texts.headline, ORIGINAL_URL, edit(toHtml(lines)), 'Tue, 24 Nov 2026 08:00:00 GMT')),
    digest: `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Morning digest</title><id>urn:digest</id><updated>2026-11-24T09:00:00Z</updated>
<entry><title>Digest: ${escape(texts.headline)}</title><id>urn:digest:2026-11-24:1</id>
<link href="${ORIGINAL_URL}?utm_source=digest&amp;utm_medium=email&amp;utm_campaign=morning#story"/>
<updated>2026-11-24T09:00:00Z</updated><summary>${escape(lines[0] ?? '')}</summary></entry></feed>`,
    portal: JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'Portal',
      items: [{ id: 'portal-98765', url: PORTAL_URL, title: texts.portalHeadline, content_html: toHtml([texts.portalIntro, ...body]), date_published: '2026-11-24T10:00:00Z' }],
    }),
    related: rss(rssItem('Ferries keep running during the strike', 'https://wire.example/2026/11/24/ferries', toHtml(paragraphs(texts.related)), 'Tue, 24 Nov 2026 11:00:00 GMT')),
    commentary: rss(rssItem('Opinion: a strike nobody needed', 'https://opinion.example/2026/11/strike', toHtml(commentary), 'Tue, 24 Nov 2026 12:00:00 GMT')),
  };
}

/**
 * The harbor story and variants of it, each with whether it is the same story: what the
 * MinHash fingerprints (src/dedupe/minhash.test.ts) and the accept script (tests/dedupe.test.ts)
 * are checked against.
 */
export function harborVariants(): { story: string; variants: Array<[string, string, boolean]> } {
  const story = readFileSync(join(STORIES_DIR, 'harbor-strike.txt'), 'utf8');
  const lines = story.split('\n').filter(Boolean);
  const withoutBio = lines.slice(0, -2).join('\n');
  const quote = lines.find((line) => line.length > 200) ?? '';
  return {
    story,
    variants: [
      ['the same text', story, true],
      ['republished: new intro line, author bio dropped', `NORHAVN (Portal News) — Container traffic stopped on Tuesday.\n${withoutBio}`, true],
      ['two paragraphs cut', lines.filter((_, index) => index !== 2 && index !== 4).join('\n'), true],
      ['a different story on the same topic', readFileSync(join(STORIES_DIR, 'harbor-related.txt'), 'utf8'), false],
      ['a commentary quoting one paragraph', readFileSync(join(STORIES_DIR, 'harbor-commentary.txt'), 'utf8').replace('{{QUOTE}}', quote), false],
    ],
  };
}
