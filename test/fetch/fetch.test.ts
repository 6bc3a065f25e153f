// fetchFeed against a real HTTP server on 127.0.0.1: statuses, validators, redirects, timeouts, size caps,
// content codings, charsets and the SSRF guard. Timeouts are short so the whole file runs in a few seconds; how fast
// the guards give up is measured in bench/limits.bench.ts, not asserted here (a loaded machine makes limits flaky).
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { brotliCompressSync, constants as zc, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isTipwireError, type TipwireError } from '../../src/core/errors.ts';
import { fetchFeed, type FetchOptions, type FetchResult } from '../../src/fetch/index.ts';
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
} from '../helpers/feed-server.ts';

const RU = 'Торговля людьми: прокуроры Туркменистана прошли обучение УНП ООН';
const RSS = (title: string, encoding = 'utf-8'): string =>
  `<?xml version="1.0" encoding="${encoding}"?><rss version="2.0"><channel><title>${title}</title>` +
  `<item><title>${title}</title><description>${title} ${title}</description></item></channel></rss>`;
const RSS_NO_PROLOG = (title: string): string =>
  `<rss version="2.0"><channel><title>${title}</title><item><title>${title}</title>` +
  `<description>${title}. ${title}.</description></item></channel></rss>`;
const HTTP_DATE_PAST = 'Wed, 21 Oct 2015 07:28:00 GMT';

let server: FeedServer;
let other: FeedServer;

function opts(extra: Partial<FetchOptions> = {}): FetchOptions {
  return {
    userAgent: 'tipwire-test/1.0 (+https://example.org/tipwire)',
    connectTimeoutMs: 1000,
    totalTimeoutMs: 3000,
    maxBytes: 10 * 1024 * 1024,
    maxRedirects: 5,
    allowPrivateHosts: [`127.0.0.1:${server.port}`],
    ...extra,
  };
}

async function failure(promise: Promise<unknown>): Promise<TipwireError> {
  try {
    await promise;
  } catch (err) {
    if (isTipwireError(err)) return err;
    throw err;
  }
  throw new Error('expected the fetch to fail');
}

