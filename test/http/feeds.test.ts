// The feed routes over a real node:http server on 127.0.0.1 and a real SQLite store: content types, ETag and
// Last-Modified with 304s, gzip and brotli (decoded here), HEAD, CORS, readable 404s, query filters, the render
// cache under a conditional-GET storm, and `tipwire serve` stopping on a signal.
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import { testApp } from '../helpers/app.ts';
import type { JobContext } from '../../src/jobs/context.ts';
import { createFeedPages, type FeedPages } from '../../src/http/feeds.ts';
import { createRoutes } from '../../src/http/routes.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { feedMetaFor, publishFeeds } from '../../src/jobs/publish.ts';
import { renderFeed } from '../../src/publish/index.ts';
import { makeSlice } from '../../src/publish/slices.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { serveCommand } from '../../src/cli/commands/serve.ts';
import type { CommandContext } from '../../src/cli/command.ts';
import { feedparser } from '../publish/checkers.ts';
import { NOW, seedStore, stories as fixtureStories, testConfig } from '../publish/fixtures.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(
  base: string,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'tipwire-http-'));
const dbPath = join(tmp, 'feeds.db');
const config = testConfig({ feedsDir: join(tmp, 'out') });
let store: Store;
let routes: FeedPages;
let app: JobContext;
let server: RunningServer;
let base: string;

