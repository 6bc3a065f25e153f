// The HealthStore part of the Store contract, on SQLite always and PostgreSQL when TIPWIRE_TEST_DATABASE_URL is set:
// an event recorded twice is stored once, lists are newest first and filter by kind and date, job runs keep their
// durations, per-source counts split on-topic items, and pruning drops only what is older than the date.
import { afterAll, describe, expect, it } from 'vitest';
import type { HealthEvent } from '../../src/store/port.ts';
import { storeKinds } from '../helpers/stores.ts';

const event = (id: string, at: string, overrides: Partial<HealthEvent> = {}): HealthEvent => ({
  id,
  at,
  kind: 'source-failing',
  sourceId: 'src-a',
  title: `src-a is failing (${id})`,
  detail: 'FETCH_NETWORK: host not found',
  ...overrides,
});

for (const kind of storeKinds()) {
  describe(`HealthStore on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('records an event once, lists newest first, filters by kind and date, deletes by id', async () => {
      const store = await kind.open();
      expect(await store.health.addEvent(event('e1', '2026-11-20T10:00:00.000Z'))).toBe(true);
      expect(await store.health.addEvent(event('e1', '2026-11-20T10:00:00.000Z'))).toBe(false);
      await store.health.addEvent(
        event('e2', '2026-11-27T10:00:00.000Z', { kind: 'config-rejected', sourceId: undefined }),
      );
      await store.health.addEvent(event('e3', '2026-11-28T10:00:00.000Z', { kind: 'source-recovered' }));
      expect((await store.health.listEvents()).map((e) => e.id)).toEqual(['e3', 'e2', 'e1']);
      expect((await store.health.listEvents({ kinds: ['config-rejected'] }))[0]).toEqual(
        event('e2', '2026-11-27T10:00:00.000Z', { kind: 'config-rejected', sourceId: undefined }),
      );
      expect(
        (await store.health.listEvents({ since: '2026-11-25T00:00:00.000Z', limit: 1 })).map((e) => e.id),
      ).toEqual(['e3']);
      await store.health.deleteEvent('e3');
      expect((await store.health.listEvents()).map((e) => e.id)).toEqual(['e2', 'e1']);
      await store.close();
    });

    it('keeps job runs with their durations, newest first, by job', async () => {
      const store = await kind.open();
      await store.health.addJobRun({
        id: 'r1',
        job: 'poll',
        startedAt: '2026-11-28T10:00:00.000Z',
        ms: 1234,
        outcome: 'ok',
        summary: 'poll: 3 sources polled',
      });
      await store.health.addJobRun({
        id: 'r2',
        job: 'digest',
        startedAt: '2026-11-28T11:00:00.000Z',
        ms: 56,
        outcome: 'failed',
        summary: 'MAIL_FAILED',
      });
      expect((await store.health.listJobRuns()).map((r) => [r.id, r.ms, r.outcome])).toEqual([
        ['r2', 56, 'failed'],
        ['r1', 1234, 'ok'],
      ]);
      expect((await store.health.listJobRuns({ job: 'poll' })).map((r) => r.id)).toEqual(['r1']);
      await store.close();
    });

    it('counts new and on-topic items per source since a date', async () => {
      const store = await kind.open();
      const base = {
        title: 't',
        summary: '',
        categories: [],
        publishedAt: '2026-11-27T09:00:00.000Z',
      };
      await store.upsertItems([
        {
          ...base,
          id: 'a1',
          sourceId: 'a',
          url: 'https://a.example/1',
          fetchedAt: '2026-11-27T00:00:00.000Z',
        },
        {
          ...base,
          id: 'a2',
          sourceId: 'a',
          url: 'https://a.example/2',
          fetchedAt: '2026-11-27T00:00:00.000Z',
        },
        {
          ...base,
          id: 'a3',
          sourceId: 'a',
          url: 'https://a.example/3',
          fetchedAt: '2026-11-01T00:00:00.000Z',
        },
        {
          ...base,
          id: 'b1',
          sourceId: 'b',
          url: 'https://b.example/1',
          fetchedAt: '2026-11-28T00:00:00.000Z',
        },
      ]);
      await store.saveClassification(
        'a1',
        { language: 'en', topics: [{ topic: 't', score: 2, evidence: [] }], countries: [] },
        'v1',
      );
      expect(await store.health.countItemsBySource('2026-11-21T00:00:00.000Z')).toEqual([
        { sourceId: 'a', seen: 2, matched: 1 },
        { sourceId: 'b', seen: 1, matched: 0 },
      ]);
      await store.close();
    });

    it('prunes events and runs older than a date', async () => {
      const store = await kind.open();
      await store.health.addEvent(event('old', '2026-01-01T00:00:00.000Z'));
      await store.health.addEvent(event('new', '2026-11-28T00:00:00.000Z'));
      await store.health.addJobRun({
        id: 'old-run',
        job: 'poll',
        startedAt: '2026-01-01T00:00:00.000Z',
        ms: 1,
        outcome: 'ok',
        summary: '',
      });
      expect(await store.health.prune('2026-06-01T00:00:00.000Z')).toBe(2);
      expect((await store.health.listEvents()).map((e) => e.id)).toEqual(['new']);
      expect(await store.health.listJobRuns()).toEqual([]);
      await store.close();
    });
  });
}
