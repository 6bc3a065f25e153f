// One contract for every Store adapter: SQLite always, PostgreSQL when TIPWIRE_TEST_DATABASE_URL is set (CI sets it).
import { afterAll, describe, expect, it } from 'vitest';
import type { Classification, Item, Story } from '../../src/core/types.ts';
import type { ClaimOptions } from '../../src/store/port.ts';
import { storeKinds } from '../helpers/stores.ts';

const NOW = '2026-11-28T12:00:00.000Z';

function item(overrides: Partial<Item> = {}): Item {
  return {
    id: 'item-1',
    sourceId: 'src-a',
    url: 'https://24.kg/english/1',
    link: 'https://24.kg/english/1/?utm_source=rss',
    guid: 'guid-1',
    title: 'UNODC trains Kyrgyz prosecutors on trafficking in persons',
    summary: 'A three-day training in Bishkek.',
    categories: ['Society'],
    publishedAt: '2026-11-27T09:00:00.000Z',
    language: 'en',
    country: 'kg',
    fetchedAt: NOW,
    ...overrides,
  };
}

const matched: Classification = {
  language: 'en',
  topics: [
    {
      topic: 'trafficking',
      score: 3,
      evidence: [
        { term: 'trafficking in persons', field: 'title', match: 'trafficking in persons', weight: 3 },
      ],
    },
  ],
  countries: ['kg'],
};
const unmatched: Classification = { language: 'en', topics: [], countries: [] };

