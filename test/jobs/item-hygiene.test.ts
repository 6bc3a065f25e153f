// What the poll job stores is what readers may see: through a real feed server, the real poll job and a real SQLite
// file, a title with markup keeps its words (and so is classified), a 1 MB title is cut at parse with a note in the
// source's state (issue 16, items 2 and 5), and links lose the outlets' tracking tags (issue 13).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../src/classify/index.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createHostLimiter } from '../../src/fetch/index.ts';
import { runPoll, type PollDeps } from '../../src/jobs/poll.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { testConfig } from '../helpers/config.ts';
import { serveFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

const giantTitle = `Human trafficking ring ${'jailed '.repeat(150_000)}`; // ~1 MB
const feed = `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Hostile outlet</title><link>https://news.example.kg/</link>
<item><title>${escapeXml('"><svg/onload=alert(1)> Human trafficking ring jailed in Bishkek')}</title>
<link>${escapeXml('https://news.example.kg/1?utm_source=rss&at_medium=RSS&id=7&fbclid=x#top')}</link><guid>1</guid><description>Three traffickers were sentenced.</description>
<pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>${escapeXml(giantTitle)}</title><link>https://news.example.kg/2</link><guid>2</guid>
<description>Victims of trafficking were freed.</description><pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`;

let server: FeedServer;
let store: Store;
let deps: PollDeps;

beforeAll(async () => {
  server = await startFeedServer({ '/hostile.xml': serveFeed(feed) });
  const config = testConfig(
    [{ id: 'hostile', url: server.url('/hostile.xml'), languages: ['en'], country: 'KG' }],
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
  await runPoll(deps, { force: true });
});

afterAll(async () => {
  await store?.close();
  await server?.close();
});

describe('item hygiene through the poll job', () => {
  it('keeps the words of a title whose markup would swallow them, as inert text, and classifies it', async () => {
    const items = await store.listItems({ sourceId: 'hostile' });
    const svg = items.find((i) => i.link?.startsWith('https://news.example.kg/1'));
    expect(svg?.title).toBe('"> Human trafficking ring jailed in Bishkek');
    const matched = await store.listItems({ sourceId: 'hostile', matched: true });
    expect(matched.map((i) => i.title)).toContain(svg?.title);
  });

  it('stores the published link without tracking parameters, everything else as written', async () => {
    const items = await store.listItems({ sourceId: 'hostile' });
    expect(items.map((i) => i.link)).toContain('https://news.example.kg/1?id=7#top');
  });

  it('cuts a 1 MB title at parse and notes it in the source state', async () => {
    const items = await store.listItems({ sourceId: 'hostile' });
    const giant = items.find((i) => i.link === 'https://news.example.kg/2');
    expect(giant?.title.length).toBeLessThanOrEqual(301);
    expect(giant?.title.startsWith('Human trafficking ring jailed')).toBe(true);
    const state = await store.getSourceState('hostile');
    expect(state?.lastWarnings?.join('\n')).toMatch(/entry 2: title of \d+ characters cut to 300/);
  });
});
