// Signed link tokens: round trip, purpose binding, tampering, wrong secret, expiry.
import { describe, expect, it } from 'vitest';
import { signToken, verifyToken } from '../../src/digest/tokens.ts';

const SECRET = 'test-secret-of-enough-length';
const NOW = new Date('2026-11-30T07:00:00Z');

describe('tokens', () => {
  const token = signToken(SECRET, 'unsubscribe', 'abc123', NOW);

  it('round-trips', () => expect(verifyToken(SECRET, token, 'unsubscribe')).toBe('abc123'));

  it.each([
    ['another purpose', () => verifyToken(SECRET, token, 'confirm')],
    ['another secret', () => verifyToken('another-secret-of-enough-length', token, 'unsubscribe')],
    ['a changed id', () => verifyToken(SECRET, token.replace('abc123', 'abc124'), 'unsubscribe')],
    ['a changed signature', () => verifyToken(SECRET, `${token.slice(0, -2)}AA`, 'unsubscribe')],
    ['garbage', () => verifyToken(SECRET, 'not-a-token', 'unsubscribe')],
    ['an empty string', () => verifyToken(SECRET, '', 'unsubscribe')],
  ])('refuses %s', (_name, check) => expect(check()).toBeUndefined());

  it('expires confirm tokens when asked', () => {
    const confirm = signToken(SECRET, 'confirm', 'abc123', NOW);
    const later = new Date(NOW.getTime() + 8 * 86_400_000);
    expect(verifyToken(SECRET, confirm, 'confirm', { now: NOW, maxAgeSeconds: 7 * 86_400 })).toBe('abc123');
    expect(
      verifyToken(SECRET, confirm, 'confirm', { now: later, maxAgeSeconds: 7 * 86_400 }),
    ).toBeUndefined();
  });
});