beforeAll(async () => {
  store = await openStore(`sqlite:${dbPath}`);
  await seedStore(store);
  routes = createFeedPages({ now: () => NOW });
  app = testApp({ config, store, now: () => NOW });
  server = await startServer(app, {
    host: '127.0.0.1',
    port: 0,
    routes: createRoutes({ feeds: routes }),
  });
  base = server.url;
});
afterAll(async () => {
  await server.close();
  await store.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('GET a feed', () => {
  it.each([
    ['rss', 'application/rss+xml; charset=utf-8'],
    ['atom', 'application/atom+xml; charset=utf-8'],
    ['json', 'application/feed+json; charset=utf-8'],
  ] as const)(
    '%s: 200 with its content type, validators and caching headers, and the rendered bytes',
    async (format, type) => {
      const answer = await get(base, `/feeds/all.${format}`);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe(type);
      expect(answer.headers['etag']).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
      expect(answer.headers['last-modified']).toBe(new Date('2026-03-05T08:05:00.000Z').toUTCString());
      expect(answer.headers['cache-control']).toBe('public, max-age=300');
      expect(answer.headers['vary']).toBe('Accept-Encoding');
      expect(answer.headers['access-control-allow-origin']).toBe('*');
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
      const expected = renderFeed(await store.listStories({}), feedMetaFor(config, makeSlice('all')), format);
      expect(answer.body.toString('utf8')).toBe(expected);
    },
  );

  it('answers 304 to a matching If-None-Match (also a weak or listed one), 200 to a stale one', async () => {
    const first = await get(base, '/feeds/all.atom');
    const etag = String(first.headers['etag']);
    const same = await get(base, '/feeds/all.atom', { 'If-None-Match': etag });
    expect(same.status).toBe(304);
    expect(same.body.length).toBe(0);
    expect(same.headers['etag']).toBe(etag);
    expect((await get(base, '/feeds/all.atom', { 'If-None-Match': `"other", W/${etag}` })).status).toBe(304);
    expect((await get(base, '/feeds/all.atom', { 'If-None-Match': '"stale"' })).status).toBe(200);
  });

  it('answers 304 to If-Modified-Since at or after Last-Modified, 200 before it; If-None-Match wins', async () => {
    const lastModified = String((await get(base, '/feeds/all.rss')).headers['last-modified']);
    expect((await get(base, '/feeds/all.rss', { 'If-Modified-Since': lastModified })).status).toBe(304);
    expect(
      (await get(base, '/feeds/all.rss', { 'If-Modified-Since': 'Mon, 02 Mar 2026 00:00:00 GMT' })).status,
    ).toBe(200);
    expect(
      (await get(base, '/feeds/all.rss', { 'If-Modified-Since': lastModified, 'If-None-Match': '"stale"' }))
        .status,
    ).toBe(200);
    expect((await get(base, '/feeds/all.rss', { 'If-Modified-Since': 'not a date' })).status).toBe(200);
  });

  it.each([
    ['gzip', gunzipSync, '-gz'],
    ['br', brotliDecompressSync, '-br'],
  ] as const)(
    '%s: encoded by Accept-Encoding, decodes to the same bytes, and has its own ETag',
    async (encoding, decode, suffix) => {
      const plain = await get(base, '/feeds/all.json');
      const encoded = await get(base, '/feeds/all.json', { 'Accept-Encoding': encoding });
      expect(encoded.headers['content-encoding']).toBe(encoding);
      expect(encoded.body.length).toBeLessThan(plain.body.length);
      expect(decode(encoded.body).equals(plain.body)).toBe(true);
      expect(encoded.headers['etag']).toBe(String(plain.headers['etag']).replace(/"$/, `${suffix}"`));
      expect(Number(encoded.headers['content-length'])).toBe(encoded.body.length);
      expect(
        (
          await get(base, '/feeds/all.json', {
            'Accept-Encoding': encoding,
            'If-None-Match': String(encoded.headers['etag']),
          })
        ).status,
      ).toBe(304);
    },
  );

  it('HEAD gives the headers of GET and no body', async () => {
    const full = await get(base, '/feeds/all.atom');
    const head = await get(base, '/feeds/all.atom', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.body.length).toBe(0);
    expect(head.headers['content-length']).toBe(String(full.body.length));
    expect(head.headers['etag']).toBe(full.headers['etag']);
  });

  it('answers a CORS preflight for conditional requests from browser readers', async () => {
    const pre = await get(
      base,
      '/feeds/all.json',
      { Origin: 'https://reader.example', 'Access-Control-Request-Method': 'GET' },
      'OPTIONS',
    );
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
    expect(pre.headers['access-control-allow-headers']).toContain('If-None-Match');
  });
});

describe('errors', () => {
  it.each([
    ['/feeds/topic/cats.rss', 'Unknown topic "cats"'],
    ['/feeds/all.xml', 'Unknown feed format ".xml"'],
    ['/feeds/country/kyrgyzstan.atom', 'not a country code'],
    ['/feeds/whatever', 'No feed at /feeds/whatever'],
    ['/feeds/all.rss?lang=russian', 'not a language code'],
    ['/nothing-here', 'Not found: /nothing-here'],
  ])('%s is a 404 with a readable message', async (path, message) => {
    const answer = await get(base, path);
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(answer.body.toString()).toContain(message);
  });

  it('other methods get 405 with Allow', async () => {
    const answer = await get(base, '/feeds/all.rss', {}, 'POST');
    expect(answer.status).toBe(405);
    expect(answer.headers['allow']).toBe('GET, HEAD, OPTIONS');
  });

  it('a route that throws gives a 500, and the server keeps serving', async () => {
    const failing = await startServer(testApp({ config, store }), {
      host: '127.0.0.1',
      port: 0,
      routes: [
        {
          path: '/x',
          GET: async () => {
            throw new Error('boom');
          },
        },
      ],
    });
    try {
      expect((await get(failing.url, '/x')).status).toBe(500);
      expect((await get(failing.url, '/x')).body.toString()).toContain('Internal error');
    } finally {
      await failing.close();
    }
  });
});

describe('slices and filters', () => {
  const ids = async (path: string): Promise<string[]> => {
    const answer = await get(base, path);
    expect(answer.status).toBe(200);
    return (JSON.parse(answer.body.toString()) as { items: { id: string }[] }).items.map(
      (i) => i.id.split('/').pop() ?? '',
    );
  };
  it.each([
    ['/feeds/topic/trafficking.json', ['st-hostile', 'st-unodc']],
    ['/feeds/country/tm.json', ['st-unodc']],
    ['/feeds/lang/ru.json', ['st-hostile', 'st-unodc']],
    ['/feeds/all.json?topic=trafficking&country=kg', ['st-hostile']],
    ['/feeds/all.json?lang=ru&country=tm', ['st-unodc']],
    ['/feeds/all.json?country=uz,kz', ['st-linkonly', 'st-badlinks']],
    ['/feeds/topic/migration.json?lang=kk', ['st-linkonly']],
    ['/feeds/country/tj.json', []],
  ])('%s', async (path, expected) => expect(await ids(path)).toEqual(expected));

  it('a filtered feed keeps its filters in its self link', async () => {
    const parsed = feedparser(
      (await get(base, '/feeds/all.atom?country=kg&topic=trafficking&utm_source=x')).body,
    );
    expect(parsed.bozo).toBe(0);
    expect(parsed.feed.links.find((l) => l.rel === 'self')?.href).toBe(
      `${config.app.server.baseUrl}/feeds/all.atom?topic=trafficking&country=kg`,
    );
  });

  it('serves the sources as OPML at /sources.opml and /feeds/sources.opml', async () => {
    for (const path of ['/sources.opml', '/feeds/sources.opml']) {
      const answer = await get(base, path);
      expect(answer.status).toBe(200);
      expect(answer.headers['content-type']).toBe('text/x-opml; charset=utf-8');
      expect(answer.body.toString()).toContain('xmlUrl="https://www.unodc.org/centralasia/rss.xml"');
    }
  });
});

describe('render cache', () => {
  it('a storm of conditional GETs renders nothing new', async () => {
    const etag = String((await get(base, '/feeds/topic/migration.atom')).headers['etag']);
    const before = routes.renders;
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => get(base, '/feeds/topic/migration.atom', { 'If-None-Match': etag })),
    );
    expect(answers.every((a) => a.status === 304)).toBe(true);
    expect(routes.renders).toBe(before);
  });

  it('concurrent first requests for one feed share one render', async () => {
    const before = routes.renders;
    await Promise.all(Array.from({ length: 20 }, () => get(base, '/feeds/lang/uz.rss')));
    expect(routes.renders).toBe(before + 1);
  });

  it('an export in this process makes the next request render the changed store', async () => {
    const first = await get(base, '/feeds/country/kz.json');
    const story = fixtureStories.find((s) => s.id === 'st-linkonly');
    if (!story) throw new Error('fixture story missing');
    await store.saveStories([{ ...story, updatedAt: '2026-03-09T00:00:00.000Z' }], []);
    expect((await get(base, '/feeds/country/kz.json')).headers['etag']).toBe(first.headers['etag']);
    await publishFeeds(store, config, { now: NOW, log: silentLogger, published: app.published });
    const second = await get(base, '/feeds/country/kz.json');
    expect(second.headers['etag']).not.toBe(first.headers['etag']);
    expect(second.headers['last-modified']).toBe(new Date('2026-03-09T00:00:00.000Z').toUTCString());
    expect(
      (await get(base, '/feeds/country/kz.json', { 'If-None-Match': String(first.headers['etag']) })).status,
    ).toBe(200);
  });
});

describe('tipwire serve', () => {
  it('serves feeds from the configured store and stops on SIGTERM', async () => {
    const stdout = new PassThrough();
    let out = '';
    stdout.on('data', (c: Buffer) => (out += c.toString()));
    const ctx: CommandContext = {
      configDir: tmp,
      env: {},
      stdin: new PassThrough(),
      stdout,
      stderr: new PassThrough(),
      log: silentLogger,
      loadConfig: async () => config,
      openStore: async () => openStore(`sqlite:${dbPath}`),
      openMailer: () => createFileMailer(join(tmp, 'outbox'), silentLogger),
    };
    const running = serveCommand.run({ values: { port: '0', host: '127.0.0.1' }, positionals: [] }, ctx);
    const started = Date.now();
    while (!/serving feeds at (http:\/\/\S+?)\/feeds/.test(out) && Date.now() - started < 10_000)
      await new Promise((r) => setTimeout(r, 20));
    const url = /serving feeds at (http:\/\/\S+?)\/feeds/.exec(out)?.[1];
    expect(url).toBeDefined();
    const answer = await get(url ?? '', '/feeds/all.rss');
    expect(answer.status).toBe(200);
    expect(feedparser(answer.body).entries.length).toBe(4);
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    expect(out).toContain('stopped');
    await expect(get(url ?? '', '/feeds/all.rss')).rejects.toThrow();
  });
});
