// Search stays in step with what the real poll job writes (fetch → parse → classify in memory → one batched write →
// cluster), against a real HTTP server on 127.0.0.1 and a real SQLite file: on-topic items are found by their words,
// folded, as soon as the poll ends; an off-topic item never is; an outlet's edited headline is found by its new words
// and no longer by its old ones after the next poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../src/classify/index.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createHostLimiter } from '../../src/fetch/index.ts';
import { runPoll, type PollDeps } from '../../src/jobs/poll.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { serveFeed, startFeedServer, type FeedServer, type Handler } from '../helpers/feed-server.ts';
import { testConfig } from '../helpers/config.ts';

const rss = (
  items: { id: string; title: string; summary: string }[],
): string => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test outlet</title><link>https://news.example.kz/</link>
${items
  .map(
    (
      item,
    ) => `<item><title>${item.title}</title><link>https://news.example.kz/${item.id}</link><guid>${item.id}</guid>
<description>${item.summary}</description><pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate></item>`,
  )
  .join('\n')}
</channel></rss>`;

const first = [
  {
    id: 'a1',
    title: 'Kyrgyz police free 12 victims of human trafficking in Bishkek',
    summary: 'Three suspects detained for trafficking in persons and forced labour.',
  },
  { id: 'a2', title: 'New football stadium opens in Osh', summary: 'The match drew 10,000 fans.' },
];
const edited = [
  {
    id: 'a1',
    title: 'Bishkek court charges three with trafficking in persons',
    summary: 'Three suspects detained for trafficking in persons and forced labour.',
  },
  first[1]!,
];

let feed: Handler = serveFeed(rss(first));
let server: FeedServer;
let store: Store;
let deps: PollDeps;

beforeAll(async () => {
  server = await startFeedServer({ '/feed.xml': (req, res) => feed(req, res) });
  const config = testConfig(
    [{ id: 'outlet', url: server.url('/feed.xml'), languages: ['en'], country: 'KG' }],
    {},
    [`127.0.0.1:${server.port}`],
  );
  store = await openStore(config.app.store.databaseUrl);
  deps = {
    store,
    config,
    rules: compileRules(config.topics),
    limiter: createHostLimiter({ concurrency: 2, perHost: 2 }),
    log: silentLogger,
  };
});

afterAll(async () => {
  await store?.close();
  await server?.close();
});

const titles = async (text: string): Promise<string[]> =>
  (await store.searchStories({ text })).map((story) => story.representative.title);

describe('search after a real poll', () => {
  it('finds what the poll stored as on topic, never the rest, and follows an edited headline', async () => {
    await runPoll(deps, { force: true });
    expect(await titles('victims bishkek')).toEqual([
      'Kyrgyz police free 12 victims of human trafficking in Bishkek',
    ]);
    expect(await titles('traffick')).toHaveLength(1);
    expect(await titles('stadium')).toEqual([]);
    feed = serveFeed(rss(edited));
    await runPoll(deps, { force: true });
    expect(await titles('victims')).toEqual([]);
    expect(await titles('court charges')).toEqual([
      'Bishkek court charges three with trafficking in persons',
    ]);
  });
});
