/**
 * MinHash signatures and LSH bands for near-duplicate detection (Broder 1997; Leskovec,
 * Rajaraman & Ullman, Mining of Massive Datasets, ch. 3). Pure.
 *
 * 32 min-hashes over word 3-shingles estimate the Jaccard similarity of two texts; 8 bands of
 * 4 rows make two texts a candidate pair with probability 1-(1-J^4)^8: 99 % at J = 0.85 (a
 * republished story: new headline, an added intro line, a dropped author bio), 40 % at
 * J = 0.5, 0.01 % at J = 0.1 (a commentary quoting one paragraph). Candidates are then
 * checked against the estimated similarity, in the accept script, so a rare band collision
 * merges nothing.
 *
 * One permutation hashing (Li, Owen & Zhang, NIPS 2012): each shingle is hashed once, its top
 * 5 bits pick one of the 32 bins and the rest competes for that bin's minimum; an empty bin
 * borrows the next non-empty one's value (rotation densification, Shrivastava & Li, ICML
 * 2014). The share of equal bins estimates the Jaccard similarity as 32 independent min-hashes
 * do, at one hash per shingle instead of 32. Everything is 32-bit integer arithmetic: a word
 * is hashed once, a shingle's hash combines its three words' hashes, and a shingle seen twice
 * changes no minimum, so no set of shingles is kept.
 */
export const HASHES = 32;
export const BANDS = 8;
export const ROWS = HASHES / BANDS;
/** Estimated Jaccard similarity at or above which two texts are one story. See docs/dedupe.md. */
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

/** FNV-1a over UTF-16 code units, mixed. */
function wordHash(word: string): number {
  let h = 0x811c9dc5;
  for (let index = 0; index < word.length; index += 1) {
    h ^= word.charCodeAt(index);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h >>> 0);
}

function hex(value: number): string {
  return value.toString(16).padStart(8, '0');
}

/** Null when the text (as words) is too short to fingerprint reliably. */
export function fingerprint(tokens: string[]): Fingerprint | null {
  const count = Math.min(tokens.length, MAX_WORDS);
  if (count < MIN_WORDS) return null;
  const hashes = new Uint32Array(count);
  for (let index = 0; index < count; index += 1) hashes[index] = wordHash(tokens[index] ?? '');
  const EMPTY = 0xffffffff;
  const mins = new Uint32Array(HASHES).fill(EMPTY);
  for (let index = 0; index + 2 < count; index += 1) {
    // Order matters in a shingle: rotate each word's hash by its position before combining.
    const a = hashes[index] ?? 0;
    const b = hashes[index + 1] ?? 0;
    const c = hashes[index + 2] ?? 0;
    const shingle = fmix32((a ^ ((b << 11) | (b >>> 21)) ^ ((c << 22) | (c >>> 10))) >>> 0);
    const bin = shingle >>> 27;
    const value = shingle & 0x07ffffff;
    if (value < (mins[bin] ?? EMPTY)) mins[bin] = value;
  }
  // Densify: an empty bin takes the value of the next non-empty bin to its right (circularly),
  // shifted by the distance, so two texts agree on it exactly when they agree on that bin.
  for (let bin = 0; bin < HASHES; bin += 1) {
    if (mins[bin] !== EMPTY) continue;
    for (let step = 1; step < HASHES; step += 1) {
      const other = mins[(bin + step) % HASHES] ?? EMPTY;
      if (other !== EMPTY && other < 0x08000000) {
        mins[bin] = (0x08000000 + step * 0x01000000 + (other & 0x00ffffff)) >>> 0;
        break;
      }
    }
  }
  const parts = Array.from(mins, hex);
  const bands = Array.from({ length: BANDS }, (_, band) => {
    let h = band + 1;
    for (let row = 0; row < ROWS; row += 1) h = fmix32((h ^ (mins[band * ROWS + row] ?? 0)) + Math.imul(row + 1, 0x9e3779b9));
    return hex(h);
  });
  return { signature: parts.join(''), bands };
}
