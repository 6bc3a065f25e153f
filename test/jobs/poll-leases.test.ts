// Leases between poll workers, with real worker processes where it matters: a worker killed with SIGKILL mid-poll
// and an immediate re-poll (nothing may be missed, nothing waits for the dead worker's leases); a dead worker on
// another machine (its sources free after one lease period); claims a few at a time, released on a clean exit or
// an abort; and, on PostgreSQL, three workers started together that each do a share of the sources.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileClassifier } from '../../src/jobs/classify.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createHostLimiter } from '../../src/fetch/index.ts';
import { runPoll, type PollDeps } from '../../src/jobs/poll.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { serveFeed, startFeedServer, type FeedServer, type Handler } from '../helpers/feed-server.ts';
import { writeTestConfig } from '../helpers/config.ts';
import { storeKinds } from '../helpers/stores.ts';

const CHILD = join(import.meta.dirname, 'poll-child.ts');
const ITEMS = 10;
const tmp = mkdtempSync(join(tmpdir(), 'tipwire-leases-'));

function feed(i: number): string {
  const items = Array.from(
    { length: ITEMS },
    (_, k) => `<item><title>Outlet ${i} report ${k} on the harvest in Osh</title>
<link>https://news${i}.example.kg/${k}</link><guid>${i}-${k}</guid><description>Text ${i} ${k}.</description>
<pubDate>Fri, 27 Nov 2026 09:${String(k).padStart(2, '0')}:00 GMT</pubDate></item>`,
  );
  return `<?xml version="1.0"?><rss version="2.0"><channel><title>Outlet ${i}</title><link>https://news${i}.example.kg/</link>${items.join('')}</channel></rss>`;
}

let server: FeedServer;
let delayMs = 0;
let onRequest: (() => Promise<void>) | undefined;
const SOURCES = 90;

beforeAll(async () => {
  const routes: Record<string, Handler> = {};
  for (let i = 0; i < SOURCES; i += 1) {
    const serve = serveFeed(feed(i), { etag: `"f${i}"` });
    routes[`/f/${i}.xml`] = (req, res) => {
      void (async () => {
        await onRequest?.();
        setTimeout(() => serve(req, res), delayMs);
      })();
    };
  }
  server = await startFeedServer(routes);
});

afterAll(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function configFor(count: number, databaseUrl: string, poll: Record<string, unknown> = {}): string {
  return writeTestConfig(
    Array.from({ length: count }, (_, i) => ({ id: `s${i}`, url: server.url(`/f/${i}.xml`), country: 'KG' })),
    { store: { databaseUrl }, poll: { concurrency: 4, leaseSeconds: 30, ...poll } },
    [`127.0.0.1:${server.port}`],
  );
}

function deps(store: Store, dir: string): PollDeps {
  const config = loadConfig(dir, {});
  return {
    store,
    config,
    rules: compileClassifier(config),
    log: silentLogger,
    limiter: createHostLimiter({ concurrency: 4, perHost: 8 }),
  };
}

interface Child {
  process: ChildProcess;
  lines: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitFor(test: (lines: string[]) => boolean): Promise<void>;
}

function startChild(dir: string, env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], {
    env: { ...process.env, TIPWIRE_LOG_LEVEL: 'silent', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: { test: (lines: string[]) => boolean; resolve: () => void }[] = [];
  let partial = '';
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const waiter of waiters.splice(0)) {
      if (waiter.test(lines)) waiter.resolve();
      else waiters.push(waiter);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => {
      if (code !== 0 && signal === null) process.stderr.write(errors);
      resolve({ code, signal });
    }),
  );
  return {
    process: child,
    lines,
    exited,
    waitFor: (test) =>
      new Promise<void>((resolve, reject) => {
        if (test(lines)) return resolve();
        waiters.push({ test, resolve });
        void exited.then(() => (test(lines) ? resolve() : reject(new Error(`child exited: ${errors}`))));
      }),
  };
}

const summaryOf = (child: Child): { owner: string; polled: number; inserted: number } =>
  JSON.parse(child.lines.find((line) => line.startsWith('{')) ?? '{}') as {
    owner: string;
    polled: number;
    inserted: number;
  };

