// The DigestStore contract (subscribers, outbox, cutoffs) on every store kind: SQLite always, PostgreSQL when
// TIPWIRE_TEST_DATABASE_URL is set.
import { afterAll, describe, expect, it } from 'vitest';
import type { NewSubscriber } from '../../src/digest/port.ts';
import { isTipwireError } from '../../src/core/errors.ts';
import { storeKinds } from '../helpers/stores.ts';

const T0 = '2026-11-23T06:00:00.000Z';
const T1 = '2026-11-30T06:00:00.000Z';
const T2 = '2026-12-07T06:00:00.000Z';

function person(overrides: Partial<NewSubscriber> = {}): NewSubscriber {
  return {
    email: 'Aida@Example.org',
    name: 'Аида',
    locale: 'ru',
    timeZone: 'Asia/Bishkek',
    topics: ['trafficking'],
    countries: ['kg'],
    languages: [],
    frequency: 'weekly',
    status: 'active',
    ...overrides,
  };
}

const plan = (subscriberId: string, period: string, windowEnd: string) => ({
  subscriberId,
  period,
  windowEnd,
  messageId: `${period}.${subscriberId}@test`,
  defaultWindowStart: T0,
});

for (const kind of storeKinds()) {
  describe(`DigestStore contract on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('adds, finds case-insensitively, updates, lists and removes subscribers', async () => {
      const store = await kind.open();
      const db = store.digest;
      const added = await db.addSubscriber(person({ status: 'pending' }));
      expect(added.status).toBe('pending');
      expect((await db.getSubscriberByEmail('aida@example.ORG'))?.id).toBe(added.id);
      await expect(db.addSubscriber(person({ email: 'AIDA@example.org' }))).rejects.toSatisfy((err) =>
        isTipwireError(err, 'STORE_FAILED'),
      );
      await db.updateSubscriber({
        ...added,
        topics: ['migration', 'trafficking'],
        timeZone: 'Europe/Berlin',
      });
      const updated = await db.getSubscriber(added.id);
      expect(updated).toMatchObject({
        topics: ['migration', 'trafficking'],
        timeZone: 'Europe/Berlin',
        name: 'Аида',
      });
      await db.addSubscriber(person({ email: 'bob@example.org', locale: 'en' }));
      expect((await db.listSubscribers()).map((s) => s.email)).toEqual([
        'Aida@Example.org',
        'bob@example.org',
      ]);
      expect((await db.listSubscribers({ status: 'active' })).map((s) => s.email)).toEqual([
        'bob@example.org',
      ]);
      expect(await db.removeSubscriber(added.id)).toBe(true);
      expect(await db.removeSubscriber(added.id)).toBe(false);
      expect(await db.getSubscriber(added.id)).toBeUndefined();
      await store.close();
    });

    it('keeps a send day and hour (or none), and lists the periods sent, the latest first', async () => {
      const store = await kind.open();
      const db = store.digest;
      const own = await db.addSubscriber(person({ sendDay: 5, sendHour: 18 }));
      const plain = await db.addSubscriber(person({ email: 'plain@example.org' }));
      expect(await db.getSubscriber(own.id)).toMatchObject({ sendDay: 5, sendHour: 18 });
      const none = await db.getSubscriber(plain.id);
      expect([none?.sendDay, none?.sendHour]).toEqual([undefined, undefined]);
      await db.updateSubscriber({ ...own, sendDay: undefined, sendHour: 0 });
      const changed = await db.getSubscriber(own.id);
      expect([changed?.sendDay, changed?.sendHour]).toEqual([undefined, 0]);

      expect(await db.listSentPeriods()).toEqual([]);
      const send = async (id: string, period: string, end: string, at: string) => {
        await db.planDigest(plan(id, period, end), at);
        await db.claimDigest(id, period, at, T2);
        await db.markDigestSent(id, period, at, 3);
      };
      await send(own.id, '2026-W48', T1, T1);
      await send(plain.id, '2026-W48', T1, T1);
      await send(own.id, '2026-W49', T2, T2);
      await db.planDigest(plan(plain.id, '2026-W49', T2), T2); // planned, not sent
      expect(await db.listSentPeriods()).toEqual([
        { period: '2026-W49', digests: 1, lastSentAt: T2 },
        { period: '2026-W48', digests: 2, lastSentAt: T1 },
      ]);
      await store.close();
    });

    it('confirms a pending subscriber once and changes status only when it differs', async () => {
      const store = await kind.open();
      const db = store.digest;
      const s = await db.addSubscriber(person({ status: 'pending' }));
      expect(await db.confirmSubscriber(s.id, T0)).toBe(true);
      expect(await db.confirmSubscriber(s.id, T1)).toBe(false);
      expect((await db.getSubscriber(s.id))?.confirmedAt).toBe(T0);
      expect(await db.setSubscriberStatus(s.id, 'unsubscribed', T1)).toBe(true);
      expect(await db.setSubscriberStatus(s.id, 'unsubscribed', T1)).toBe(false);
      expect(await db.confirmSubscriber(s.id, T1)).toBe(false); // an old confirm link cannot re-subscribe
      expect((await db.getSubscriber(s.id))?.status).toBe('unsubscribed');
      await store.close();
    });

    it('plans one row per (subscriber, period), only for active subscribers, one open row at a time', async () => {
      const store = await kind.open();
      const db = store.digest;
      const s = await db.addSubscriber(person());
      const pending = await db.addSubscriber(person({ email: 'p@example.org', status: 'pending' }));
      expect(await db.planDigest(plan(s.id, '2026-W48', T1), T1)).toBe(true);
      expect(await db.planDigest(plan(s.id, '2026-W48', T1), T1)).toBe(false);
      // The next period waits while W48 is unfinished.
      expect(await db.planDigest(plan(s.id, '2026-W49', T2), T2)).toBe(false);
      expect(await db.planDigest(plan(pending.id, '2026-W48', T1), T1)).toBe(false);
      const row = await db.getDigest(s.id, '2026-W48');
      expect(row).toMatchObject({ state: 'pending', windowStart: T0, windowEnd: T1, attempts: 0 });
      await store.close();
    });

    it('claims atomically, marks sent, and moves the cutoff so the next window starts where this one ended', async () => {
      const store = await kind.open();
      const db = store.digest;
      const s = await db.addSubscriber(person());
      await db.planDigest(plan(s.id, '2026-W48', T1), T1);
      const lease = '2026-11-30T06:05:00.000Z';
      const [a, b] = await Promise.all([
        db.claimDigest(s.id, '2026-W48', T1, lease),
        db.claimDigest(s.id, '2026-W48', T1, lease),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect((a ?? b)?.attempts).toBe(1);
      await db.markDigestSent(s.id, '2026-W48', T1, 5);
      expect(await db.getDigest(s.id, '2026-W48')).toMatchObject({
        state: 'sent',
        storyCount: 5,
        sentAt: T1,
      });
      expect((await db.getSubscriber(s.id))?.cutoff).toBe(T1);
      // A missed week: the next plan two weeks later starts at the cutoff, not at the default.
      expect(await db.planDigest(plan(s.id, '2026-W50', '2026-12-14T06:00:00.000Z'), T2)).toBe(true);
      expect((await db.getDigest(s.id, '2026-W50'))?.windowStart).toBe(T1);
      // A period whose end is not after the cutoff has nothing left to cover.
      expect(await db.planDigest(plan(s.id, '2026-11-29', T1), T2)).toBe(false);
      await store.close();
    });

    it('lists due rows: pending now, deferred later, and sending rows whose lease expired (a crashed worker)', async () => {
      const store = await kind.open();
      const db = store.digest;
      const a = await db.addSubscriber(person({ email: 'a@example.org' }));
      const b = await db.addSubscriber(person({ email: 'b@example.org' }));
      await db.planDigest(plan(a.id, '2026-W48', T1), T1);
      await db.planDigest(plan(b.id, '2026-W48', T1), T1);
      await db.claimDigest(a.id, '2026-W48', T1, '2026-11-30T06:05:00.000Z');
      expect((await db.listDueDigests(T1)).map((r) => r.subscriberId)).toEqual([b.id]);
      expect((await db.listDueDigests('2026-11-30T06:06:00.000Z')).map((r) => r.subscriberId).sort()).toEqual(
        [a.id, b.id].sort(),
      );
      // The lease holder's row cannot be claimed again before expiry; after it, it can (attempt 2).
      expect(await db.claimDigest(a.id, '2026-W48', T1, '2026-11-30T06:10:00.000Z')).toBeUndefined();
      expect(
        (await db.claimDigest(a.id, '2026-W48', '2026-11-30T06:06:00.000Z', '2026-11-30T06:11:00.000Z'))
          ?.attempts,
      ).toBe(2);
      await store.close();
    });

    it('defers transient failures, fails after maxAttempts, bounces after bounceAfter permanent ones', async () => {
      const store = await kind.open();
      const db = store.digest;
      const s = await db.addSubscriber(person());
      await db.planDigest(plan(s.id, '2026-W48', T1), T1);
      const failure = {
        now: T1,
        error: '421 try later',
        permanent: false,
        nextAttemptAt: '2026-11-30T06:01:00.000Z',
        maxAttempts: 3,
        bounceAfter: 2,
      };
      await db.claimDigest(s.id, '2026-W48', T1, '2026-11-30T06:05:00.000Z');
      expect(await db.recordDigestFailure(s.id, '2026-W48', failure)).toBe('deferred');
      expect(await db.getDigest(s.id, '2026-W48')).toMatchObject({
        state: 'pending',
        lastError: '421 try later',
      });
      expect(await db.claimDigest(s.id, '2026-W48', T1, '2026-11-30T06:05:00.000Z')).toBeUndefined(); // not yet due
      const later = '2026-11-30T06:02:00.000Z';
      await db.claimDigest(s.id, '2026-W48', later, '2026-11-30T06:07:00.000Z');
      expect(
        await db.recordDigestFailure(s.id, '2026-W48', {
          ...failure,
          now: later,
          permanent: true,
          error: '550 no such user',
        }),
      ).toBe('deferred');
      expect((await db.getSubscriber(s.id))?.hardBounces).toBe(1);
      const third = '2026-11-30T06:03:00.000Z';
      await db.claimDigest(s.id, '2026-W48', third, '2026-11-30T06:08:00.000Z');
      expect(
        await db.recordDigestFailure(s.id, '2026-W48', {
          ...failure,
          now: third,
          permanent: true,
          error: '550 no such user',
        }),
      ).toBe('bounced');
      expect((await db.getSubscriber(s.id))?.status).toBe('bounced');
      expect((await db.getDigest(s.id, '2026-W48'))?.state).toBe('failed');
      // The cutoff did not move: a later digest (after re-activation) still holds these stories.
      expect((await db.getSubscriber(s.id))?.cutoff).toBeUndefined();
      await store.close();
    });

    it('a failed row frees the subscriber for the next period, whose window starts at the old cutoff', async () => {
      const store = await kind.open();
      const db = store.digest;
      const s = await db.addSubscriber(person());
      await db.planDigest(plan(s.id, '2026-W48', T1), T1);
      await db.claimDigest(s.id, '2026-W48', T1, '2026-11-30T06:05:00.000Z');
      const failure = {
        now: T1,
        error: 'timeout',
        permanent: false,
        nextAttemptAt: T1,
        maxAttempts: 1,
        bounceAfter: 2,
      };
      expect(await db.recordDigestFailure(s.id, '2026-W48', failure)).toBe('failed');
      expect(await db.planDigest(plan(s.id, '2026-W49', T2), T2)).toBe(true);
      expect((await db.getDigest(s.id, '2026-W49'))?.windowStart).toBe(T0);
      await db.claimDigest(s.id, '2026-W49', T2, '2026-12-07T06:05:00.000Z');
      await db.markDigestSkipped(s.id, '2026-W49', T2);
      expect((await db.getSubscriber(s.id))?.cutoff).toBe(T2);
      expect((await db.listDigests({ subscriberId: s.id })).map((r) => r.state)).toEqual([
        'failed',
        'skipped',
      ]);
      await store.close();
    });
  });
}