function ok(result: FetchResult): Extract<FetchResult, { kind: 'ok' }> {
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.kind}`);
  return result;
}

beforeAll(async () => {
  other = await startFeedServer({ '/secret': serveFeed(RSS('internal')) });
  const cp1251 = iconv.encode(RSS(RU, 'windows-1251'), 'windows-1251');
  const bigXml = Buffer.from(RSS('compressed '.repeat(2000)));
  server = await startFeedServer({
    '/feed': serveFeed(RSS('Hello'), { etag: '"v1"', lastModified: HTTP_DATE_PAST }),
    '/etag-only': serveFeed(RSS('E'), { etag: 'W/"abc"' }),
    '/date-only': serveFeed(RSS('D'), { lastModified: HTTP_DATE_PAST }),
    '/cached': serveFeed(RSS('C'), {
      headers: { 'cache-control': 'public, max-age=1800', expires: 'Thu, 01 Jan 2099 00:00:00 GMT' },
    }),
    '/p1': redirect(301, '/p2'),
    '/p2': redirect(308, '/feed'),
    '/t1': redirect(301, '/t2'),
    '/t2': redirect(302, '/feed'),
    '/t3': redirect(307, '/feed'),
    '/loop-a': redirect(302, '/loop-b'),
    '/loop-b': redirect(302, '/loop-a'),
    ...Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`/hop${i}`, redirect(302, `/hop${i + 1}`)])),
    '/hop8': serveFeed(RSS('end of chain')),
    '/404': status(404),
    '/410': status(410),
    '/500': status(500),
    '/429-seconds': status(429, { 'retry-after': '120' }),
    '/503-date': status(503, { 'retry-after': new Date(Date.now() + 600_000).toUTCString() }),
    '/hang': hang(),
    '/hang-body': hang({ afterHeaders: true }),
    '/trickle': trickle(200),
    '/huge': hugeBody(50 * 1024 * 1024),
    '/huge-chunked': hugeBody(50 * 1024 * 1024, { chunked: true }),
    '/bomb': gzipBomb(),
    '/gzip': serveFeed(bigXml, { encoding: 'gzip' }),
    '/br': serveFeed(bigXml, { encoding: 'br' }),
    '/deflate': serveFeed(bigXml, { encoding: 'deflate' }),
    '/raw-deflate': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'deflate' });
      res.end(deflateRawSync(bigXml));
    },
    '/zstd': status(200, { 'content-encoding': 'zstd' }, 'whatever'),
    '/utf8-header-1251-body': serveFeed(cp1251, { contentType: 'application/rss+xml; charset=utf-8' }),
    '/utf8-header-1251-noprolog': serveFeed(iconv.encode(RSS_NO_PROLOG(RU), 'windows-1251'), {
      contentType: 'text/xml; charset=UTF-8',
    }),
    '/1251-header-utf8-body': serveFeed(Buffer.from(RSS(RU, 'windows-1251')), {
      contentType: 'application/xml; charset=windows-1251',
    }),
    '/latin1-header-koi8-body': serveFeed(iconv.encode(RSS(RU, 'koi8-r'), 'koi8-r'), {
      contentType: 'text/xml; charset=ISO-8859-1',
    }),
    '/bom': serveFeed(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(RSS(RU, 'windows-1251'))]),
      {
        contentType: 'text/xml; charset=koi8-r',
      },
    ),
    '/gzip-1251': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
      res.end(gzipSync(cp1251));
    },
    '/to-metadata': redirect(302, 'http://169.254.169.254/latest/meta-data/'),
    '/to-other-port': redirect(302, `${other.origin}/secret`),
    '/to-ftp': redirect(302, 'ftp://example.org/feed'),
    '/br-level': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'br' });
      res.end(brotliCompressSync(bigXml, { params: { [zc.BROTLI_PARAM_QUALITY]: 4 } }));
    },
    '/deflate-sync': (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'deflate' });
      res.end(deflateSync(bigXml));
    },
  });
});

afterAll(async () => {
  await server?.close();
  await other?.close();
});

describe('fetchFeed: statuses and validators', () => {
  it('200: returns bytes, text, validators and the User-Agent was sent', async () => {
    const result = ok(await fetchFeed({ url: server.url('/feed') }, opts()));
    expect(result.httpStatus).toBe(200);
    expect(result.text).toContain('<title>Hello</title>');
    expect(result.etag).toBe('"v1"');
    expect(result.lastModified).toBe(HTTP_DATE_PAST);
    expect(result.encoding).toBe('utf-8');
    expect(result.finalUrl).toBe(server.url('/feed'));
    expect(result.redirects).toEqual([]);
    expect(result.permanentRedirectTo).toBeUndefined();
    expect(server.requests('/feed').at(-1)?.['user-agent']).toBe(
      'tipwire-test/1.0 (+https://example.org/tipwire)',
    );
    expect(server.requests('/feed').at(-1)?.['accept-encoding']).toContain('gzip');
  });

  it('304 with ETag: sends If-None-Match, returns not-modified', async () => {
    const result = await fetchFeed({ url: server.url('/etag-only'), etag: 'W/"abc"' }, opts());
    expect(result.kind).toBe('not-modified');
    expect(result.httpStatus).toBe(304);
    expect(server.requests('/etag-only').at(-1)?.['if-none-match']).toBe('W/"abc"');
    expect(server.requests('/etag-only').at(-1)?.['if-modified-since']).toBeUndefined();
  });

  it('304 with Last-Modified: sends If-Modified-Since, returns not-modified', async () => {
    const result = await fetchFeed({ url: server.url('/date-only'), lastModified: HTTP_DATE_PAST }, opts());
    expect(result.kind).toBe('not-modified');
    expect(server.requests('/date-only').at(-1)?.['if-modified-since']).toBe(HTTP_DATE_PAST);
  });

  it('a stale ETag gets the full body', async () => {
    const result = ok(await fetchFeed({ url: server.url('/etag-only'), etag: '"old"' }, opts()));
    expect(result.text).toContain('<title>E</title>');
  });

  it('reports Cache-Control max-age and Expires', async () => {
    const result = ok(await fetchFeed({ url: server.url('/cached') }, opts()));
    expect(result.maxAgeSeconds).toBe(1800);
    expect(result.expiresAt).toBe('2099-01-01T00:00:00.000Z');
  });

  it.each([
    ['/404', 404],
    ['/410', 410],
    ['/500', 500],
  ])('%s throws FETCH_HTTP_STATUS with the status and the URL', async (path, code) => {
    const err = await failure(fetchFeed({ url: server.url(path) }, opts()));
    expect(err.code).toBe('FETCH_HTTP_STATUS');
    expect(err.details.httpStatus).toBe(code);
    expect(err.details.retryAfterSeconds).toBeUndefined();
    expect(err.message).toContain(server.url(path));
  });

  it('429 with Retry-After in seconds', async () => {
    const err = await failure(fetchFeed({ url: server.url('/429-seconds') }, opts()));
    expect(err.code).toBe('FETCH_HTTP_STATUS');
    expect(err.details.httpStatus).toBe(429);
    expect(err.details.retryAfterSeconds).toBe(120);
  });

  it('503 with Retry-After as an HTTP date', async () => {
    const err = await failure(fetchFeed({ url: server.url('/503-date') }, opts()));
    expect(err.details.httpStatus).toBe(503);
    const seconds = err.details.retryAfterSeconds as number;
    expect(seconds).toBeGreaterThan(590);
    expect(seconds).toBeLessThanOrEqual(600);
  });
});

describe('fetchFeed: redirects', () => {
  it('301 then 308: permanent all the way, permanentRedirectTo is the final URL', async () => {
    const result = ok(await fetchFeed({ url: server.url('/p1') }, opts()));
    expect(result.redirects.map((r) => r.status)).toEqual([301, 308]);
    expect(result.finalUrl).toBe(server.url('/feed'));
    expect(result.permanentRedirectTo).toBe(server.url('/feed'));
  });

  it('301 then 302: not all permanent, no permanentRedirectTo', async () => {
    const result = ok(await fetchFeed({ url: server.url('/t1') }, opts()));
    expect(result.redirects.map((r) => r.status)).toEqual([301, 302]);
    expect(result.finalUrl).toBe(server.url('/feed'));
    expect(result.permanentRedirectTo).toBeUndefined();
  });

  it('307 alone: temporary', async () => {
    const result = ok(await fetchFeed({ url: server.url('/t3') }, opts()));
    expect(result.redirects).toEqual([{ status: 307, from: server.url('/t3'), to: server.url('/feed') }]);
    expect(result.permanentRedirectTo).toBeUndefined();
  });

  it('validators are sent after a redirect too, and a 304 there reports the chain', async () => {
    const result = await fetchFeed({ url: server.url('/p1'), etag: '"v1"' }, opts());
    expect(result.kind).toBe('not-modified');
    expect(result.permanentRedirectTo).toBe(server.url('/feed'));
  });

  it('a redirect loop is refused', async () => {
    const err = await failure(fetchFeed({ url: server.url('/loop-a') }, opts()));
    expect(err.code).toBe('FETCH_REDIRECT_LOOP');
    expect(err.message).toContain(server.url('/loop-a'));
  });

  it('more than maxRedirects is refused; exactly maxRedirects is fine', async () => {
    const err = await failure(fetchFeed({ url: server.url('/hop0') }, opts()));
    expect(err.code).toBe('FETCH_TOO_MANY_REDIRECTS');
    expect(server.hits('/hop6')).toBe(0);
    const result = ok(await fetchFeed({ url: server.url('/hop3') }, opts()));
    expect(result.redirects).toHaveLength(5);
    expect(result.text).toContain('end of chain');
  });

  it('a redirect to a non-http scheme is refused', async () => {
    const err = await failure(fetchFeed({ url: server.url('/to-ftp') }, opts()));
    expect(err.code).toBe('FETCH_BAD_URL');
  });
});

describe('fetchFeed: timeouts and size caps', () => {
  it('a response that never starts is cut by the total timeout', async () => {
    const err = await failure(fetchFeed({ url: server.url('/hang') }, opts({ totalTimeoutMs: 300 })));
    expect(err.code).toBe('FETCH_TIMEOUT');
    expect(err.message).toContain(server.url('/hang'));
  });

  it('headers then silence is cut by the total timeout', async () => {
    const err = await failure(fetchFeed({ url: server.url('/hang-body') }, opts({ totalTimeoutMs: 300 })));
    expect(err.code).toBe('FETCH_TIMEOUT');
  });

  it('a slow trickle is cut by the total timeout although bytes keep coming', async () => {
    const err = await failure(fetchFeed({ url: server.url('/trickle') }, opts({ totalTimeoutMs: 600 })));
    expect(err.code).toBe('FETCH_TIMEOUT');
    expect(server.bytesSent('/trickle')).toBeGreaterThan(0);
  });

  it('a connection that is never accepted is cut by the connect timeout', async () => {
    // A child process listens with a backlog of 1 and then blocks its event loop: once fillers take the accept
    // queue, the kernel drops further SYNs and connect() hangs, as with a black-holed host.
    const child = spawn(process.execPath, [
      '-e',
      "const s = require('net').createServer().listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {" +
        "process.stdout.write(s.address().port + '\\n');" +
        'setTimeout(() => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10000), 20); });',
    ]);
    try {
      const port = await new Promise<number>((done) =>
        child.stdout.once('data', (d) => done(Number(String(d)))),
      );
      await new Promise((r) => setTimeout(r, 100));
      const fillers = Array.from({ length: 4 }, () =>
        connect(port, '127.0.0.1').on('error', () => undefined),
      );
      await new Promise((r) => setTimeout(r, 100));
      const err = await failure(
        fetchFeed(
          { url: `http://127.0.0.1:${port}/feed` },
          opts({ connectTimeoutMs: 250, totalTimeoutMs: 5000, allowPrivateHosts: ['127.0.0.1'] }),
        ),
      );
      for (const filler of fillers) filler.destroy();
      expect(err.code).toBe('FETCH_TIMEOUT');
      expect(err.details.phase).toBe('connect');
    } finally {
      child.kill();
    }
  });

  it("the caller's AbortSignal stops a fetch in flight", async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('shutdown')), 100);
    const err = await failure(
      fetchFeed({ url: server.url('/trickle') }, opts({ signal: controller.signal })),
    );
    expect(err.code).toBe('FETCH_NETWORK');
    expect(err.details.aborted).toBe(true);
  });

  it('a 50 MB body with Content-Length is refused without downloading it', async () => {
    const err = await failure(fetchFeed({ url: server.url('/huge') }, opts()));
    expect(err.code).toBe('FETCH_TOO_LARGE');
    expect(err.message).toContain(server.url('/huge'));
  });

  it('a 50 MB chunked body is cut at the cap: bytes read stay bounded', async () => {
    const before = process.memoryUsage().rss;
    const err = await failure(
      fetchFeed({ url: server.url('/huge-chunked') }, opts({ maxBytes: 2 * 1024 * 1024 })),
    );
    expect(err.code).toBe('FETCH_TOO_LARGE');
    expect(err.details.readBytes as number).toBeLessThan(3 * 1024 * 1024);
    // Socket buffers on loopback hold a few MB at most; the server never got to send the whole 50 MB.
    await new Promise((r) => setTimeout(r, 50));
    expect(server.bytesSent('/huge-chunked')).toBeLessThan(20 * 1024 * 1024);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });

  it('a gzip bomb (1 GiB of zeros) is cut at the cap after decompression', async () => {
    const err = await failure(fetchFeed({ url: server.url('/bomb') }, opts()));
    expect(err.code).toBe('FETCH_TOO_LARGE');
    expect(err.details.readBytes as number).toBeLessThanOrEqual(10 * 1024 * 1024 + 64 * 1024);
    await new Promise((r) => setTimeout(r, 50));
    // ~1 KB of gzip per MB of zeros: the server sent a small fraction of the ~1 MB bomb.
    expect(server.bytesSent('/bomb')).toBeLessThan(200 * 1024);
  });
});

