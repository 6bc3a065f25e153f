// clusterItems against a real SQLite store: stories are created once, copies and translations join them, a re-run
// and an edited headline create nothing new, the representative follows preference and richness, follow-ups link.
// Also the `tipwire dedupe` and `tipwire stories` commands end to end.
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterItems, createClusterer } from '../../src/jobs/cluster.ts';
import { dedupeSchema } from '../../src/config/schema.ts';
import { stableId } from '../../src/core/hash.ts';
import { identityKey } from '../../src/dedupe/index.ts';
import type { Item } from '../../src/core/types.ts';
import type { Store } from '../../src/store/port.ts';
import { sqliteKind } from '../helpers/stores.ts';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config.ts';
import { loadFixture, type FixtureItem } from './evaluate.ts';

const kind = sqliteKind();
afterAll(() => kind.cleanup());
const dedupe = dedupeSchema.parse({});
const fixture = loadFixture(join(import.meta.dirname, '../fixtures/dedupe/tune.json'));

function toItem(f: FixtureItem, fetchedAt: string): Item {
  return {
    id: stableId(identityKey({ url: f.url, title: f.title, publishedAt: f.published }, f.source)),
    sourceId: f.source,
    url: f.url,
    link: f.url,
    title: f.title,
    summary: f.text,
    categories: [],
    publishedAt: f.published,
    language: f.lang,
    fetchedAt,
  };
}

async function storeAndClassify(store: Store, items: Item[]): Promise<void> {
  const results = await store.upsertItems(items);
  for (const [index, result] of results.entries()) {
    const item = items[index] as Item;
    await store.saveClassification(
      result.id,
      {
        language: item.language ?? 'en',
        topics: [{ topic: item.language === 'ru' ? 'trafficking' : 'training', score: 1, evidence: [] }],
        countries: ['tm'],
      },
      'v1',
    );
  }
}

async function poll(store: Store, now: string, clusterer = createClusterer(dedupe)) {
  const pending = await store.listItems({ matched: true, withoutStory: true });
  return clusterItems(store, pending, { dedupe, sources: [], now: new Date(now), clusterer });
}

const byId = (id: string): FixtureItem => fixture.find((f) => f.id === id) as FixtureItem;

describe('clusterItems with a real SQLite store', () => {
  it('creates a story once, joins copies and translations, links follow-ups, ignores re-runs', async () => {
    const store = await kind.open();
    try {
      const first = ['t1a', 't1c', 't2a'].map((id) => toItem(byId(id), '2025-03-12T10:00:00.000Z'));
      await storeAndClassify(store, first);
      expect(await poll(store, '2025-03-12T10:00:00Z')).toMatchObject({ created: 2, joined: 1 });

      // a later poll, with a fresh clusterer (as after a restart): the copy and the Russian rewrite join T1
      const later = ['t1b', 't1d'].map((id) => toItem(byId(id), '2025-03-12T11:00:00.000Z'));
      await storeAndClassify(store, later);
      expect(await poll(store, '2025-03-12T11:00:00Z')).toMatchObject({ created: 0, joined: 2 });

      const stories = await store.listStories({});
      expect(stories).toHaveLength(2);
      const t1 = stories.find((story) => story.items.length === 4);
      expect(t1).toBeDefined();
      expect(t1?.languages).toEqual(['en', 'ru']);
      expect(t1?.topics).toEqual(['trafficking', 'training']);
      expect(t1?.firstSeenAt).toBe('2025-03-12T10:00:00.000Z');
      expect(t1?.updatedAt).toBe('2025-03-12T11:00:00.000Z');

      // nothing pending: a re-run changes nothing
      expect(await poll(store, '2025-03-12T12:00:00Z')).toMatchObject({ created: 0, joined: 0 });
      // an edited headline (same URL → same id) keeps its story
      const edited = {
        ...toItem(byId('t1b'), '2025-03-12T13:00:00.000Z'),
        title: 'UNODC trains prosecutors (updated)',
      };
      await storeAndClassify(store, [edited]);
      await poll(store, '2025-03-12T13:00:00Z');
      expect((await store.getItem(edited.id))?.storyId).toBe(t1?.id);
      expect(await store.listStories({})).toHaveLength(2);
    } finally {
      await store.close();
    }
  });

  it('prefers the configured source, then the full text over a teaser', async () => {
    const store = await kind.open();
    try {
      const teaser = {
        ...toItem(byId('t1a'), '2025-03-04T10:00:00.000Z'),
        summary: byId('t1a').text.slice(0, 160),
      };
      const full = {
        ...toItem(byId('t1b'), '2025-03-04T12:00:00.000Z'),
        contentHtml: `<p>${byId('t1b').text}</p><p>${'More detail. '.repeat(30)}</p>`,
      };
      await storeAndClassify(store, [teaser, full]);
      await poll(store, '2025-03-04T12:00:00Z');
      const [story] = await store.listStories({});
      expect(story?.items).toHaveLength(2);
      expect(story?.representativeItemId).toBe(full.id);

      const preferred = { ...dedupe, preferredSources: ['unodc-en'] };
      const store2 = await kind.open();
      try {
        await storeAndClassify(store2, [teaser, full]);
        const pending = await store2.listItems({ matched: true, withoutStory: true });
        await clusterItems(store2, pending, {
          dedupe: preferred,
          sources: [],
          now: new Date('2025-03-04T12:00:00Z'),
        });
        expect((await store2.listStories({}))[0]?.representativeItemId).toBe(teaser.id);
      } finally {
        await store2.close();
      }
    } finally {
      await store.close();
    }
  });

  it('records a follow-up as a new story that follows the first', async () => {
    const store = await kind.open();
    try {
      await storeAndClassify(
        store,
        ['t3a', 't3c'].map((id) => toItem(byId(id), '2025-03-06T10:00:00.000Z')),
      );
      await poll(store, '2025-03-06T10:00:00Z');
      await storeAndClassify(store, [toItem(byId('t4a'), '2025-03-17T09:00:00.000Z')]);
      expect(await poll(store, '2025-03-17T09:00:00Z')).toMatchObject({ created: 1, joined: 0 });
      const stories = await store.listStories({});
      const appeal = stories.find((story) => story.items.length === 1);
      const verdict = stories.find((story) => story.items.length === 2);
      expect(appeal?.followsStoryId).toBe(verdict?.id);
    } finally {
      await store.close();
    }
  });
});

