// The fetch stage: one feed URL → bytes and text, or a TipwireError whose message names the URL. Contract:
//   - Only http(s). Every hop (the first URL and each redirect target) is checked against the SSRF rules on the IP
//     the socket will actually connect to: literal IPs before the request, host names inside the socket's `lookup`,
//     so a DNS answer cannot change between check and connect. `allowPrivateHosts` lists "host" or "host:port"
//     entries that may be private (tests, an intranet feed).
//   - Conditional GET with the caller's validators on every hop; a 304 returns kind 'not-modified' and reads no body.
//   - connectTimeoutMs covers DNS + TCP connect of each hop; totalTimeoutMs covers everything, redirects and body
//     included, so a hanging server and a slow trickle are both cut.
//   - The body is decompressed (gzip, deflate, br) as a stream and counted after decompression; the request is
//     destroyed as soon as the count passes maxBytes, so a gzip bomb or an endless body never gets buffered.
//   - At most maxRedirects hops; a URL seen twice is a loop. permanentRedirectTo is set only when every hop was
//     301 or 308, so the caller may replace the stored URL.
//   - Statuses other than 2xx/304 throw FETCH_HTTP_STATUS with details.httpStatus and, when the server sent
//     Retry-After, details.retryAfterSeconds.
// With options.limiter the whole fetch (all hops) holds one slot for the first URL's host; the total timeout starts
// when the slot is granted, so time spent queueing behind other feeds of the same host is not held against this one.
import type { ClientRequest, IncomingMessage } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import type { Transform } from 'node:stream';
import zlib from 'node:zlib';
import { TipwireError } from '../core/errors.ts';
import { blockedReason } from './address.ts';
import { decodeBody, type EncodingSource } from './decode.ts';
import { parseExpires, parseMaxAge, parseRetryAfter } from './headers.ts';
import type { HostLimiter } from './limiter.ts';

export interface FetchOptions {
  userAgent: string;
  connectTimeoutMs: number;
  totalTimeoutMs: number;
  maxBytes: number;
  maxRedirects: number;
  allowPrivateHosts: string[];
  limiter?: HostLimiter;
  signal?: AbortSignal;
}

export interface FetchRequest {
  url: string;
  etag?: string;
  lastModified?: string;
}

export interface Redirect {
  status: number;
  from: string;
  to: string;
}

interface Common {
  url: string;
  finalUrl: string;
  redirects: Redirect[];
  permanentRedirectTo?: string;
  httpStatus: number;
  headers: Record<string, string>;
  etag?: string;
  lastModified?: string;
  maxAgeSeconds?: number;
  expiresAt?: string;
  elapsedMs: number;
}

export type FetchResult =
  | (Common & { kind: 'not-modified' })
  | (Common & {
      kind: 'ok';
      bytes: Buffer;
      text: string;
      encoding: string;
      encodingSource: EncodingSource;
      /** Set when the bytes broke what XML requires of them (see decode.ts); kept in the source's state. */
      encodingWarning?: string;
      contentType?: string;
    });

export const DEFAULT_FETCH_OPTIONS: Omit<FetchOptions, 'userAgent'> = {
  connectTimeoutMs: 10_000,
  totalTimeoutMs: 30_000,
  maxBytes: 10 * 1024 * 1024,
  maxRedirects: 5,
  allowPrivateHosts: [],
};

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PERMANENT_STATUSES = new Set([301, 308]);
const ACCEPT =
  'application/rss+xml, application/atom+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, ' +
  'application/json;q=0.8, */*;q=0.5';

export function fetchFeed(request: FetchRequest, options: FetchOptions): Promise<FetchResult> {
  const run = (): Promise<FetchResult> => fetchNow(request, options);
  return options.limiter ? options.limiter.run(request.url, run) : run();
}

function parseHttpUrl(raw: string, original: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch (err) {
    throw new TipwireError('FETCH_BAD_URL', `${original}: not a valid URL: ${raw}`, { cause: err });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TipwireError(
      'FETCH_BAD_URL',
      `${original}: refusing ${url.protocol} URL ${raw} (only http and https)`,
    );
  }
  if (url.username || url.password) {
    // Credentials in a feed URL would be sent to every redirect target too; the config never needs them.
    throw new TipwireError('FETCH_BAD_URL', `${original}: refusing a URL with credentials: ${url.host}`);
  }
  return url;
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}

function isAllowedPrivate(url: URL, allow: string[]): boolean {
  const host = url.hostname.toLowerCase();
  const bare = host.startsWith('[') ? host.slice(1, -1) : host;
  const port = effectivePort(url);
  return allow.some((entry) => {
    const e = entry.trim().toLowerCase();
    return e === host || e === bare || e === `${host}:${port}` || e === `${bare}:${port}`;
  });
}

