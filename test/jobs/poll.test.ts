// The poll job end to end against a real HTTP server on 127.0.0.1 and a real SQLite file: each hostile or broken
// feed gets the right state and message, the other sources are still polled, and nothing stored is lost.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import iconv from 'iconv-lite';
import { compileRules } from '../../src/classify/index.ts';
import { createHostLimiter } from '../../src/fetch/index.ts';
import { runPoll, type PollDeps, type SourcePollResult } from '../../src/jobs/poll.ts';
import { silentLogger } from '../../src/core/log.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import type { Config } from '../../src/config/types.ts';
import {
  gzipBomb,
  hang,
  hugeBody,
  redirect,
  serveFeed,
  startFeedServer,
  status,
  trickle,
  type FeedServer,
  type Handler,
} from '../helpers/feed-server.ts';
import { testConfig } from '../helpers/config.ts';

const rss = (
  items: { id: string; title: string; summary?: string }[],
  extra = '',
): string => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Test outlet</title><link>https://news.example.kg/</link>${extra}
${items
  .map(
    (
      item,
    ) => `<item><title>${item.title}</title><link>https://news.example.kg/en/${item.id}</link><guid>${item.id}</guid>
<description>${item.summary ?? 'Details follow.'}</description><pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate></item>`,
  )
  .join('\n')}
</channel></rss>`;

const onTopic = [
  {
    id: '101',
    title: 'Kyrgyz police free 12 victims of human trafficking in Bishkek',
    summary: 'Three suspects detained for trafficking in persons and forced labour.',
  },
  {
    id: '102',
    title: 'Migrant workers from Uzbekistan send record remittances home',
    summary: 'Labour migrants in Russia sent $2 billion.',
  },
  { id: '103', title: 'New football stadium opens in Osh', summary: 'The match drew 10,000 fans.' },
];

const russian1251 = iconv.encode(
  `<?xml version="1.0" encoding="windows-1251"?><rss version="2.0"><channel><title>Новости</title><link>https://news.example.kg/</link>