describe('fetchFeed: content codings', () => {
  it.each(['/gzip', '/br', '/br-level', '/deflate', '/deflate-sync', '/raw-deflate'])(
    '%s decodes',
    async (path) => {
      const result = ok(await fetchFeed({ url: server.url(path) }, opts()));
      expect(result.text).toBe(RSS('compressed '.repeat(2000)));
      expect(result.bytes.length).toBe(Buffer.byteLength(RSS('compressed '.repeat(2000))));
    },
  );

  it('an unsupported Content-Encoding is refused with FETCH_DECODE', async () => {
    const err = await failure(fetchFeed({ url: server.url('/zstd') }, opts()));
    expect(err.code).toBe('FETCH_DECODE');
  });

  it('the cap counts decoded bytes: a small gzip over the cap is refused', async () => {
    const err = await failure(fetchFeed({ url: server.url('/gzip') }, opts({ maxBytes: 5000 })));
    expect(err.code).toBe('FETCH_TOO_LARGE');
  });
});

describe('fetchFeed: charsets', () => {
  it.each([
    ['/utf8-header-1251-body', 'windows-1251', 'xml-prolog'],
    ['/utf8-header-1251-noprolog', 'windows-1251', 'detected'],
    ['/1251-header-utf8-body', 'utf-8', 'detected'],
    ['/latin1-header-koi8-body', 'koi8-r', 'xml-prolog'],
    ['/bom', 'utf-8', 'bom'],
    ['/gzip-1251', 'windows-1251', 'xml-prolog'],
  ])('%s comes out as Russian text (%s from %s)', async (path, encoding, source) => {
    const result = ok(await fetchFeed({ url: server.url(path) }, opts()));
    expect(result.text).toContain(RU);
    expect(result.encoding).toBe(encoding);
    expect(result.encodingSource).toBe(source);
  });
});

