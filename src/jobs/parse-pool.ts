// Where feeds are read (parsed, turned into items, judged): in worker threads when a poll has enough feeds to pay
// for starting them, so the second core parses and classifies while the poll's thread fetches and writes; in the
// poll's own thread otherwise, or when a worker cannot start. Either way the same function (feed-items.ts) runs,
// so the results are identical; a worker compiles the same topic rules and checks that their version matches.
// A worker that dies fails only the feeds it held (each as an ordinary source error) and is not replaced.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Item, Source } from '../core/types.ts';
import { TipwireError, type ErrorCode } from '../core/errors.ts';
import type { CompiledRules } from '../classify/index.ts';
import type { Judgement } from '../store/port.ts';
import { judgeWith, readFeed, type FeedWork, type FeedWorkResult } from './feed-items.ts';

// Replaced by `true` in the bundle (scripts/build.js): workers then run dist/parse-worker.mjs, else the sources.
declare const __TIPWIRE_BUNDLE__: boolean | undefined;

export interface ParsePool {
  read(work: FeedWork): Promise<FeedWorkResult>;
  /** Threads actually running (0: reading in this thread). */
  readonly threads: number;
  close(): Promise<void>;
}

export interface ParsePoolOptions {
  threads: number;
  rules: CompiledRules;
  /** What a worker needs to compile the same rules (config.topics and config.model). */
  classifier: { topics: unknown; model?: unknown };
  sources: Source[];
  trackingParams: string[];
}

/** Data a worker starts with. */
export interface WorkerSetup {
  classifier: { topics: unknown; model?: unknown };
  sources: Source[];
  trackingParams: string[];
}

export type WorkerReply =
  | { kind: 'ready'; rulesVersion: string }
  | { id: number; ok: true; result: FeedWorkResult }
  | { id: number; ok: false; error: { code?: string; message: string; details?: Record<string, unknown> } };

function inThread(options: ParsePoolOptions): ParsePool {
  const context = {
    sources: new Map(options.sources.map((source) => [source.id, source])),
    trackingParams: options.trackingParams,
    judge: judgeWith(options.rules, options.sources),
  };
  return { threads: 0, read: (work) => readFeed(work, context), close: async () => undefined };
}

/** The worker's code: the bundle's entry, or (running from sources) a bootstrap that registers tsx first. */
function workerSource(): { code: string | URL; eval: boolean } {
  const bundled = typeof __TIPWIRE_BUNDLE__ !== 'undefined' && __TIPWIRE_BUNDLE__;
  if (bundled) return { code: new URL('../../dist/parse-worker.mjs', import.meta.url), eval: false };
  // Node 20 does not apply --import hooks to a worker's entry module, so the worker registers tsx itself.
  const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
  const api = pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href;
  const entry = new URL('./parse-worker.ts', import.meta.url).href;
  return {
    code: `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`,
    eval: true,
  };
}

function startWorker(options: ParsePoolOptions): Promise<Worker | undefined> {
  const source = workerSource();
  const setup: WorkerSetup = {
    classifier: options.classifier,
    sources: options.sources,
    trackingParams: options.trackingParams,
  };
  return new Promise((resolve) => {
    let worker: Worker;
    try {
      worker = new Worker(source.code, { workerData: setup, eval: source.eval });
    } catch {
      resolve(undefined);
      return;
    }
    const fail = (): void => {
      void worker.terminate();
      resolve(undefined);
    };
    worker.once('error', fail);
    worker.once('exit', () => resolve(undefined));
    worker.once('message', (reply: WorkerReply) => {
      worker.off('error', fail);
      if ('kind' in reply && reply.rulesVersion === options.rules.version) resolve(worker);
      else fail();
    });
  });
}

/** A pool of `threads` workers, or reading in this thread when threads is 0 or no worker starts. */
export async function createParsePool(options: ParsePoolOptions): Promise<ParsePool> {
  const local = inThread(options);
  if (options.threads <= 0) return local;
  const workers = (
    await Promise.all(Array.from({ length: options.threads }, () => startWorker(options)))
  ).filter((worker): worker is Worker => worker !== undefined);
  if (workers.length === 0) return local;

  let nextId = 0;
  const pending = new Map<number, { resolve: (r: FeedWorkResult) => void; reject: (e: Error) => void }>();
  const load = new Map<Worker, Set<number>>(workers.map((worker) => [worker, new Set()]));
  const alive = new Set(workers);
  for (const worker of workers) {
    worker.on('message', (reply: WorkerReply) => {
      if ('kind' in reply) return;
      load.get(worker)?.delete(reply.id);
      const waiting = pending.get(reply.id);
      pending.delete(reply.id);
      if (!waiting) return;
      if (reply.ok) waiting.resolve(reply.result);
      else
        waiting.reject(
          reply.error.code
            ? new TipwireError(reply.error.code as ErrorCode, reply.error.message, {
                details: reply.error.details,
              })
            : new Error(reply.error.message),
        );
    });
    const lost = (why: string): void => {
      alive.delete(worker);
      for (const id of load.get(worker) ?? []) {
        pending.get(id)?.reject(new Error(`parse worker stopped: ${why}`));
        pending.delete(id);
      }
      load.get(worker)?.clear();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit ${code}`));
  }
  return {
    threads: workers.length,
    read(work) {
      // The least busy live worker; this thread when none is left.
      const worker = [...alive].sort((a, b) => (load.get(a)?.size ?? 0) - (load.get(b)?.size ?? 0))[0];
      if (!worker) return local.read(work);
      const id = nextId++;
      load.get(worker)?.add(id);
      return new Promise<FeedWorkResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, work });
      });
    },
    async close() {
      for (const worker of workers) alive.delete(worker);
      await Promise.all(workers.map((worker) => worker.terminate()));
    },
  };
}

/** Judgements of a read feed's items, by item. */
export function judgementsOf(result: FeedWorkResult): Map<Item, Judgement> {
  return new Map(result.items.map((item, index) => [item, result.judgements[index] as Judgement]));
}
