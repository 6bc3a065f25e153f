// When to poll a source next. Pure: the caller passes `now` and, for tests, `random`. Rule order:
//   1. Failed: exponential backoff, "equal jitter": a random point between base·2^(n-1) and base·2^n for the n-th
//      failure in a row (capped at the maximum), so a failing source is never polled sooner than a healthy one and
//      sources that failed together do not come back together.
//   2. Succeeded: the base interval, stretched when the feed has not changed for a week or more (doubling per idle
//      week, at most 8x; a change resets it at once), then stretched to the publisher's own hints — RSS <ttl>,
//      Cache-Control max-age, Expires — whichever asks for the longest wait.
//   3. Retry-After (from a 429/503) replaces all of the above: the publisher said when.
//   4. The result is never below minIntervalMinutes and never above maxIntervalMinutes.

export interface PollPolicyInput {
  now: Date;
  intervalMinutes: number;
  minIntervalMinutes: number;
  maxIntervalMinutes: number;
  outcome: 'changed' | 'unchanged' | 'failed';
  consecutiveFailures: number;
  lastChangedAt?: Date;
  ttlMinutes?: number;
  maxAgeSeconds?: number;
  expiresAt?: Date;
  retryAfterSeconds?: number;
  random?: () => number;
}

const WEEK_MINUTES = 7 * 24 * 60;
const MAX_IDLE_FACTOR = 8;

export function nextPollAt(input: PollPolicyInput): { at: Date; reason: string } {
  const min = Math.max(0, input.minIntervalMinutes);
  const max = Math.max(min, input.maxIntervalMinutes);
  const clamp = (minutes: number): number => Math.min(max, Math.max(min, minutes));
  const base = clamp(input.intervalMinutes);
  const nowMs = input.now.getTime();

  let minutes: number;
  let reason: string;

  if (input.retryAfterSeconds !== undefined && input.retryAfterSeconds >= 0) {
    minutes = input.retryAfterSeconds / 60;
    reason = `retry-after ${input.retryAfterSeconds}s`;
  } else if (input.outcome === 'failed') {
    const failures = Math.max(1, input.consecutiveFailures);
    // 2^30 is far past any sane maximum; the exponent cap only keeps the number finite.
    const ceiling = Math.min(max, base * 2 ** Math.min(failures, 30));
    const random = input.random ?? Math.random;
    minutes = ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random()));
    reason = `backoff after ${failures} failure${failures === 1 ? '' : 's'}`;
  } else {
    minutes = base;
    reason = 'interval';
    if (input.outcome === 'unchanged' && input.lastChangedAt) {
      const idleWeeks = Math.floor((nowMs - input.lastChangedAt.getTime()) / 60_000 / WEEK_MINUTES);
      if (idleWeeks >= 1) {
        minutes = base * Math.min(MAX_IDLE_FACTOR, 2 ** idleWeeks);
        reason = `unchanged for ${idleWeeks} week${idleWeeks === 1 ? '' : 's'}`;
      }
    }
    const hints: [number | undefined, string][] = [
      [input.ttlMinutes, 'ttl'],
      [input.maxAgeSeconds === undefined ? undefined : input.maxAgeSeconds / 60, 'max-age'],
      [input.expiresAt === undefined ? undefined : (input.expiresAt.getTime() - nowMs) / 60_000, 'expires'],
    ];
    for (const [hint, name] of hints) {
      if (hint !== undefined && Number.isFinite(hint) && hint > minutes) {
        minutes = hint;
        reason = name;
      }
    }
  }

  if (minutes > max) reason += ' (capped at max interval)';
  else if (minutes < min) reason += ' (raised to min interval)';
  const final = clamp(minutes);
  return { at: new Date(nowMs + Math.round(final * 60_000)), reason };
}