describe('fetchFeed: SSRF guard', () => {
  it('refuses loopback unless the host:port is allowed', async () => {
    const err = await failure(fetchFeed({ url: server.url('/feed') }, opts({ allowPrivateHosts: [] })));
    expect(err.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(err.message).toContain(server.url('/feed'));
  });

  it('refuses a redirect to the cloud metadata address without connecting', async () => {
    const err = await failure(
      fetchFeed({ url: server.url('/to-metadata') }, opts({ connectTimeoutMs: 5000 })),
    );
    expect(err.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(err.details.address).toBe('169.254.169.254');
  });

  it('refuses a redirect to another port on 127.0.0.1 (allowed is host:port, not the host)', async () => {
    const err = await failure(fetchFeed({ url: server.url('/to-other-port') }, opts()));
    expect(err.code).toBe('FETCH_BLOCKED_ADDRESS');
    expect(other.hits('/secret')).toBe(0);
  });

  it('refuses a host name that resolves to loopback (checked in lookup)', async () => {
    const err = await failure(fetchFeed({ url: `http://localhost:${server.port}/feed` }, opts()));
    expect(err.code).toBe('FETCH_BLOCKED_ADDRESS');
    const allowed = ok(
      await fetchFeed(
        { url: `http://localhost:${server.port}/feed` },
        opts({ allowPrivateHosts: ['localhost'] }),
      ),
    );
    expect(allowed.text).toContain('Hello');
  });

  it.each([
    ['file:///etc/passwd', 'FETCH_BAD_URL'],
    ['ftp://example.org/feed.xml', 'FETCH_BAD_URL'],
    ['not a url', 'FETCH_BAD_URL'],
    ['http://[::1]/feed', 'FETCH_BLOCKED_ADDRESS'],
    ['http://0.0.0.0/feed', 'FETCH_BLOCKED_ADDRESS'],
    ['http://10.1.2.3/feed', 'FETCH_BLOCKED_ADDRESS'],
    ['http://0x7f.1/feed', 'FETCH_BLOCKED_ADDRESS'],
    ['http://[::ffff:127.0.0.1]/feed', 'FETCH_BLOCKED_ADDRESS'],
  ])('%s → %s', async (url, code) => {
    const err = await failure(fetchFeed({ url }, opts()));
    expect(err.code).toBe(code);
  });

  it('a refused connection is FETCH_NETWORK naming the URL', async () => {
    const closed = await startFeedServer({});
    const url = closed.url('/feed');
    await closed.close();
    const err = await failure(fetchFeed({ url }, opts({ allowPrivateHosts: ['127.0.0.1'] })));
    expect(err.code).toBe('FETCH_NETWORK');
    expect(err.message).toContain(url);
  });
});
