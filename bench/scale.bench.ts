// bench/scale: one against three `tipwire run` workers sharing one PostgreSQL database (skipped without
// TIPWIRE_TEST_DATABASE_URL). The same local feed farm as bench/poll (8 loopback addresses, ETag, gzip), 2,000
// sources of 20 items each by default. Each run starts its workers together on a fresh database and times the
// first cycle: from the start until every worker has logged the summary of its initial poll (start-up included).
// Printed: cycle time, ratio to one worker, each worker's share of the polls, and whether every source was polled
// exactly once and every item stored once. Targets (issue 15): three workers ≥ 25 % each, cycle ≤ 0.6× one worker.
//   npm run bench -- scale            --sources=2000 --items=20
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { buildFeeds, serveFeeds } from './poll/feeds.ts';
import { writeBenchConfig } from './poll/config.ts';

const adminUrl = process.env.TIPWIRE_TEST_DATABASE_URL;
if (!adminUrl) {
  process.stdout.write('bench/scale: skipped (set TIPWIRE_TEST_DATABASE_URL to a PostgreSQL server)\n');
  process.exit(0);
}
const ROOT = resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const flag = (name: string, fallback: number): number =>
  Number(args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
const SOURCES = flag('sources', args.includes('--quick') ? 400 : 2000);
const ITEMS = flag('items', 20);

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

interface Worker {
  child: ChildProcess;
  summary: Promise<{ polled: number; inserted: number; at: number }>;
  exited: Promise<void>;
}

function startWorker(dir: string, databaseUrl: string, started: number): Worker {
  const child = spawn(
    process.execPath,
    [join(ROOT, 'bin/tipwire.js'), '--config', dir, 'run', '--no-server'],
    {
      cwd: dir,
      env: {
        ...process.env,
        TIPWIRE_DATABASE_URL: databaseUrl,
        TIPWIRE_LOG_LEVEL: 'info',
        TIPWIRE_LOG_PRETTY: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let buffer = '';
  let errors = '';
  const summary = new Promise<{ polled: number; inserted: number; at: number }>((resolveSummary, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as {
          job?: string;
          polled?: number;
          inserted?: number;
          level?: number;
        };
        if ((entry.level ?? 0) >= 50) errors += `${line}\n`;
        if (entry.job === 'poll' && typeof entry.polled === 'number')
          resolveSummary({
            polled: entry.polled,
            inserted: entry.inserted ?? 0,
            at: performance.now() - started,
          });
      }
    });
    child.once('exit', (code) =>
      reject(new Error(`worker exited (${code}) before its poll summary\n${errors}`)),
    );
  });
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
  return { child, summary, exited };
}

interface Run {
  workers: number;
  seconds: number;
  polled: number[];
  inserted: number;
  stored: number;
  sourcesPolled: number;
}

async function run(count: number, dir: string): Promise<Run> {
  const name = `tipwire_bench_scale_${process.pid}_${count}`;
  await admin((client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl as string);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  try {
    const started = performance.now();
    const workers = Array.from({ length: count }, () => startWorker(dir, databaseUrl, started));
    const summaries = await Promise.all(workers.map((w) => w.summary));
    const seconds = Math.max(...summaries.map((s) => s.at)) / 1000;
    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    const stored = Number((await db.query('SELECT COUNT(*) AS n FROM items')).rows[0].n);
    const sourcesPolled = Number(
      (await db.query('SELECT COUNT(*) AS n FROM source_state WHERE next_poll_at IS NOT NULL')).rows[0].n,
    );
    await db.end();
    return {
      workers: count,
      seconds,
      polled: summaries.map((s) => s.polled),
      inserted: summaries.reduce((n, s) => n + s.inserted, 0),
      stored,
      sourcesPolled,
    };
  } finally {
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

const farm = await serveFeeds(buildFeeds(SOURCES, Date.now(), ITEMS), 8);
const dir = mkdtempSync(join(tmpdir(), 'tipwire-bench-scale-'));
writeBenchConfig(dir, farm, SOURCES);
process.stdout.write(
  `machine: ${cpus().length} cores shared with other engineers (load ${loadavg()
    .map((l) => l.toFixed(1))
    .join(
      ' ',
    )}); ${SOURCES} sources × ${ITEMS} items on 8 loopback addresses; PostgreSQL ${new URL(adminUrl).host}\n`,
);
try {
  const one = await run(1, dir);
  const three = await run(3, dir);
  process.stdout.write(
    '\n| workers | first cycle | ratio to 1 | polls per worker (share) | each source once | items stored |\n' +
      '|---|---|---|---|---|---|\n',
  );
  for (const r of [one, three]) {
    const total = r.polled.reduce((a, b) => a + b, 0);
    const shares = r.polled.map((n) => `${n} (${((100 * n) / total).toFixed(0)} %)`).join(', ');
    const once = total === SOURCES && r.sourcesPolled === SOURCES ? 'yes' : `no: ${total} polls`;
    process.stdout.write(
      `| ${r.workers} | ${r.seconds.toFixed(1)} s | ${(r.seconds / one.seconds).toFixed(2)}× | ${shares} | ${once} | ${r.stored} of ${SOURCES * ITEMS} |\n`,
    );
  }
  process.stdout.write('targets: 3 workers ≥ 25 % each, cycle ≤ 0.6× one worker\n');
} finally {
  await farm.close();
  rmSync(dir, { recursive: true, force: true });
}
