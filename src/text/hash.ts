// Fast non-cryptographic hashing of short strings (shingles, stems, model features): stable across runs and
// platforms, so hashed features stored in a model file or an index mean the same thing tomorrow.

/** 32-bit FNV-1a of a string. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
