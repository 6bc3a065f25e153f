// A real HTTP server on 127.0.0.1 (port 0) for tests that fetch feeds, plus ready-made route handlers to compose.
// Routes are keyed by path (query ignored); unknown paths get 404. The server counts hits, remembers each request's
// headers and counts body bytes written per path, so tests can assert what the client sent and how much it read.
// close() destroys every open socket first, so hanging and trickling handlers never keep a test alive.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { constants as zc, createBrotliCompress, createDeflate, createGzip, type Gzip } from 'node:zlib';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface FeedServer {
  origin: string;
  port: number;
  url(path: string): string;
  hits(path: string): number;
  /** Request headers of every hit on `path`, oldest first. */
  requests(path: string): IncomingMessage['headers'][];
  /** Body bytes the server wrote for `path` (all hits), as handed to the socket. */
  bytesSent(path: string): number;
  /** Requests being handled right now, per path, and the most seen at once. */
  concurrency(path: string): { now: number; peak: number };
  close(): Promise<void>;
}

export async function startFeedServer(routes: Record<string, Handler>): Promise<FeedServer> {
  const hits = new Map<string, number>();
  const seen = new Map<string, IncomingMessage['headers'][]>();
  const sent = new Map<string, number>();
  const live = new Map<string, { now: number; peak: number }>();
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    seen.set(path, [...(seen.get(path) ?? []), req.headers]);
    const load = live.get(path) ?? { now: 0, peak: 0 };
    live.set(path, load);
    load.now++;
    load.peak = Math.max(load.peak, load.now);
    res.once('close', () => load.now--);
    const count = (chunk: unknown): void => {
      if (typeof chunk === 'string' || chunk instanceof Uint8Array) {
        sent.set(path, (sent.get(path) ?? 0) + Buffer.byteLength(chunk));
      }
    };
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      count(chunk);
      return write(chunk, ...rest);
    }) as ServerResponse['write'];
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (typeof chunk !== 'function') count(chunk);
      return end(chunk, ...rest);
    }) as ServerResponse['end'];
    const handler = routes[path];
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`no route ${path}`);
      return;
    }
    handler(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    url: (path) => origin + path,
    hits: (path) => hits.get(path) ?? 0,
    requests: (path) => seen.get(path) ?? [],
    bytesSent: (path) => sent.get(path) ?? 0,
    concurrency: (path) => ({ ...(live.get(path) ?? { now: 0, peak: 0 }) }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface FeedOptions {
  contentType?: string;
  etag?: string;
  lastModified?: string;
  headers?: Record<string, string>;
  /** Compress the body with this Content-Encoding. */
  encoding?: 'gzip' | 'deflate' | 'br';
  /** Hold the response this long before answering (to observe concurrency). */
  delayMs?: number;
}

/** Serves `body`, answering 304 when the client's If-None-Match / If-Modified-Since matches. */
export function serveFeed(body: string | Buffer, options: FeedOptions = {}): Handler {
  return (req, res) => {
    const respond = (): void => {
      const headers: Record<string, string> = {
        'content-type': options.contentType ?? 'application/rss+xml; charset=utf-8',
        ...options.headers,
      };
      if (options.etag) headers.etag = options.etag;
      if (options.lastModified) headers['last-modified'] = options.lastModified;
      const etagHit = options.etag !== undefined && req.headers['if-none-match'] === options.etag;
      const dateHit =
        options.lastModified !== undefined && req.headers['if-modified-since'] === options.lastModified;
      if (etagHit || dateHit) {
        res.writeHead(304, headers).end();
        return;
      }
      const raw = typeof body === 'string' ? Buffer.from(body) : body;
      if (!options.encoding) {
        res.writeHead(200, { ...headers, 'content-length': String(raw.length) }).end(raw);
        return;
      }
      const encoder =
        options.encoding === 'gzip'
          ? createGzip()
          : options.encoding === 'br'
            ? createBrotliCompress()
            : createDeflate();
      res.writeHead(200, { ...headers, 'content-encoding': options.encoding });
      encoder.pipe(res);
      encoder.end(raw);
    };
    if (options.delayMs) setTimeout(respond, options.delayMs);
    else respond();
  };
}

/** A redirect to `location` (absolute, or relative to the request). */
export function redirect(status: number, location: string): Handler {
  return (_req, res) => {
    res.writeHead(status, { location, 'content-type': 'text/plain' }).end(`see ${location}`);
  };
}

/** A bare status with optional headers and body. */
export function status(code: number, headers: Record<string, string> = {}, body = ''): Handler {
  return (_req, res) => {
    res.writeHead(code, { 'content-type': 'text/plain', ...headers }).end(body);
  };
}

/** Never answers; with `afterHeaders`, sends the status line and headers and then nothing. */
export function hang(options: { afterHeaders?: boolean } = {}): Handler {
  return (_req, res) => {
    if (options.afterHeaders) {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      res.flushHeaders();
    }
  };
}

/** Sends a never-ending body slowly: `bytesPerSecond`, in ten small writes a second. */
export function trickle(bytesPerSecond: number): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml' });
    res.write('<?xml version="1.0"?><rss><channel>');
    const piece = Buffer.alloc(Math.max(1, Math.round(bytesPerSecond / 10)), 0x20);
    const timer = setInterval(() => res.write(piece), 100);
    res.once('close', () => clearInterval(timer));
  };
}

/** A streamed body of `bytes` spaces inside an RSS shell, written with backpressure; `chunked` omits Content-Length. */
export function hugeBody(bytes: number, options: { chunked?: boolean } = {}): Handler {
  return (_req, res) => {
    const headers: Record<string, string> = { 'content-type': 'application/rss+xml' };
    if (!options.chunked) headers['content-length'] = String(bytes);
    res.writeHead(200, headers);
    const block = Buffer.alloc(64 * 1024, 0x20);
    let left = bytes;
    const pump = (): void => {
      while (left > 0) {
        const piece = left >= block.length ? block : block.subarray(0, left);
        left -= piece.length;
        if (!res.write(piece)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    res.once('close', () => (left = 0));
    pump();
  };
}

/**
 * gzip of `decodedBytes` zeros (default 1 GiB, ~1 MB compressed at level 9), produced while it is sent: the server
 * compresses only as fast as the client reads, so an aborted read stops the work too.
 */
export function gzipBomb(decodedBytes = 1024 * 1024 * 1024): Handler {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/rss+xml', 'content-encoding': 'gzip' });
    const gzip: Gzip = createGzip({ level: zc.Z_BEST_COMPRESSION });
    gzip.pipe(res);
    const zeros = Buffer.alloc(1024 * 1024);
    let left = decodedBytes;
    let stopped = false;
    res.once('close', () => {
      stopped = true;
      gzip.destroy();
    });
    const pump = (): void => {
      while (left > 0 && !stopped) {
        const piece = left >= zeros.length ? zeros : zeros.subarray(0, left);
        left -= piece.length;
        if (!gzip.write(piece)) {
          gzip.once('drain', pump);
          return;
        }
      }
      if (!stopped) gzip.end();
    };
    pump();
  };
}