for (const kind of storeKinds()) {
  describe(`poll leases on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('kill -9 mid-poll, then an immediate re-poll stores everything', async () => {
      const url = await kind.newUrl();
      const dir = configFor(40, url);
      delayMs = 100;
      const child = startChild(dir, { TIPWIRE_DATABASE_URL: url });
      await child.waitFor((lines) => lines.filter((line) => line.startsWith('done ')).length >= 10);
      const store = await openStore(url);
      // Kill it while it holds leases: between two claims it holds none, and the test would prove nothing.
      for (let i = 0; i < 500 && (await store.listLeases()).length === 0; i += 1)
        await new Promise((r) => setTimeout(r, 5));
      child.process.kill('SIGKILL');
      expect((await child.exited).signal).toBe('SIGKILL');

      try {
        // The dead worker held leases on the sources it was polling when it died.
        expect((await store.listLeases()).length).toBeGreaterThan(0);
        const report = await runPoll(deps(store, dir));
        expect(report.sources.filter((r) => r.outcome === 'leased')).toEqual([]);
        expect(await store.countItems()).toBe(40 * ITEMS);
        expect(await store.listLeases()).toEqual([]);
      } finally {
        delayMs = 0;
        await store.close();
      }
    }, 60_000);

    it('a worker elsewhere that died loses its sources after one lease period; a clean exit keeps none', async () => {
      const url = await kind.newUrl();
      const dir = configFor(12, url);
      const store = await openStore(url);
      try {
        const t0 = new Date('2026-11-28T12:00:00.000Z');
        const dead = 'other-machine/4242/0badc0de';
        await store.claimSources(['s0', 's1', 's2'], {
          owner: dead,
          until: new Date(t0.getTime() + 30_000).toISOString(),
          now: t0.toISOString(),
        });
        const first = await runPoll(deps(store, dir), { now: () => t0 });
        expect(first.sources.filter((r) => r.outcome === 'leased').map((r) => r.sourceId)).toEqual([
          's0',
          's1',
          's2',
        ]);
        expect(await store.countItems()).toBe(9 * ITEMS);
        const later = new Date(t0.getTime() + 31_000);
        const second = await runPoll(deps(store, dir), { now: () => later });
        expect(second.sources.filter((r) => r.inserted > 0).map((r) => r.sourceId)).toEqual([
          's0',
          's1',
          's2',
        ]);
        expect(await store.countItems()).toBe(12 * ITEMS);
        expect(await store.listLeases()).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('claims a few sources at a time, not all at the start, and an abort releases them', async () => {
      const url = await kind.newUrl();
      const dir = configFor(40, url);
      const store = await openStore(url);
      const watcher = await openStore(url);
      const held: number[] = [];
      const abort = new AbortController();
      let requests = 0;
      onRequest = async () => {
        held.push((await watcher.listLeases()).length);
        if ((requests += 1) === 20) abort.abort();
      };
      try {
        const report = await runPoll(deps(store, dir), { signal: abort.signal });
        // 4 at work, at most 4 more claimed ahead: never the 40.
        expect(Math.max(...held)).toBeLessThanOrEqual(8);
        expect(report.sources.filter((r) => r.outcome === 'skipped').length).toBeGreaterThan(0);
        expect(await store.listLeases()).toEqual([]);
      } finally {
        onRequest = undefined;
        await watcher.close();
        await store.close();
      }
    });

    it.runIf(kind.name === 'postgres')(
      'three workers started together each poll at least a quarter of the sources, and each source once',
      async () => {
        const url = await kind.newUrl();
        const dir = configFor(SOURCES, url, { concurrency: 2 });
        await (await openStore(url)).close(); // migrate once, before the three race to
        delayMs = 60;
        const barrier = join(tmp, `go-${Date.now()}`);
        const workers = [0, 1, 2].map(() =>
          startChild(dir, { TIPWIRE_DATABASE_URL: url, TIPWIRE_TEST_BARRIER: barrier }),
        );
        try {
          await Promise.all(workers.map((w) => w.waitFor((lines) => lines.includes('ready'))));
          writeFileSync(barrier, '');
          await Promise.all(workers.map((w) => w.exited));
          const summaries = workers.map(summaryOf);
          expect(summaries.reduce((n, s) => n + s.polled, 0)).toBe(SOURCES);
          expect(summaries.reduce((n, s) => n + s.inserted, 0)).toBe(SOURCES * ITEMS);
          for (const s of summaries) expect(s.polled).toBeGreaterThanOrEqual(SOURCES / 4);
          const store = await openStore(url);
          expect(await store.countItems()).toBe(SOURCES * ITEMS);
          expect(await store.listLeases()).toEqual([]);
          await store.close();
        } finally {
          delayMs = 0;
        }
      },
      90_000,
    );
  });
}
