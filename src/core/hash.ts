import { createHash } from 'node:crypto';

/** A short, stable, URL-safe id from any text (first 96 bits of SHA-256, base32, lower case). */
export function stableId(text: string): string {
  const bytes = createHash('sha256').update(text).digest().subarray(0, 12);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
