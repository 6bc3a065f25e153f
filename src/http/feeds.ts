// Feed routes: /feeds/all.{rss,atom,json}, /feeds/{topic,country,lang}/<value>.<format> (+ ?topic=&country=&lang=
// filters) and /sources.opml (also /feeds/sources.opml, where the static export puts it).
// Contract: GET and HEAD; correct Content-Type with charset; strong ETag (hash of the bytes; encoded variants get a
// suffix) and Last-Modified (newest story change) with 304 for If-None-Match / If-Modified-Since; gzip or brotli by
// Accept-Encoding (Vary: Accept-Encoding); Cache-Control; CORS (any origin may read public feeds, including JSON
// from browser readers); 404 with a readable plain-text message for unknown slices, formats and topics.
// Rendering: from the store on demand (jobs/publish.ts renderSliceFeed), cached by (config version, slice, format,
// change marker). The marker is the publish marker of the job context (bumped by every export in this process) plus a time bucket of server.feedCacheSeconds, so a
// conditional-GET storm answers from memory, and only one render runs per key however many requests wait for it.
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { JobContext } from '../jobs/context.ts';
import { feedRequest, renderSliceFeed, sourcesOpml } from '../jobs/publish.ts';
import { sendText } from './layout.ts';
import type { Handler } from './routes.ts';

type Encoding = 'br' | 'gzip' | 'identity';

interface Representation {
  body: Buffer;
  contentType: string;
  /** Base hash; the ETag of an encoded variant adds -br / -gz. */
  hash: string;
  /** Milliseconds, whole seconds (HTTP dates have no finer resolution). */
  lastModified: number;
  encoded: Partial<Record<Exclude<Encoding, 'identity'>, Buffer>>;
}

export interface FeedPageOptions {
  /** Rendered feeds kept in memory (least recently used go first). */
  cacheEntries?: number;
  /** The clock, for the time window and the cache bucket. */
  now?: () => Date;
}

export interface FeedPages {
  /** GET (and HEAD) of /feeds/… and /sources.opml. */
  feed: Handler;
  /** CORS preflight. */
  preflight: Handler;
  /** Forget every rendered feed (e.g. after writing the store from this process outside publishFeeds). */
  invalidate(): void;
  /** Renders so far, for tests and the benchmark: a storm of conditional GETs must not add to it. */
  readonly renders: number;
}

// Bodies smaller than this go out as they are: compressing them saves less than the header costs.
const MIN_COMPRESS_BYTES = 512;

function entityTag(rep: Representation, encoding: Encoding): string {
  return encoding === 'identity' ? `"${rep.hash}"` : `"${rep.hash}-${encoding === 'br' ? 'br' : 'gz'}"`;
}

/** Picks br, then gzip, by the client's Accept-Encoding (q=0 refuses). */
export function chooseEncoding(header: string | undefined, size: number): Encoding {
  if (!header || size < MIN_COMPRESS_BYTES) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string): boolean =>
    (accepted.get(name) ?? (accepted.has('*') ? (accepted.get('*') ?? 0) : 0)) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip') || (accepted.get('x-gzip') ?? 0) > 0) return 'gzip';
  return 'identity';
}

