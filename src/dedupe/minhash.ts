/**
 * MinHash signatures and LSH bands for near-duplicate detection (Broder 1997; Leskovec,
 * Rajaraman & Ullman, Mining of Massive Datasets, ch. 3). Pure.
 *
 * 32 min-hashes over word 3-shingles estimate the Jaccard similarity of two texts; 8 bands of
 * 4 rows make two texts a candidate pair with probability 1-(1-J^4)^8: 99 % at J = 0.85 (a
 * republished story: new headline, an added intro line, a dropped author bio), 40 % at
 * J = 0.5, 0.01 % at J = 0.1 (a commentary quoting one paragraph). Candidates are then
 * checked against the estimated similarity, so a rare band collision merges nothing.
 */
import { createHash } from 'node:crypto';
import { shingles, words } from './text-features.js';

export const HASHES = 32;
export const BANDS = 8;
export const ROWS = HASHES / BANDS;
/** Estimated Jaccard similarity at or above which two texts are one story. See README "Dedupe". */
export const SIMILARITY_THRESHOLD = 0.5;
/** Texts shorter than this many words are too short to tell a story from a topic. */
export const MIN_WORDS = 50;
/** Only a text's first words are shingled: they tell a story apart, and a huge text costs no more. */
export const MAX_WORDS = 5000;

export interface Fingerprint {
  /** 32 min-hashes, 8 hex digits each. */
  signature: string;
  /** 8 band keys, 8 hex digits each. */
  bands: string[];
}

/** One fixed random seed per min-hash: hash i of a shingle is fmix32(base ^ seed i). */
const SEEDS = Array.from({ length: HASHES }, (_, index) => createHash('md5').update(`feedagg-minhash-${index}`).digest().readUInt32BE(0));

/** MurmurHash3's 32-bit finalizer: a bijection that mixes every input bit into every output bit. */
function fmix32(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** FNV-1a over UTF-16 code units, then mixed: fast, and uniform enough for min-hashing. */
function baseHash(shingle: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < shingle.length; index += 1) {
    h ^= shingle.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

/** Null when the text is too short to fingerprint reliably. */
export function fingerprint(text: string): Fingerprint | null {
  const tokens = words(text).slice(0, MAX_WORDS);
  if (tokens.length < MIN_WORDS) return null;
  const mins = new Array<number>(HASHES).fill(0xffffffff);
  for (const shingle of shingles(tokens)) {
    const base = baseHash(shingle);
    // Seeded permutations rather than a + i·b double hashing: the min-hashes must be independent,
    // or the similarity of unrelated texts is overestimated.
    for (let index = 0; index < HASHES; index += 1) {
      const value = fmix32((base ^ (SEEDS[index] ?? 0)) >>> 0);
      if (value < (mins[index] ?? 0xffffffff)) mins[index] = value;
    }
  }
  const hex = mins.map((value) => value.toString(16).padStart(8, '0'));
  const bands = Array.from({ length: BANDS }, (_, band) => createHash('md5').update(`${band}:${hex.slice(band * ROWS, band * ROWS + ROWS).join('')}`).digest('hex').slice(0, 8));
  return { signature: hex.join(''), bands };
}

/** Estimated Jaccard similarity of two signatures: the share of equal min-hashes. */
export function similarity(a: string, b: string): number {
  let equal = 0;
  for (let index = 0; index < HASHES; index += 1) {
    if (a.slice(index * 8, index * 8 + 8) === b.slice(index * 8, index * 8 + 8)) equal += 1;
  }
  return equal / HASHES;
}
