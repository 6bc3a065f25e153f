// Signed tokens for the links in mails: "purpose.subscriberId.issuedSeconds.signature", HMAC-SHA256 under
// config.digest.secret, the signature cut to 128 bits (base64url). The purpose is signed too, so an unsubscribe
// token cannot confirm and a confirm token cannot unsubscribe. Unsubscribe, preference and view tokens never expire (a
// year-old mail must still let its reader leave, or read it in a browser); confirm tokens do (maxAgeSeconds at
// verification). A view token only shows a sent digest's stories on its archive page, as that subscriber chose them.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences' | 'view';
const PURPOSES: readonly string[] = ['confirm', 'unsubscribe', 'preferences', 'view'];

function sign(secret: string, body: string): string {
  return createHmac('sha256', secret).update(body).digest().subarray(0, 16).toString('base64url');
}

export function signToken(
  secret: string,
  purpose: TokenPurpose,
  subscriberId: string,
  issuedAt: Date,
): string {
  const body = `${purpose}.${subscriberId}.${Math.floor(issuedAt.getTime() / 1000)}`;
  return `${body}.${sign(secret, body)}`;
}

/** The subscriber id when the token is genuine, of this purpose and (if maxAgeSeconds) fresh; else undefined. */
export function verifyToken(
  secret: string,
  token: string,
  purpose: TokenPurpose,
  options: { now?: Date; maxAgeSeconds?: number } = {},
): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 4) return undefined;
  const [kind, id, issued, signature] = parts as [string, string, string, string];
  if (
    kind !== purpose ||
    !PURPOSES.includes(kind) ||
    !/^[a-z0-9_-]{1,64}$/i.test(id) ||
    !/^\d{1,12}$/.test(issued)
  ) {
    return undefined;
  }
  const expected = Buffer.from(sign(secret, `${kind}.${id}.${issued}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  if (options.maxAgeSeconds !== undefined) {
    const age = (options.now ?? new Date()).getTime() / 1000 - Number(issued);
    if (age > options.maxAgeSeconds || age < -300) return undefined;
  }
  return id;
}