function encodedBody(rep: Representation, encoding: Encoding): Buffer {
  if (encoding === 'identity') return rep.body;
  let bytes = rep.encoded[encoding];
  if (!bytes) {
    bytes =
      encoding === 'br'
        ? brotliCompressSync(rep.body, {
            params: {
              [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
              [zlibConstants.BROTLI_PARAM_SIZE_HINT]: rep.body.length,
            },
          })
        : gzipSync(rep.body, { level: 6 });
    rep.encoded[encoding] = bytes;
  }
  return bytes;
}

/** True when the client's copy is current: If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2). */
function notModified(req: IncomingMessage, rep: Representation): boolean {
  const inm = req.headers['if-none-match'];
  if (inm !== undefined) {
    return inm.split(',').some((raw) => {
      const tag = raw.trim().replace(/^W\//, '');
      if (tag === '*') return true;
      // Any encoding of the same bytes is the same content (weak comparison, as RFC 9110 asks for If-None-Match).
      return tag.replace(/-(br|gz)"$/, '"') === `"${rep.hash}"`;
    });
  }
  const ims = req.headers['if-modified-since'];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && rep.lastModified <= since;
  }
  return false;
}

function corsHeaders(): Record<string, string> {
  return { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'ETag, Last-Modified' };
}

function sendRepresentation(
  req: IncomingMessage,
  res: ServerResponse,
  rep: Representation,
  maxAgeSeconds: number,
): void {
  const encoding = chooseEncoding(req.headers['accept-encoding'], rep.body.length);
  const headers: Record<string, string | number> = {
    ETag: entityTag(rep, encoding),
    'Last-Modified': new Date(rep.lastModified).toUTCString(),
    'Cache-Control': `public, max-age=${maxAgeSeconds}`,
    Vary: 'Accept-Encoding',
    ...corsHeaders(),
  };
  if (notModified(req, rep)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const body = encodedBody(rep, encoding);
  headers['Content-Type'] = rep.contentType;
  headers['Content-Length'] = body.length;
  if (encoding !== 'identity') headers['Content-Encoding'] = encoding;
  res.writeHead(200, headers);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function representation(text: string, contentType: string, lastModified: number): Representation {
  const body = Buffer.from(text, 'utf8');
  return {
    body,
    contentType,
    hash: createHash('sha256').update(body).digest('base64url').slice(0, 32),
    lastModified: Math.floor(lastModified / 1000) * 1000,
    encoded: {},
  };
}

const OPML_PATHS = new Set(['/sources.opml', '/feeds/sources.opml']);

export function createFeedPages(options: FeedPageOptions = {}): FeedPages {
  const capacity = options.cacheEntries ?? 256;
  const cache = new Map<string, Promise<Representation>>();
  let renders = 0;

  const cached = (key: string, make: () => Promise<Representation>): Promise<Representation> => {
    const hit = cache.get(key);
    if (hit) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const pending = make();
    cache.set(key, pending);
    // A failed render is not remembered: the next request tries again.
    pending.catch(() => cache.delete(key));
    while (cache.size > capacity) {
      const oldest = cache.keys().next().value;
      if (oldest === undefined) break;
      cache.delete(oldest);
    }
    return pending;
  };

  const clock = (app: JobContext): Date => (options.now ?? app.now)();

  const marker = (app: JobContext): string => {
    const seconds = app.config().app.server.feedCacheSeconds;
    const now = clock(app).getTime();
    const bucket = seconds > 0 ? Math.floor(now / (seconds * 1000)) : `${now}:${Math.random()}`;
    return `${app.published.generation}:${bucket}`;
  };

  const feed: Handler = async ({ req, res, url, app }) => {
    const config = app.config();
    const maxAge = config.app.server.feedMaxAgeSeconds;
    if (OPML_PATHS.has(url.pathname)) {
      const rep = await cached(`${config.version}|opml`, async () => {
        renders += 1;
        return representation(sourcesOpml(config), 'text/x-opml; charset=utf-8', 0);
      });
      sendRepresentation(req, res, rep, maxAge);
      return;
    }
    const request = feedRequest(config, url.pathname, url.searchParams);
    if (!request || !request.ok) {
      sendText(res, 404, request?.message ?? `Not found: ${url.pathname}.`, corsHeaders());
      return;
    }
    const { slice, format } = request;
    const key = `${config.version}|${slice.path}${slice.query}|${format}|${marker(app)}`;
    let rep: Representation;
    try {
      rep = await cached(key, async () => {
        renders += 1;
        const rendered = await renderSliceFeed({ ...app, now: () => clock(app) }, slice, format);
        return representation(rendered.text, rendered.contentType, rendered.lastModified);
      });
    } catch (err) {
      app.log.error({ err, path: url.pathname }, `feeds: rendering ${url.pathname} failed`);
      sendText(
        res,
        503,
        `The feed ${url.pathname} cannot be rendered right now (the store did not answer); try again shortly.`,
        { 'Retry-After': '30' },
      );
      return;
    }
    sendRepresentation(req, res, rep, maxAge);
  };

  const preflight: Handler = async ({ res }) => {
    res.writeHead(204, {
      ...corsHeaders(),
      'Access-Control-Allow-Methods': 'GET, HEAD, OPTIONS',
      'Access-Control-Allow-Headers': 'If-None-Match, If-Modified-Since',
      'Access-Control-Max-Age': '86400',
    });
    res.end();
  };

  return {
    feed,
    preflight,
    invalidate: () => cache.clear(),
    get renders() {
      return renders;
    },
  };
}