function blockedError(original: string, hop: URL, address: string, reason: string): TipwireError {
  return new TipwireError(
    'FETCH_BLOCKED_ADDRESS',
    `${original}: refusing to connect to ${hop.host} (${address} is ${reason}); list the host in allowPrivateHosts ` +
      'if this is intended',
    { details: { url: original, hop: hop.href, address, reason } },
  );
}

type LookupFn = NonNullable<http.RequestOptions['lookup']>;

/** A dns lookup that only ever hands public addresses to the socket (unless the host is allowed). */
function guardedLookup(original: string, hop: URL, allowPrivate: boolean): LookupFn {
  return ((
    hostname: string,
    opts: { all?: boolean; family?: number },
    callback: (...args: unknown[]) => void,
  ) => {
    dnsLookup(hostname, { all: true, family: opts.family ?? 0 }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err);
      const usable = allowPrivate
        ? addresses
        : addresses.filter((a) => blockedReason(a.address) === undefined);
      if (usable.length === 0) {
        const first = addresses[0];
        const reason = first ? (blockedReason(first.address) ?? 'not usable') : 'no address';
        return callback(blockedError(original, hop, first?.address ?? hostname, reason));
      }
      if (opts.all) return callback(null, usable);
      const one = usable[0] as LookupAddress;
      return callback(null, one.address, one.family);
    });
  }) as unknown as LookupFn;
}

function flattenHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

interface Hop {
  req: ClientRequest;
  res: IncomingMessage;
}

/** Sends one GET and resolves with the response head; rejects on connect timeout, network error or abort. */
function sendOnce(
  original: string,
  hop: URL,
  request: FetchRequest,
  options: FetchOptions,
  abort: AbortSignal,
  allowPrivate: boolean,
): Promise<Hop> {
  return new Promise<Hop>((resolve, reject) => {
    const headers: Record<string, string> = {
      'user-agent': options.userAgent,
      accept: ACCEPT,
      'accept-encoding': 'gzip, deflate, br',
      connection: 'close',
    };
    if (request.etag) headers['if-none-match'] = request.etag;
    if (request.lastModified) headers['if-modified-since'] = request.lastModified;
    const client = hop.protocol === 'https:' ? https : http;
    let settled = false;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      abort.removeEventListener('abort', onAbort);
      reject(err);
    };
    const req = client.request(hop, {
      method: 'GET',
      headers,
      agent: false,
      lookup: guardedLookup(original, hop, allowPrivate),
    });
    const connectTimer = setTimeout(() => {
      req.destroy(
        new TipwireError(
          'FETCH_TIMEOUT',
          `${original}: no connection to ${hop.host} within ${options.connectTimeoutMs} ms`,
          {
            details: { url: original, phase: 'connect', timeoutMs: options.connectTimeoutMs },
          },
        ),
      );
    }, options.connectTimeoutMs);
    const onAbort = (): void => {
      req.destroy(abort.reason instanceof Error ? abort.reason : new Error(String(abort.reason)));
    };
    abort.addEventListener('abort', onAbort, { once: true });
    req.on('socket', (socket) => {
      if (!socket.connecting) clearTimeout(connectTimer);
      else socket.once('connect', () => clearTimeout(connectTimer));
    });
    req.on('error', (err) => fail(toFetchError(err, original, hop)));
    req.on('response', (res) => {
      if (settled) return;
      settled = true;
      clearTimeout(connectTimer);
      // The abort listener stays: it must also cut a body that is still arriving.
      res.on('close', () => abort.removeEventListener('abort', onAbort));
      resolve({ req, res });
    });
    req.end();
  });
}

/** What an operator should read for the usual socket errors (libuv's own text repeats the host and says little). */
const NETWORK_REASONS: Record<string, string> = {
  ENOTFOUND: 'host not found (DNS)',
  EAI_AGAIN: 'DNS lookup failed for now (no resolver answer)',
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by the server',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed while sending',
};

function toFetchError(err: unknown, original: string, hop: URL): TipwireError {
  if (err instanceof TipwireError) return err;
  const code = (err as { code?: unknown }).code;
  const errno = typeof code === 'string' ? code : undefined;
  const known = errno ? NETWORK_REASONS[errno] : undefined;
  const reason = known ? `${known}, ${errno}` : err instanceof Error ? err.message : String(err);
  return new TipwireError('FETCH_NETWORK', `${original}: ${hop.host}: ${reason}`, {
    cause: err,
    details: { url: original, hop: hop.href, errno },
  });
}

/** Content codings in the order they were applied; throws FETCH_DECODE for one we cannot undo. */
function contentCodings(header: string, original: string): string[] {
  const codings = header
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && c !== 'identity');
  for (const coding of codings) {
    if (!['gzip', 'x-gzip', 'deflate', 'br'].includes(coding)) {
      throw new TipwireError('FETCH_DECODE', `${original}: unsupported Content-Encoding "${coding}"`, {
        details: { url: original, contentEncoding: header },
      });
    }
  }
  return codings;
}

