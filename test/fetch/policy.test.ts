// Pure fetch helpers as table tests: nextPollAt, response-header parsing, and the SSRF address classifier.
import { describe, expect, it } from 'vitest';
import {
  blockedReason,
  nextPollAt,
  parseExpires,
  parseMaxAge,
  parseRetryAfter,
} from '../../src/fetch/index.ts';
import type { PollPolicyInput } from '../../src/fetch/index.ts';

const NOW = new Date('2026-03-02T12:00:00Z');
const DAY = 24 * 3600_000;
const base: PollPolicyInput = {
  now: NOW,
  intervalMinutes: 30,
  minIntervalMinutes: 10,
  maxIntervalMinutes: 24 * 60,
  outcome: 'changed',
  consecutiveFailures: 0,
  random: () => 0.5,
};

const cases: { name: string; input: Partial<PollPolicyInput>; minutes: number; reason: RegExp }[] = [
  { name: 'changed: the base interval', input: {}, minutes: 30, reason: /^interval$/ },
  {
    name: 'unchanged, changed yesterday: base',
    input: { outcome: 'unchanged', lastChangedAt: new Date(NOW.getTime() - DAY) },
    minutes: 30,
    reason: /^interval$/,
  },
  {
    name: 'unchanged for 1 week: 2x',
    input: { outcome: 'unchanged', lastChangedAt: new Date(NOW.getTime() - 8 * DAY) },
    minutes: 60,
    reason: /unchanged for 1 week$/,
  },
  {
    name: 'unchanged for 3 weeks: 8x',
    input: { outcome: 'unchanged', lastChangedAt: new Date(NOW.getTime() - 22 * DAY) },
    minutes: 240,
    reason: /3 weeks/,
  },
  {
    name: 'unchanged for a year: capped at 8x',
    input: { outcome: 'unchanged', lastChangedAt: new Date(NOW.getTime() - 365 * DAY) },
    minutes: 240,
    reason: /52 weeks/,
  },
  {
    name: 'changed again after months: back to base at once',
    input: { outcome: 'changed', lastChangedAt: new Date(NOW.getTime() - 365 * DAY) },
    minutes: 30,
    reason: /^interval$/,
  },
  {
    name: 'RSS ttl longer than the interval stretches it',
    input: { ttlMinutes: 120 },
    minutes: 120,
    reason: /^ttl$/,
  },
  {
    name: 'RSS ttl shorter than the interval does not shorten it',
    input: { ttlMinutes: 5 },
    minutes: 30,
    reason: /^interval$/,
  },
  { name: 'max-age stretches', input: { maxAgeSeconds: 3600 }, minutes: 60, reason: /^max-age$/ },
  {
    name: 'Expires stretches',
    input: { expiresAt: new Date(NOW.getTime() + 90 * 60_000) },
    minutes: 90,
    reason: /^expires$/,
  },
  {
    name: 'Expires in the past is ignored',
    input: { expiresAt: new Date(NOW.getTime() - 60_000) },
    minutes: 30,
    reason: /^interval$/,
  },
  {
    name: 'the longest hint wins',
    input: { ttlMinutes: 60, maxAgeSeconds: 7200, expiresAt: new Date(NOW.getTime() + 45 * 60_000) },
    minutes: 120,
    reason: /^max-age$/,
  },
  {
    name: 'a hint never exceeds the max',
    input: { ttlMinutes: 10_000 },
    minutes: 24 * 60,
    reason: /ttl \(capped/,
  },
  {
    name: 'the interval is raised to the min',
    input: { intervalMinutes: 1 },
    minutes: 10,
    reason: /^interval$/,
  },
  {
    name: 'first failure: between 1x and 2x base (random 0.5)',
    input: { outcome: 'failed', consecutiveFailures: 1 },
    minutes: 45,
    reason: /backoff after 1 failure$/,
  },
  {
    name: 'first failure, jitter at 0: never sooner than the base',
    input: { outcome: 'failed', consecutiveFailures: 1, random: () => 0 },
    minutes: 30,
    reason: /1 failure$/,
  },
  {
    name: 'third failure, jitter at 0: 4x base',
    input: { outcome: 'failed', consecutiveFailures: 3, random: () => 0 },
    minutes: 120,
    reason: /3 failures/,
  },
  {
    name: 'third failure, jitter at 1: 8x base',
    input: { outcome: 'failed', consecutiveFailures: 3, random: () => 1 },
    minutes: 240,
    reason: /3 failures/,
  },
  {
    name: 'zero failures reported with outcome failed counts as one',
    input: { outcome: 'failed', consecutiveFailures: 0, random: () => 0 },
    minutes: 30,
    reason: /1 failure$/,
  },
  {
    name: 'many failures: capped at the max',
    input: { outcome: 'failed', consecutiveFailures: 40, random: () => 1 },
    minutes: 24 * 60,
    reason: /40 failures/,
  },
  {
    name: 'a random() outside [0, 1] is clamped',
    input: { outcome: 'failed', consecutiveFailures: 1, random: () => 7 },
    minutes: 60,
    reason: /1 failure$/,
  },
  {
    name: 'Retry-After beats the backoff',
    input: { outcome: 'failed', consecutiveFailures: 5, retryAfterSeconds: 1800 },
    minutes: 30,
    reason: /^retry-after 1800s$/,
  },
  {
    name: 'Retry-After beats ttl and staleness',
    input: {
      outcome: 'unchanged',
      ttlMinutes: 600,
      lastChangedAt: new Date(NOW.getTime() - 30 * DAY),
      retryAfterSeconds: 7200,
    },
    minutes: 120,
    reason: /retry-after/,
  },
  {
    name: 'Retry-After is capped at the max',
    input: { outcome: 'failed', consecutiveFailures: 1, retryAfterSeconds: 7 * 24 * 3600 },
    minutes: 24 * 60,
    reason: /retry-after .*capped/,
  },
  {
    name: 'Retry-After never polls sooner than the min',
    input: { outcome: 'failed', consecutiveFailures: 1, retryAfterSeconds: 5 },
    minutes: 10,
    reason: /raised to min/,
  },
];

describe('nextPollAt', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = nextPollAt({ ...base, ...c.input });
    expect((result.at.getTime() - NOW.getTime()) / 60_000).toBeCloseTo(c.minutes, 3);
    expect(result.reason).toMatch(c.reason);
  });

  it('jitter spreads failures that happened together', () => {
    let seed = 1;
    const random = (): number => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const times = new Set(
      Array.from({ length: 20 }, () =>
        nextPollAt({ ...base, outcome: 'failed', consecutiveFailures: 4, random }).at.getTime(),
      ),
    );
    expect(times.size).toBeGreaterThan(15);
  });
});