describe('tipwire dedupe / stories', () => {
  it('writes one {"id","story"} line per input line and reports bad lines by number', async () => {
    const dir = writeTestConfig([]);
    const lines = ['t1a', 't1b', 't1c', 't2a'].map((id) => {
      const f = byId(id);
      return JSON.stringify({
        id: f.id,
        url: f.url,
        title: f.title,
        summary: f.text,
        lang: f.lang,
        published: f.published,
        source: f.source,
      });
    });
    lines.splice(2, 0, '{not json');
    const result = await runCli(['--config', dir, 'dedupe'], { stdin: `${lines.join('\n')}\n` });
    const out = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; story: string });
    expect(out.map((o) => o.id)).toEqual(['t1a', 't1b', 't1c', 't2a']);
    expect(new Set(out.slice(0, 3).map((o) => o.story)).size).toBe(1);
    expect(out[3]?.story).not.toBe(out[0]?.story);
    expect(result.stderr).toMatch(/stdin line 3/);
    expect(result.code).toBe(1);
  });

  it('explains its decisions with --explain', async () => {
    const dir = writeTestConfig([]);
    const f = byId('t10a');
    const g = byId('t10b');
    const stdin = [f, g]
      .map((x) =>
        JSON.stringify({
          id: x.id,
          url: x.url,
          title: x.title,
          summary: x.text,
          lang: x.lang,
          published: x.published,
        }),
      )
      .join('\n');
    const result = await runCli(['--config', dir, 'dedupe', '--explain'], { stdin });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.trim().split('\n')[1] ?? '{}')).toMatchObject({
      id: 't10b',
      relation: 'translation',
    });
  });

  it('scores labelled stories with --eval: pairs by kind, and the false and missed pairs', async () => {
    const dir = writeTestConfig([]);
    const file = join(mkdtempSync(join(tmpdir(), 'tipwire-eval-')), 'stories.jsonl');
    const lines = ['t1a', 't1b', 't1c', 't2a', 't10a', 't10b'].map((id) => {
      const x = byId(id);
      return JSON.stringify({
        id: x.id,
        story: x.story,
        day: x.published.slice(0, 10),
        source: x.source,
        url: x.url,
        title: x.title,
        summary: x.text,
        lang: x.lang,
        published: x.published,
      });
    });
    writeFileSync(file, `${lines.join('\n')}\n`);
    const result = await runCli(['--config', dir, 'dedupe', '--eval', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^6 items, /);
    expect(result.stdout).toMatch(/^cross-language +3 +3 +3 +1\.000 +1\.000$/m);
    expect(result.stdout).toMatch(/^all +\d+ +\d+ +\d+ +1\.000 +1\.000$/m);
    expect(result.stdout).toMatch(/false pairs \(0\):\nmissed pairs \(0\):/);

    writeFileSync(file, `${lines[0]}\n{"id":"x","title":"no story"}\n`);
    const bad = await runCli(['--config', dir, 'dedupe', '--eval', file]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/stories\.jsonl:2: "story" is missing/);
  });

  it('rejects a bad --since with exit code 2', async () => {
    const dir = writeTestConfig([]);
    const result = await runCli(['--config', dir, 'stories', '--since', 'last tuesday']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--since "last tuesday"/);
  });
});