function decoderFor(coding: string, firstBytes: Buffer | undefined): Transform {
  // Sync-flush on finish: a truncated gzip still yields what arrived instead of failing the whole feed.
  const lenient = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (coding === 'br') return zlib.createBrotliDecompress();
  if (coding === 'deflate') {
    // "deflate" should be zlib-wrapped (RFC 9110), but some servers send raw deflate: sniff the zlib header.
    const cmf = firstBytes?.[0] ?? 0x78;
    const flg = firstBytes?.[1] ?? 0x9c;
    const zlibWrapped = (cmf & 0x0f) === 8 && ((cmf << 8) | flg) % 31 === 0;
    return zlibWrapped ? zlib.createInflate(lenient) : zlib.createInflateRaw(lenient);
  }
  return zlib.createGunzip(lenient);
}

/** Reads the body through the decoders, counting decoded bytes; destroys everything once past maxBytes. */
function readBody(hop: Hop, original: string, options: FetchOptions, abort: AbortSignal): Promise<Buffer> {
  const { req, res } = hop;
  return new Promise<Buffer>((resolve, reject) => {
    let codings: string[];
    try {
      codings = contentCodings(res.headers['content-encoding'] ?? '', original);
    } catch (err) {
      req.destroy();
      reject(err as Error);
      return;
    }
    const chunks: Buffer[] = [];
    const stages: Transform[] = [];
    let total = 0;
    let done = false;

    const finish = (err: Error | undefined): void => {
      if (done) return;
      done = true;
      abort.removeEventListener('abort', onAbort);
      if (err) {
        for (const stage of stages) stage.destroy();
        res.destroy();
        req.destroy();
        reject(err);
      } else resolve(Buffer.concat(chunks, total));
    };
    const onAbort = (): void =>
      finish(abort.reason instanceof Error ? abort.reason : new Error(String(abort.reason)));
    const deliver = (chunk: Buffer): void => {
      if (done) return;
      total += chunk.length;
      if (total > options.maxBytes) {
        finish(
          new TipwireError(
            'FETCH_TOO_LARGE',
            `${original}: body exceeds ${options.maxBytes} bytes after decompression; stopped reading`,
            { details: { url: original, maxBytes: options.maxBytes, readBytes: total } },
          ),
        );
        return;
      }
      chunks.push(chunk);
    };
    const onDecodeError = (err: Error): void =>
      finish(
        new TipwireError('FETCH_DECODE', `${original}: cannot decompress the body: ${err.message}`, {
          cause: err,
          details: { url: original, contentEncoding: res.headers['content-encoding'] },
        }),
      );

    if (abort.aborted) return onAbort();
    abort.addEventListener('abort', onAbort, { once: true });
    res.on('error', (err) => finish(toFetchError(err, original, new URL(original))));
    res.on('aborted', () =>
      finish(new TipwireError('FETCH_NETWORK', `${original}: the server closed the connection mid-body`)),
    );

    if (codings.length === 0) {
      res.on('data', deliver);
      res.on('end', () => finish(undefined));
      return;
    }
    // The chain is built on the first chunk so the outermost decoder can sniff raw vs zlib deflate.
    let head: Transform | undefined;
    res.on('data', (chunk: Buffer) => {
      if (done) return;
      if (!head) {
        const undo = [...codings].reverse();
        undo.forEach((coding, i) => stages.push(decoderFor(coding, i === 0 ? chunk : undefined)));
        for (let i = 0; i < stages.length; i++) {
          const stage = stages[i] as Transform;
          stage.on('error', onDecodeError);
          const next = stages[i + 1];
          if (next) stage.pipe(next);
        }
        const last = stages[stages.length - 1] as Transform;
        last.on('data', deliver);
        last.on('end', () => finish(undefined));
        head = stages[0] as Transform;
      }
      if (!head.write(chunk)) {
        res.pause();
        head.once('drain', () => res.resume());
      }
    });
    res.on('end', () => {
      if (head) head.end();
      else finish(undefined);
    });
  });
}

