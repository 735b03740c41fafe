import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BANDS, fingerprint as fingerprintWords } from './minhash.js';
import { words } from './text-features.js';

const fingerprint = (text: string) => fingerprintWords(words(text));

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

/**
 * Whether two texts are one story is decided by the accept script (tests/dedupe.test.ts,
 * "near-duplicates, decided by the accept script"); here, what it is given.
 */
describe('MinHash near-duplicates', () => {
  const original = fingerprint(story);

  it.each(variants)('%s → candidates through a shared LSH band: %s', (_name, text, same) => {
    const other = fingerprint(text);
    expect(original && other).toBeTruthy();
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
