// The poll's catch-up queues, end to end on a real SQLite file: a topics.yaml edit re-classifies what is stored at
// the next poll (even one where every feed answers 304), drops the stories that lost their items and makes the
// ones that gained; rows a crashed or older writer left unjudged, or judged without a story, are finished by the
// next poll; and a fresh poll writes every item already classified (nothing left for a catch-up).
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileClassifier } from '../../src/jobs/classify.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createHostLimiter } from '../../src/fetch/index.ts';
import { runPoll, type PollDeps } from '../../src/jobs/poll.ts';
import { publishFeeds } from '../../src/jobs/publish.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { serveFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { writeTestConfig } from '../helpers/config.ts';

const topics = (extra: string): string => `topics:
  - id: trafficking
    names: { en: Human trafficking }
    threshold: 2
    terms:
      en:
        - { match: human trafficking, weight: 3 }
${extra}`;
const HARVEST = `  - id: harvest
    names: { en: Harvest }
    threshold: 1
    terms:
      en: [harvest]
`;
const FOOTBALL = `  - id: football
    names: { en: Football }
    threshold: 1
    terms:
      en: [football]
`;

const rss = `<?xml version="1.0"?><rss version="2.0"><channel><title>Osh news</title><link>https://osh.example.kg/</link>
<item><title>Human trafficking ring broken up in Osh</title><link>https://osh.example.kg/1</link><description>Police freed nine people.</description><pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Harvest festival opens in Osh</title><link>https://osh.example.kg/2</link><description>Farmers bring apricots.</description><pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate></item>
<item><title>Football cup final in Osh</title><link>https://osh.example.kg/3</link><description>Alay won 2:1.</description><pubDate>Fri, 27 Nov 2026 11:00:00 GMT</pubDate></item>
</channel></rss>`;

let server: FeedServer;
let dir: string;
let store: Store;

beforeAll(async () => {
  server = await startFeedServer({ '/osh.xml': serveFeed(rss, { etag: '"osh-1"' }) });
  dir = writeTestConfig([{ id: 'osh', url: server.url('/osh.xml'), country: 'KG' }], {}, [
    `127.0.0.1:${server.port}`,
  ]);
  writeFileSync(join(dir, 'topics.yaml'), topics(HARVEST));
  store = await openStore(loadConfig(dir, {}).app.store.databaseUrl);
});

afterAll(async () => {
  await store?.close();
  await server?.close();
});

function deps(): PollDeps {
  const config = loadConfig(dir, {});
  return {
    store,
    config,
    rules: compileClassifier(config),
    log: silentLogger,
    limiter: createHostLimiter({ concurrency: 4, perHost: 2 }),
  };
}

const storyTopics = async (): Promise<string[][]> =>
  (await store.listStories({})).map((story) => story.topics).sort();

describe('poll catch-up queues', () => {
  // (the export after each poll is tested at the end: 'exports only what the poll changed')
  it('a fresh poll stores every item already classified, and clusters the matched ones', async () => {
    const d = deps();
    const report = await runPoll(d);
    expect(report).toMatchObject({ classified: 3, matched: 2, storiesCreated: 2 });
    expect(report.feedChanges).toMatchObject({ kind: 'slices', countries: ['kg'], languages: ['en'] });
    if (report.feedChanges.kind === 'slices')
      expect(report.feedChanges.topics.sort()).toEqual(['harvest', 'trafficking']);
    expect(await store.countItems({ notClassifiedWith: d.rules.version })).toBe(0);
    expect(await storyTopics()).toEqual([['harvest'], ['trafficking']]);
  });

  it('after a rule edit, a poll of unchanged feeds re-classifies what is stored and fixes the stories', async () => {
    writeFileSync(join(dir, 'topics.yaml'), topics(FOOTBALL));
    const d = deps();
    const report = await runPoll(d, { force: true });
    expect(report.sources[0]?.outcome).toBe('not-modified');
    expect(report).toMatchObject({ classified: 3, matched: 2, storiesCreated: 1 });
    expect(await store.countItems({ notClassifiedWith: d.rules.version })).toBe(0);
    // The harvest story lost its only item and is gone; the football item opened one.
    expect(await storyTopics()).toEqual([['football'], ['trafficking']]);
    expect(report.feedChanges).toEqual({ kind: 'all' });
    // Nothing is left to catch up: the next poll judges nothing again, and changes no feed.
    expect(await runPoll(d, { force: true })).toMatchObject({
      classified: 0,
      storiesCreated: 0,
      feedChanges: { kind: 'none' },
    });
  });

  it('rows a crashed or older writer left unjudged, or judged without a story, are finished by the next poll', async () => {
    const d = deps();
    const base = {
      sourceId: 'osh',
      categories: [],
      dateGuessed: false,
      language: 'en',
      country: 'kg',
      fetchedAt: new Date().toISOString(),
    };
    await store.upsertItems([
      {
        ...base,
        id: 'left-unjudged',
        url: 'https://osh.example.kg/9',
        title: 'Human trafficking suspects detained at the border',
        summary: 'Two men were held in Batken.',
        publishedAt: '2026-11-27T12:00:00.000Z',
      },
      {
        ...base,
        id: 'judged-no-story',
        url: 'https://osh.example.kg/10',
        title: 'Football league opens in Bishkek',
        summary: 'Twelve teams play this year.',
        publishedAt: '2026-11-27T13:00:00.000Z',
      },
    ]);
    await store.saveClassification(
      'judged-no-story',
      { language: 'en', topics: [{ topic: 'football', score: 2, evidence: [] }], countries: ['kg'] },
      d.rules.version,
    );
    const report = await runPoll(d, { force: true });
    expect(report.classified).toBe(1);
    expect((await store.getItem('left-unjudged'))?.storyId).toBeDefined();
    expect((await store.getItem('judged-no-story'))?.storyId).toBeDefined();
    expect(await store.listUnclusteredIds()).toEqual([]);
    expect(await store.countItems({ notClassifiedWith: d.rules.version })).toBe(0);
  });

  it('exports only what the poll changed: nothing after an unchanged poll, the touched slices after a new story', async () => {
    const d = deps();
    const feeds = join(dir, 'feeds');
    const full = await publishFeeds(store, d.config, { now: new Date(), log: silentLogger });
    expect(full.files).toBeGreaterThan(0);
    const before = statSync(join(feeds, 'all.atom')).mtimeMs;
    const none = await publishFeeds(store, d.config, {
      now: new Date(),
      log: silentLogger,
      changes: { kind: 'none' },
    });
    expect(none.files).toBe(0);
    expect(statSync(join(feeds, 'all.atom')).mtimeMs).toBe(before);
    const some = await publishFeeds(store, d.config, {
      now: new Date(),
      log: silentLogger,
      changes: { kind: 'slices', topics: ['football'], countries: [], languages: [] },
    });
    // The whole feed and the football slice, three formats each, and sources.opml.
    expect(some.files).toBe(2 * 3 + 1);
  });
});