async function fetchNow(request: FetchRequest, options: FetchOptions): Promise<FetchResult> {
  const started = performance.now();
  const original = request.url;
  let hop = parseHttpUrl(original, original);

  const controller = new AbortController();
  const totalTimer = setTimeout(() => {
    controller.abort(
      new TipwireError(
        'FETCH_TIMEOUT',
        `${original}: no complete response within ${options.totalTimeoutMs} ms`,
        {
          details: { url: original, phase: 'total', timeoutMs: options.totalTimeoutMs },
        },
      ),
    );
  }, options.totalTimeoutMs);
  const outer = options.signal;
  const onOuterAbort = (): void =>
    controller.abort(
      new TipwireError('FETCH_NETWORK', `${original}: fetch aborted by the caller`, {
        cause: outer?.reason,
        details: { url: original, aborted: true },
      }),
    );
  if (outer?.aborted) onOuterAbort();
  else outer?.addEventListener('abort', onOuterAbort, { once: true });

  const redirects: Redirect[] = [];
  const seen = new Set<string>([hop.href]);
  try {
    for (;;) {
      if (controller.signal.aborted) throw controller.signal.reason;
      const allowPrivate = isAllowedPrivate(hop, options.allowPrivateHosts);
      if (!allowPrivate && isIP(hop.hostname.replace(/^\[|\]$/g, ''))) {
        const reason = blockedReason(hop.hostname);
        if (reason) throw blockedError(original, hop, hop.hostname, reason);
      }
      const sent = await sendOnce(original, hop, request, options, controller.signal, allowPrivate);
      const { res } = sent;
      const status = res.statusCode ?? 0;
      const location = res.headers.location;

      if (REDIRECT_STATUSES.has(status) && location) {
        sent.req.destroy();
        let next: URL;
        try {
          next = parseHttpUrl(new URL(location, hop).href, original);
        } catch (err) {
          if (err instanceof TipwireError) throw err;
          throw new TipwireError('FETCH_BAD_URL', `${original}: redirect to an invalid URL: ${location}`, {
            cause: err,
          });
        }
        redirects.push({ status, from: hop.href, to: next.href });
        if (seen.has(next.href)) {
          throw new TipwireError(
            'FETCH_REDIRECT_LOOP',
            `${original}: redirect loop: ${redirects.map((r) => `${r.from} -${r.status}-> `).join('')}${next.href}`,
            { details: { url: original, redirects } },
          );
        }
        if (redirects.length > options.maxRedirects) {
          throw new TipwireError(
            'FETCH_TOO_MANY_REDIRECTS',
            `${original}: more than ${options.maxRedirects} redirects (last to ${next.href})`,
            { details: { url: original, redirects } },
          );
        }
        seen.add(next.href);
        hop = next;
        continue;
      }

      const headers = flattenHeaders(res);
      const common = {
        url: original,
        finalUrl: hop.href,
        redirects,
        ...(redirects.length > 0 && redirects.every((r) => PERMANENT_STATUSES.has(r.status))
          ? { permanentRedirectTo: hop.href }
          : {}),
        httpStatus: status,
        headers,
        ...optional('etag', headers.etag),
        ...optional('lastModified', headers['last-modified']),
        ...optional('maxAgeSeconds', parseMaxAge(headers['cache-control'])),
        ...optional('expiresAt', parseExpires(headers.expires)),
      };

      if (status === 304) {
        sent.req.destroy();
        return { ...common, kind: 'not-modified', elapsedMs: Math.round(performance.now() - started) };
      }
      if (status < 200 || status > 299) {
        sent.req.destroy();
        const retryAfterSeconds = parseRetryAfter(headers['retry-after'], new Date());
        throw new TipwireError(
          'FETCH_HTTP_STATUS',
          `${original}: HTTP ${status}${res.statusMessage ? ` ${res.statusMessage}` : ''}` +
            (hop.href !== original ? ` from ${hop.href}` : '') +
            (retryAfterSeconds !== undefined ? ` (retry after ${retryAfterSeconds} s)` : ''),
          {
            details: { url: original, finalUrl: hop.href, httpStatus: status, retryAfterSeconds, redirects },
          },
        );
      }
      const declaredLength = Number(headers['content-length']);
      if (
        !headers['content-encoding'] &&
        Number.isFinite(declaredLength) &&
        declaredLength > options.maxBytes
      ) {
        sent.req.destroy();
        throw new TipwireError(
          'FETCH_TOO_LARGE',
          `${original}: Content-Length ${declaredLength} exceeds the ${options.maxBytes}-byte limit; not downloaded`,
          { details: { url: original, maxBytes: options.maxBytes, contentLength: declaredLength } },
        );
      }
      const bytes = await readBody(sent, original, options, controller.signal);
      const contentType = headers['content-type'];
      const decoded = decodeBody(bytes, contentType);
      return {
        ...common,
        kind: 'ok',
        bytes,
        text: decoded.text,
        encoding: decoded.encoding,
        encodingSource: decoded.source,
        ...optional('encodingWarning', decoded.warning),
        ...optional('contentType', contentType),
        elapsedMs: Math.round(performance.now() - started),
      };
    }
  } catch (err) {
    if (err instanceof TipwireError) throw err;
    throw toFetchError(err, original, hop);
  } finally {
    clearTimeout(totalTimer);
    outer?.removeEventListener('abort', onOuterAbort);
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
