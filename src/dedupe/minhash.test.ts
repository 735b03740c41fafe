import { describe, expect, it } from 'vitest';
import { BANDS, fingerprint as fingerprintWords } from './minhash.js';
import { words } from './text-features.js';
import { harborVariants } from '../../tests/helpers/story-feeds.js';

const fingerprint = (text: string) => fingerprintWords(words(text));

const { story, variants } = harborVariants();

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
