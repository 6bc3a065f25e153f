// MinHash signatures and LSH banding. A signature of H values estimates the Jaccard similarity of two shingle sets;
// cutting it into B bands of R rows makes two sets with similarity s collide in at least one band with probability
// 1 - (1 - s^R)^B — with 16 × 4 that is ~0.5 at s = 0.5 and > 0.99 at s = 0.8 — so candidates are found by
// hashing, in time linear in the number of items, and only candidates are verified on their exact sets.

export const SIGNATURE_SIZE = 64;
export const BANDS = 16;
export const ROWS = SIGNATURE_SIZE / BANDS;

const SEEDS = (() => {
  const seeds = new Uint32Array(SIGNATURE_SIZE);
  let state = 0x9e3779b9;
  for (let i = 0; i < SIGNATURE_SIZE; i += 1) {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x297a2d39) >>> 0;
    seeds[i] = state;
  }
  return seeds;
})();

function mix(value: number, seed: number): number {
  let h = (value ^ seed) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

export function minhash(shingles: Uint32Array): Uint32Array {
  const signature = new Uint32Array(SIGNATURE_SIZE).fill(0xffffffff);
  for (const shingle of shingles) {
    for (let i = 0; i < SIGNATURE_SIZE; i += 1) {
      const value = mix(shingle, SEEDS[i] as number);
      if (value < (signature[i] as number)) signature[i] = value;
    }
  }
  return signature;
}

/** One bucket key per band (band number mixed in, so equal rows in different bands do not collide). */
export function bandKeys(signature: Uint32Array): number[] {
  const keys: number[] = [];
  for (let band = 0; band < BANDS; band += 1) {
    let h = mix(band + 1, 0x51ed270b);
    for (let row = 0; row < ROWS; row += 1) h = mix(h ^ (signature[band * ROWS + row] as number), 0x27d4eb2f);
    keys.push(h);
  }
  return keys;
}
