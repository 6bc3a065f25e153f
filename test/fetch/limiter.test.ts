// The host limiter, observed where it matters: at a real server that counts requests in flight per path.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostLimiter, fetchFeed, type FetchOptions } from '../../src/fetch/index.ts';
import { serveFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';

let a: FeedServer;
const RSS = '<rss version="2.0"><channel><title>t</title></channel></rss>';

beforeAll(async () => {
  a = await startFeedServer({ '/slow': serveFeed(RSS, { delayMs: 60 }) });
});
afterAll(async () => {
  await a?.close();
});

async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function options(limiter: FetchOptions['limiter']): FetchOptions {
  return {
    userAgent: 'tipwire-test',
    connectTimeoutMs: 1000,
    totalTimeoutMs: 5000,
    maxBytes: 1024 * 1024,
    maxRedirects: 5,
    allowPrivateHosts: ['127.0.0.1', 'localhost'],
    limiter,
  };
}

describe('createHostLimiter', () => {
  it('per-host concurrency seen by the server never exceeds the limit', async () => {
    const limiter = createHostLimiter({ concurrency: 10, perHost: 2 });
    const results = await Promise.all(
      Array.from({ length: 8 }, () => fetchFeed({ url: a.url('/slow') }, options(limiter))),
    );
    expect(results.every((r) => r.kind === 'ok')).toBe(true);
    expect(a.hits('/slow')).toBe(8);
    expect(a.concurrency('/slow').peak).toBe(2);
  });

  it('one busy host does not hold back another (hosts are 127.0.0.1 and localhost)', async () => {
    // Gated routes answer only when the test says so: while host A's request is held, host B's must get through.
    const held: ServerResponse[] = [];
    const gate = (_req: IncomingMessage, res: ServerResponse): void => void held.push(res);
    const ga = await startFeedServer({ '/gate': gate });
    const gb = await startFeedServer({ '/gate': gate });
    try {
      const limiter = createHostLimiter({ concurrency: 10, perHost: 1 });
      const all = Promise.all([
        ...Array.from({ length: 3 }, () => fetchFeed({ url: ga.url('/gate') }, options(limiter))),
        ...Array.from({ length: 3 }, () =>
          fetchFeed({ url: `http://localhost:${gb.port}/gate` }, options(limiter)),
        ),
      ]);
      for (let round = 1; round <= 3; round++) {
        await until(() => held.length === 2);
        expect(ga.hits('/gate')).toBe(round);
        expect(gb.hits('/gate')).toBe(round);
        for (const res of held.splice(0))
          res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(RSS);
      }
      await all;
      expect(ga.concurrency('/gate').peak).toBe(1);
      expect(gb.concurrency('/gate').peak).toBe(1);
    } finally {
      await ga.close();
      await gb.close();
    }
  });

  it('the global limit caps all hosts together', async () => {
    const limiter = createHostLimiter({ concurrency: 2, perHost: 2 });
    let running = 0;
    let peak = 0;
    const task = async (): Promise<void> => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 10));
      running--;
    };
    await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((h) => limiter.run(`https://${h}.example/`, task)));
    expect(peak).toBe(2);
  });

  it('a failing task releases its slot and its error passes through', async () => {
    const limiter = createHostLimiter({ concurrency: 1, perHost: 1 });
    const boom = limiter.run('https://x.example/', () => Promise.reject(new Error('boom')));
    const after = limiter.run('https://x.example/', async () => 'next');
    await expect(boom).rejects.toThrow('boom');
    await expect(after).resolves.toBe('next');
    const sync = limiter.run('https://x.example/', () => {
      throw new Error('sync boom');
    });
    await expect(sync).rejects.toThrow('sync boom');
    await expect(limiter.run('https://x.example/', async () => 1)).resolves.toBe(1);
  });
});