<item><title>Торговля людьми: в Бишкеке задержаны трое</title><link>https://news.example.kg/ru/201</link><description>Жертвами стали 12 человек.</description><pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`,
  'win1251',
);

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<rss version="2.0"><channel><title>&lol4;</title><item><title>&lol4;</title></item></channel></rss>`;

const htmlPage = `<!doctype html><html><head><title>News</title>
<link rel="alternate" type="application/rss+xml" href="/rss.xml"></head><body><h1>News</h1></body></html>`;

let server: FeedServer;
const swapItems = [
  { id: 'sw1', title: 'Tajik migrants deported from Russia return to Dushanbe' },
  { id: 'sw2', title: 'Refugees from Afghanistan register in Tajikistan' },
];
let swappable: Handler = serveFeed(rss(swapItems.slice(0, 1)));

const routes: Record<string, Handler> = {
  '/good.xml': serveFeed(rss(onTopic, '<ttl>60</ttl>'), {
    etag: '"v1"',
    lastModified: 'Fri, 27 Nov 2026 09:00:00 GMT',
  }),
  '/cp1251.xml': serveFeed(russian1251, { contentType: 'application/rss+xml; charset=utf-8' }),
  '/moved': redirect(301, '/moved-2'),
  '/moved-2': redirect(308, '/good-copy.xml'),
  '/good-copy.xml': serveFeed(rss([{ id: '104', title: 'IOM opens a migrant resource centre in Dushanbe' }])),
  '/loop-a': redirect(302, '/loop-b'),
  '/loop-b': redirect(302, '/loop-a'),
  '/gone': status(410),
  '/busy': status(429, { 'retry-after': '3600' }),
  '/broken-server': status(500),
  '/hang': hang(),
  '/trickle': trickle(200),
  '/huge': hugeBody(50 * 1024 * 1024),
  '/bomb': gzipBomb(),
  '/page.html': serveFeed(htmlPage, { contentType: 'text/html; charset=utf-8' }),
  '/truncated.xml': serveFeed(
    '<rss version="2.0"><channel><title>Cut off</title><item><title>Human trafficking case in Osh</title><link>https://news.example.kg/en/301</link></item><item><title>Unclosed',
    {},
  ),
  '/garbage.xml': serveFeed(Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02, 0xff, 0xfe, 0x00]), {
    contentType: 'application/rss+xml',
  }),
  '/laughs.xml': serveFeed(billionLaughs),
  '/swappable.xml': (req, res) => swappable(req, res),
};

const SOURCES = Object.keys(routes)
  .filter((path) => path !== '/moved-2' && path !== '/loop-b' && path !== '/good-copy.xml')
  .map((path) => ({
    id: path
      .slice(1)
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/-+$/, ''),
    path,
  }));

let config: Config;
let store: Store;
let deps: PollDeps;
const byId = (results: SourcePollResult[], id: string): SourcePollResult => {
  const found = results.find((r) => r.sourceId === id);
  if (!found) throw new Error(`no result for ${id}`);
  return found;
};

beforeAll(async () => {
  server = await startFeedServer(routes);
  const sources = SOURCES.map(({ id, path }) => ({
    id,
    url: server.url(path),
    languages: id === 'cp1251' ? ['ru'] : ['en'],
    country: 'KG',
  }));
  config = testConfig(sources, {}, [`127.0.0.1:${server.port}`]);
  store = await openStore(config.app.store.databaseUrl);
  deps = {
    store,
    config,
    rules: compileRules(config.topics),
    limiter: createHostLimiter({ concurrency: 8, perHost: 8 }),
    log: silentLogger,
  };
});

afterAll(async () => {
  await store?.close();
  await server?.close();
});

describe('runPoll against a hostile web', () => {
  let first: SourcePollResult[];

  it('polls every source in one run, whatever the others do', async () => {
    const report = await runPoll(deps, { force: true });
    first = report.sources;
    expect(first.map((r) => r.sourceId).sort()).toEqual(SOURCES.map((s) => s.id).sort());
    expect(byId(first, 'good-xml')).toMatchObject({
      outcome: 'changed',
      httpStatus: 200,
      entries: 3,
      inserted: 3,
    });
    expect(report.classified).toBeGreaterThanOrEqual(3);
  }, 60_000);

  it('stores the good feed and classifies it; the football item is kept but unmatched', async () => {
    const items = await store.listItems({ sourceId: 'good-xml' });
    expect(items).toHaveLength(3);
    const matched = await store.listItems({ sourceId: 'good-xml', matched: true });
    expect(matched.map((i) => i.guid).sort()).toEqual(['101', '102']);
    expect(items.every((i) => i.country === 'kg' && i.language === 'en')).toBe(true);
  });

  it('decodes windows-1251 even under a wrong charset header', async () => {
    expect(byId(first, 'cp1251-xml')).toMatchObject({ outcome: 'changed', inserted: 1 });
    const [item] = await store.listItems({ sourceId: 'cp1251-xml' });
    expect(item?.title).toBe('Торговля людьми: в Бишкеке задержаны трое');
  });

  const failures: [string, string, RegExp][] = [
    ['loop-a', 'FETCH_REDIRECT_LOOP', /loop/i],
    ['gone', 'FETCH_HTTP_STATUS', /410/],
    ['busy', 'FETCH_HTTP_STATUS', /429/],
    ['broken-server', 'FETCH_HTTP_STATUS', /500/],
    ['hang', 'FETCH_TIMEOUT', /./],
    ['trickle', 'FETCH_TIMEOUT', /./],
    ['huge', 'FETCH_TOO_LARGE', /./],
    ['bomb', 'FETCH_TOO_LARGE', /./],
    ['page-html', 'PARSE_NOT_A_FEED', /links a feed at http:\/\/127\.0\.0\.1:\d+\/rss\.xml/],
    ['garbage-xml', 'PARSE_INVALID', /garbage-xml|127\.0\.0\.1/],
  ];
  for (const [id, code, message] of failures) {
    it(`${id}: fails with ${code} and a message that says why`, async () => {
      const result = byId(first, id);
      expect(result.outcome).toBe('failed');
      expect(result.error?.code).toBe(code);
      expect(result.error?.message).toMatch(message);
      const state = await store.getSourceState(id);
      expect(state).toMatchObject({ consecutiveFailures: 1, lastError: { code } });
      expect(Date.parse(state?.nextPollAt ?? '')).toBeGreaterThan(Date.now());
    });
  }

  it('a truncated feed is read leniently: what can be recovered is kept', async () => {
    expect(byId(first, 'truncated-xml')).toMatchObject({ outcome: 'changed' });
    const items = await store.listItems({ sourceId: 'truncated-xml' });
    expect(items.map((item) => item.title)).toContain('Human trafficking case in Osh');
  });

  it('entity expansion is refused or inert, never expanded', async () => {
    const result = byId(first, 'laughs-xml');
    if (result.outcome === 'failed') expect(result.error?.code).toMatch(/PARSE_/);
    const items = await store.listItems({ sourceId: 'laughs-xml' });
    for (const item of items) expect(item.title.length).toBeLessThan(1000);
  });

  it('honours Retry-After: the next poll waits at least that long', async () => {
    const state = await store.getSourceState('busy');
    expect(Date.parse(state?.nextPollAt ?? '') - Date.now()).toBeGreaterThan(3500 * 1000);
  });

  it('follows permanent redirects and reports the new address', async () => {
    expect(byId(first, 'moved')).toMatchObject({ outcome: 'changed', movedTo: server.url('/good-copy.xml') });
    expect((await store.getSourceState('moved'))?.movedTo).toBe(server.url('/good-copy.xml'));
  });

  it('a second poll uses the validators: 304 costs no parse, and nothing is added twice', async () => {
    const before = await store.countItems();
    const report = await runPoll(deps, { sourceIds: ['good-xml', 'moved'] });
    expect(byId(report.sources, 'good-xml')).toMatchObject({
      outcome: 'not-modified',
      httpStatus: 304,
      inserted: 0,
    });
    expect(byId(report.sources, 'moved').outcome).toBe('unchanged');
    const sent = server.requests('/good.xml').at(-1);
    expect(sent?.['if-none-match']).toBe('"v1"');
    expect(sent?.['user-agent']).toMatch(/tipwire/);
    expect(await store.countItems()).toBe(before);
  });

  it('a feed that breaks later loses nothing already stored, and is disabled after repeated failures', async () => {
    await runPoll(deps, { sourceIds: ['swappable-xml'] });
    expect(await store.countItems({ sourceId: 'swappable-xml' })).toBe(1);
    swappable = status(503);
    for (let i = 0; i < 3; i += 1) await runPoll(deps, { sourceIds: ['swappable-xml'] });
    const state = await store.getSourceState('swappable-xml');
    expect(state?.consecutiveFailures).toBe(3);
    expect(state?.disabledAt).toBeDefined();
    expect(await store.countItems({ sourceId: 'swappable-xml' })).toBe(1);
    // A scheduled run skips it and says so.
    const scheduled = await runPoll(deps, { force: true, now: () => new Date(Date.now() + 86_400_000) });
    expect(byId(scheduled.sources, 'swappable-xml').outcome).toBe('disabled');
    // It comes back when it works again and the operator polls it by name.
    swappable = serveFeed(rss(swapItems));
    const revived = await runPoll(deps, { sourceIds: ['swappable-xml'] });
    expect(byId(revived.sources, 'swappable-xml')).toMatchObject({ outcome: 'changed', inserted: 1 });
    expect((await store.getSourceState('swappable-xml'))?.disabledAt).toBeUndefined();
  }, 30_000);

  it('matched items become stories; re-polling creates none', async () => {
    const stories = await store.listStories({});
    expect(stories.length).toBeGreaterThan(0);
    const report = await runPoll(deps, { force: true });
    expect(report.storiesCreated).toBe(0);
    expect((await store.listStories({})).length).toBe(stories.length);
  }, 60_000);
});
