import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BANDS, fingerprint as fingerprintWords, HASHES, SIMILARITY_THRESHOLD } from './minhash.js';
import { words } from './text-features.js';

const fingerprint = (text: string) => fingerprintWords(words(text));
/** The estimate the accept script makes (scripts/accept.lua): the share of equal min-hashes. */
function similarity(a: string, b: string): number {
  let equal = 0;
  for (let index = 0; index < HASHES; index += 1) if (a.slice(index * 8, index * 8 + 8) === b.slice(index * 8, index * 8 + 8)) equal += 1;
  return equal / HASHES;
}

const STORIES = join(import.meta.dirname, '../../tests/fixtures/stories');
const story = readFileSync(join(STORIES, 'harbor-strike.txt'), 'utf8');
const lines = story.split('\n').filter(Boolean);
const withoutBio = lines.slice(0, -2).join('\n');
const quote = lines.find((line) => line.length > 200) ?? '';

const variants: Array<[string, string, boolean]> = [
  ['the same text', story, true],
  ['republished: new intro line, author bio dropped', `NORHAVN (Portal News) — Container traffic stopped on Tuesday.\n${withoutBio}`, true],
  ['two paragraphs cut', lines.filter((_, index) => index !== 2 && index !== 4).join('\n'), true],
  ['a different story on the same topic', readFileSync(join(STORIES, 'harbor-related.txt'), 'utf8'), false],
  ['a commentary quoting one paragraph', readFileSync(join(STORIES, 'harbor-commentary.txt'), 'utf8').replace('{{QUOTE}}', quote), false],
];

describe('MinHash near-duplicates', () => {
  const original = fingerprint(story);

  it.each(variants)('%s → same story: %s', (_name, text, same) => {
    const other = fingerprint(text);
    expect(original && other).toBeTruthy();
    const score = similarity(original?.signature ?? '', other?.signature ?? '');
    expect(score >= SIMILARITY_THRESHOLD).toBe(same);
    // Candidates are found through the LSH bands: same stories share at least one.
    if (same) expect(original?.bands.some((band, index) => other?.bands[index] === band)).toBe(true);
  });

  it('does not fingerprint texts too short to tell a story from a topic', () => {
    expect(fingerprint('Police say a man was arrested on Tuesday evening near the harbour.')).toBeNull();
  });

  it('has 32 min-hashes in 8 bands', () => {
    expect(original?.signature).toHaveLength(32 * 8);
    expect(original?.bands).toHaveLength(BANDS);
  });
});