describe('parseRetryAfter', () => {
  it.each([
    ['120', 120],
    [' 0 ', 0],
    ['Mon, 02 Mar 2026 12:10:00 GMT', 600],
    ['Mon, 02 Mar 2026 11:00:00 GMT', 0],
    ['-5', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    [undefined, undefined],
  ])('%j → %j', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('parseMaxAge / parseExpires', () => {
  it.each([
    ['max-age=300', 300],
    ['public, max-age=3600, must-revalidate', 3600],
    ['s-maxage=600', undefined],
    ['no-cache, max-age=600', undefined],
    ['private', undefined],
    [undefined, undefined],
  ])('Cache-Control %j → %j', (value, expected) => {
    expect(parseMaxAge(value)).toBe(expected);
  });
  it.each([
    ['Thu, 01 Jan 2099 00:00:00 GMT', '2099-01-01T00:00:00.000Z'],
    ['0', undefined],
    ['-1', undefined],
    ['garbage', undefined],
  ])('Expires %j → %j', (value, expected) => {
    expect(parseExpires(value)).toBe(expected);
  });
});

describe('blockedReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['0.0.0.0', 'unspecified ("this network")'],
    ['224.0.0.251', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['fc00::1', 'unique-local'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['2002:c0a8:0101::1', 'private'],
    ['2001:db8::1', 'documentation'],
    ['example.org', 'not an IP address'],
  ])('%s is %s', (ip, reason) => {
    expect(blockedReason(ip)).toBe(reason);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1',
  ])('%s is public', (ip) => {
    expect(blockedReason(ip)).toBeUndefined();
  });
});