for (const kind of storeKinds()) {
  describe(`Store contract on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('inserts once and re-polling the same item changes nothing', async () => {
      const store = await kind.open();
      expect(await store.upsertItems([item()])).toEqual([{ id: 'item-1', outcome: 'inserted' }]);
      expect(await store.upsertItems([item({ fetchedAt: '2026-11-28T13:00:00.000Z' })])).toEqual([
        { id: 'item-1', outcome: 'unchanged' },
      ]);
      expect(await store.countItems()).toBe(1);
      await store.close();
    });

    it('matches an edited item by URL and by GUID, keeping its id', async () => {
      const store = await kind.open();
      await store.upsertItems([item()]);
      // Same URL, new id candidate and new headline: an update of the stored item.
      const byUrl = await store.upsertItems([
        item({ id: 'other', guid: undefined, title: 'Edited headline' }),
      ]);
      expect(byUrl).toEqual([{ id: 'item-1', outcome: 'updated' }]);
      // Same GUID in the same source, URL changed (the outlet edited the slug).
      const byGuid = await store.upsertItems([
        item({ id: 'third', url: 'https://24.kg/english/1-new-slug', title: 'Again' }),
      ]);
      expect(byGuid).toEqual([{ id: 'item-1', outcome: 'updated' }]);
      const stored = await store.getItem('item-1');
      expect(stored?.title).toBe('Again');
      expect(stored?.fetchedAt).toBe(NOW);
      expect(await store.countItems()).toBe(1);
      await store.close();
    });

    it('keeps the same GUID in two sources apart', async () => {
      const store = await kind.open();
      const results = await store.upsertItems([
        item({ id: 'a', url: undefined, guid: '1' }),
        item({ id: 'b', url: undefined, guid: '1', sourceId: 'src-b' }),
      ]);
      expect(results.map((r) => r.outcome)).toEqual(['inserted', 'inserted']);
      await store.close();
    });

    it('round-trips every item field', async () => {
      const store = await kind.open();
      const full = item({ contentHtml: '<p>Text</p>', author: 'Staff', updatedAt: NOW, dateGuessed: true });
      await store.upsertItems([full]);
      const stored = await store.getItem('item-1');
      expect(stored).toMatchObject({ ...full, classification: undefined, storyId: undefined });
      await store.close();
    });

    it('stores classifications, filters matched items and prunes only unmatched old ones', async () => {
      const store = await kind.open();
      await store.upsertItems([
        item({ id: 'm', url: 'https://x.kg/m', guid: 'm' }),
        item({ id: 'u', url: 'https://x.kg/u', guid: 'u', fetchedAt: '2026-09-01T00:00:00.000Z' }),
        item({ id: 'n', url: 'https://x.kg/n', guid: 'n' }),
      ]);
      await store.saveClassification('m', matched, 'v1');
      await store.saveClassification('u', unmatched, 'v1');
      expect((await store.listItems({ matched: true })).map((i) => i.id)).toEqual(['m']);
      expect((await store.listItems({ notClassifiedWith: 'v1' })).map((i) => i.id)).toEqual(['n']);
      expect((await store.listItems({ notClassifiedWith: 'v2' })).length).toBe(3);
      expect((await store.getItem('m'))?.classification).toEqual(matched);
      expect(await store.pruneUnmatched('2026-10-01T00:00:00.000Z')).toBe(1);
      expect(await store.getItem('u')).toBeUndefined();
      expect(await store.getItem('m')).toBeDefined();
      await store.close();
    });

    it('an edited item is queued for re-classification', async () => {
      const store = await kind.open();
      await store.upsertItems([item()]);
      await store.saveClassification('item-1', matched, 'v1');
      expect(await store.countItems({ notClassifiedWith: 'v1' })).toBe(0);
      await store.upsertItems([item({ summary: 'Changed text' })]);
      expect(await store.countItems({ notClassifiedWith: 'v1' })).toBe(1);
      await store.close();
    });

    it('saves stories, filters them by tags and time, and drops empty ones', async () => {
      const store = await kind.open();
      await store.upsertItems([
        item({ id: 'a', url: 'https://x.kg/a', guid: 'a' }),
        item({ id: 'b', url: 'https://x.ru/b', guid: 'b', language: 'ru', sourceId: 'src-b' }),
        item({ id: 'c', url: 'https://x.uz/c', guid: 'c', country: 'uz' }),
      ]);
      for (const id of ['a', 'b', 'c']) await store.saveClassification(id, matched, 'v1');
      const s1: Story = {
        id: 's1',
        representativeItemId: 'a',
        topics: ['trafficking'],
        countries: ['kg'],
        languages: ['en', 'ru'],
        firstSeenAt: '2026-11-27T10:00:00.000Z',
        updatedAt: NOW,
      };
      const s2: Story = {
        ...s1,
        id: 's2',
        representativeItemId: 'c',
        countries: ['uz'],
        languages: ['en'],
        topics: ['labour-migration'],
        firstSeenAt: NOW,
      };
      await store.saveStories(
        [s1, s2],
        [
          { itemId: 'a', storyId: 's1' },
          { itemId: 'b', storyId: 's1' },
          { itemId: 'c', storyId: 's2' },
        ],
      );
      const all = await store.listStories({});
      expect(all.map((s) => s.id)).toEqual(['s2', 's1']);
      const one = await store.getStory('s1');
      expect(one?.representative.id).toBe('a');
      expect(one?.items.map((i) => i.id)).toEqual(['a', 'b']);
      expect((await store.listStories({ languages: ['ru'] })).map((s) => s.id)).toEqual(['s1']);
      expect(
        (await store.listStories({ topics: ['labour-migration', 'smuggling'] })).map((s) => s.id),
      ).toEqual(['s2']);
      expect((await store.listStories({ countries: ['kg'], topics: ['labour-migration'] })).length).toBe(0);
      expect((await store.listStories({ firstSeenSince: NOW })).map((s) => s.id)).toEqual(['s2']);
      expect((await store.listStories({ firstSeenUntil: NOW })).map((s) => s.id)).toEqual(['s1']);
      // Re-saving a story replaces its tags.
      await store.saveStories([{ ...s2, topics: ['smuggling'] }], []);
      expect((await store.listStories({ topics: ['labour-migration'] })).length).toBe(0);
      // c is re-classified as unmatched: its story empties and goes.
      await store.saveClassification('c', unmatched, 'v2');
      expect(await store.deleteEmptyStories()).toBe(1);
      expect((await store.listStories({})).map((s) => s.id)).toEqual(['s1']);
      expect((await store.getItem('c'))?.storyId).toBeUndefined();
      await store.close();
    });

    it('keeps source state and grants a lease to one worker at a time', async () => {
      const store = await kind.open();
      await store.saveSourceState({
        sourceId: 'src-a',
        consecutiveFailures: 2,
        etag: '"x"',
        lastError: { code: 'FETCH_TIMEOUT', message: 'slow' },
      });
      expect(await store.getSourceState('src-a')).toMatchObject({ consecutiveFailures: 2, etag: '"x"' });
      const until = '2026-11-28T12:05:00.000Z';
      const claim = (ids: string[], owner: string, extra: Partial<ClaimOptions> = {}): Promise<string[]> =>
        store.claimSources(ids, { owner, until, now: NOW, ...extra });
      expect(await claim(['src-a'], 'w1')).toEqual(['src-a']);
      expect(await claim(['src-a'], 'w2')).toEqual([]);
      // The owner may claim again; an expired lease, or one of a known-dead owner, can be taken over.
      expect(await claim(['src-a'], 'w1')).toEqual(['src-a']);
      expect(await claim(['src-a'], 'w2', { now: '2026-11-28T12:06:00.000Z' })).toEqual(['src-a']);
      expect(await claim(['src-a'], 'w3', { takeOver: ['w2'] })).toEqual(['src-a']);
      expect(await store.listLeases()).toEqual([{ sourceId: 'src-a', owner: 'w3', until }]);
      expect(await store.renewLeases('w3', '2026-11-28T12:09:00.000Z')).toBe(1);
      expect(await claim(['src-a'], 'w1', { now: '2026-11-28T12:06:00.000Z' })).toEqual([]);
      expect(await store.releaseLeases('w3')).toBe(1);
      expect(await claim(['src-a', 'new-source'], 'w1')).toEqual(['src-a', 'new-source']);
      // Leasing never overwrites the state it protects.
      expect(await store.getSourceState('src-a')).toMatchObject({ consecutiveFailures: 2 });
      expect((await store.listSourceStates()).map((s) => s.sourceId)).toEqual(['new-source', 'src-a']);
      // Saving states with release frees the writer's own leases only.
      await store.saveSourceStates(
        [
          { sourceId: 'src-a', consecutiveFailures: 0, nextPollAt: '2026-11-28T12:30:00.000Z' },
          { sourceId: 'new-source', consecutiveFailures: 0, nextPollAt: '2026-11-28T12:01:00.000Z' },
        ],
        'w2',
      );
      expect((await store.listLeases()).map((lease) => lease.owner)).toEqual(['w1', 'w1']);
      await store.saveSourceStates(
        [
          { sourceId: 'src-a', consecutiveFailures: 0, nextPollAt: '2026-11-28T12:30:00.000Z' },
          { sourceId: 'new-source', consecutiveFailures: 0, nextPollAt: '2026-11-28T12:01:00.000Z' },
        ],
        'w1',
      );
      expect(await store.listLeases()).toEqual([]);
      // A source is claimed only when due, unless forced: one worker never polls what another just did.
      expect(await claim(['src-a', 'new-source'], 'w2', { now: '2026-11-28T12:02:00.000Z' })).toEqual([
        'new-source',
      ]);
      expect(await claim(['src-a'], 'w2', { force: true })).toEqual(['src-a']);
      await store.close();
    });

    it('rolls back a whole batch when one item fails', async () => {
      const store = await kind.open();
      await store.upsertItems([item()]);
      const broken = {
        ...item({ id: 'z', url: 'https://x.kg/z', guid: 'z' }),
        title: null as unknown as string,
      };
      await expect(
        store.upsertItems([item({ id: 'y', url: 'https://x.kg/y', guid: 'y' }), broken]),
      ).rejects.toThrow();
      expect(await store.countItems()).toBe(1);
      await store.close();
    });

    it('serialises concurrent writers without losing or duplicating items', async () => {
      const store = await kind.open();
      const batches = Array.from({ length: 8 }, (_, b) =>
        Array.from({ length: 25 }, (_, i) =>
          item({ id: `i${i}`, url: `https://x.kg/${i}`, guid: `g${i}`, title: `t${b}` }),
        ),
      );
      await Promise.all(batches.map((batch) => store.upsertItems(batch)));
      expect(await store.countItems()).toBe(25);
      await store.close();
    });
  });
}
