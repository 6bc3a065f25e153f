// bench/poll: whole-process poll cost, tipwire beside a minimal pipeline measured in the same run.
// A local server (bench/poll/feeds.ts) serves generated RSS feeds over 8 addresses 127.0.0.1–8 with ETag,
// Last-Modified and gzip. For each size, in a fresh folder: `tipwire poll --all` (fetch, decode, parse, classify,
// cluster, store, export) and bench/poll/minimal.mjs (fetch c=8 + rss-parser + SQLite batch insert), each run
// twice: the first poll (every feed new) and the second (every feed answers 304). Wall time and peak RSS
// (/usr/bin/time) of the whole process, start-up included. Then the same sizes with 1,000,000 items already stored,
// and `tipwire --help` against `node -e 0`.
//   npm run bench -- poll            250/500/1,000/2,000 feeds, then with 1,000,000 items stored (~15 min)
//   npm run bench -- poll --quick    250 feeds only (under a minute)
//   --sizes=250,1000  --no-million  --runs=N (median of N for the main size; default 1)
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { buildFeeds, serveFeeds, type FeedFarm } from './poll/feeds.ts';
import { writeBenchConfig } from './poll/config.ts';
import { compileRules } from '../src/classify/index.ts';
import { loadConfig } from '../src/config/load.ts';
import { openStore } from '../src/store/index.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'bin/tipwire.js');
const MINIMAL = join(ROOT, 'bench/poll/minimal.mjs');
const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const quick = args.includes('--quick');
const sizes = (flag('sizes') ?? (quick ? '250' : '250,500,1000,2000')).split(',').map(Number);
const withMillion = !quick && !args.includes('--no-million');
const runs = Number(flag('runs') ?? '1');
const MAIN = sizes.includes(1000) ? 1000 : (sizes[sizes.length - 1] as number);
const ITEMS_PER_FEED = 60;
const MILLION = 1_000_000;

interface Measured {
  s: number;
  mib: number;
  out: string;
}

/** Runs a whole process under /usr/bin/time: wall seconds and peak resident memory. */
function measure(command: string[], env: NodeJS.ProcessEnv = {}): Promise<Measured> {
  const timeFile = join(tmpdir(), `tipwire-bench-time-${process.pid}`);
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, ...command], {
      cwd: ROOT,
      env: { ...process.env, TIPWIRE_LOG_LEVEL: 'warn', TIPWIRE_LOG_PRETTY: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const s = (performance.now() - started) / 1000;
      const kib = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop());
      if (code !== 0) {
        reject(new Error(`${command.join(' ')} exited ${code}\n${err.slice(-2000)}\n${out.slice(-2000)}`));
        return;
      }
      resolveRun({ s, mib: kib / 1024, out });
    });
  });
}

// --- 1,000,000 items already stored --------------------------------------------------------------------------

/**
 * A database as a year of use leaves it: 900,000 unmatched items within the retention window (classified under the
 * current rules), 100,000 matched ones over two years, each in a story. Built once per run, copied per size.
 */
async function seedTemplates(dir: string, configDir: string): Promise<{ tipwire: string; minimal: string }> {
  const tipwire = join(dir, 'million-tipwire.db');
  const minimal = join(dir, 'million-minimal.db');
  const started = performance.now();
  await (await openStore(`sqlite:${tipwire}`)).close();
  const rulesVersion = compileRules(loadConfig(configDir, {}).topics).version;
  const now = Date.now();
  const db = new Database(tipwire);
  db.pragma('journal_mode = WAL');
  const mdb = new Database(minimal);
  mdb.pragma('journal_mode = WAL');
  mdb.exec(`CREATE TABLE IF NOT EXISTS feeds (url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT);
    CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, feed TEXT NOT NULL, guid TEXT, link TEXT UNIQUE,
      title TEXT, summary TEXT, content TEXT, published TEXT)`);
  const item =
    db.prepare(`INSERT INTO items (id, source_id, url, link, guid, title, summary, content_html, author,
      categories, published_at, updated_at, date_guessed, language, country, fetched_at, changed_at, content_hash,
      classification, rules_version, matched, story_id)
    VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, '[]', ?, NULL, 0, 'en', 'kg', ?, ?, ?, ?, ?, ?, ?)`);
  const story = db.prepare(`INSERT INTO stories (id, representative_item_id, topics, countries, languages,
      first_seen_at, updated_at) VALUES (?, ?, '["trafficking"]', '["kg"]', '["en"]', ?, ?)`);
  const tag = db.prepare('INSERT INTO story_tags (story_id, kind, value) VALUES (?, ?, ?)');
  const mitem = mdb.prepare(
    'INSERT INTO items (feed, guid, link, title, summary, content, published) VALUES (?, ?, ?, ?, ?, NULL, ?)',
  );
  const unmatched = JSON.stringify({ language: 'en', topics: [], countries: ['kg'] });
  const matched = JSON.stringify({
    language: 'en',
    topics: [{ topic: 'trafficking', score: 3, evidence: [] }],
    countries: ['kg'],
  });
  const text =
    'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore';
  const batch = 50_000;
  for (let start = 0; start < MILLION; start += batch) {
    const write = (): void => {
      for (let k = start; k < start + batch; k += 1) {
        const isMatched = k % 10 === 0;
        const age = isMatched ? 15 + (k % 700) + (k % 7) / 7 : 1 + (k % 28) + (k % 13) / 13;
        const at = new Date(now - age * 86_400_000).toISOString();
        const url = `https://old${k % 1000}.example.org/a/${k}`;
        const id = `m${k.toString(36)}`;
        const title = `Archived report ${k} ${text.slice(0, 40)}`;
        const summary = `${text} ${k} ${text}`;
        item.run(
          id,
          `s${k % 250}`,
          url,
          url,
          url,
          title,
          summary,
          at,
          at,
          at,
          `h${k}`,
          isMatched ? matched : unmatched,
          rulesVersion,
          isMatched ? 1 : 0,
          isMatched ? `st${k}` : null,
        );
        if (isMatched) {
          story.run(`st${k}`, id, at, at);
          tag.run(`st${k}`, 'topic', 'trafficking');
          tag.run(`st${k}`, 'country', 'kg');
          tag.run(`st${k}`, 'language', 'en');
        }
        mitem.run(`old${k % 1000}`, url, url, title, summary, at);
      }
    };
    db.transaction(write)();
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  mdb.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  mdb.close();
  process.stdout.write(
    `(seeded 1,000,000 items in ${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );
  return { tipwire, minimal };
}

// --- one size ------------------------------------------------------------------------------------------------

interface SizeResult {
  feeds: number;
  items: number;
  tipFirst: Measured;
  tip304: Measured;
  minFirst: Measured;
  min304: Measured;
}

async function runSize(
  farm: FeedFarm,
  count: number,
  templates?: { tipwire: string; minimal: string },
): Promise<SizeResult> {
  const dir = mkdtempSync(join(tmpdir(), `tipwire-bench-poll-${count}-`));
  try {
    writeBenchConfig(dir, farm, count);
    const minDb = join(dir, 'minimal.db');
    if (templates) {
      copyFileSync(templates.tipwire, join(dir, 'tipwire.db'));
      copyFileSync(templates.minimal, minDb);
    }
    const tip = ['node', BIN, '--config', dir, 'poll', '--all'];
    const min = ['node', MINIMAL, minDb, join(dir, 'urls.txt')];
    // Interleaved, so drift on the shared machine hits both alike.
    const minFirst = await measure(min);
    const tipFirst = await measure(tip);
    const min304 = await measure(min);
    const tip304 = await measure(tip);
    const db = new Database(join(dir, 'tipwire.db'), { readonly: true });
    const { n } = db.prepare('SELECT COUNT(*) AS n FROM items').get() as { n: number };
    db.close();
    const expected = count * ITEMS_PER_FEED + (templates ? MILLION : 0);
    if (n !== expected) throw new Error(`tipwire stored ${n} items, expected ${expected}`);
    const minItems = (JSON.parse(minFirst.out) as { items: number }).items;
    if (minItems !== count * ITEMS_PER_FEED) throw new Error(`minimal stored ${minItems} items`);
    return { feeds: count, items: count * ITEMS_PER_FEED, tipFirst, tip304, minFirst, min304 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 2): string => n.toFixed(digits);

function scalingTable(title: string, results: SizeResult[]): void {
  process.stdout.write(`\n${title}\n`);
  process.stdout.write(
    '| feeds | items | tipwire first | ×prev | minimal first | ratio | tipwire 304 | ×prev | minimal 304 | ratio | tipwire peak |\n' +
      '|---|---|---|---|---|---|---|---|---|---|---|\n',
  );
  results.forEach((r, k) => {
    const prev = results[k - 1];
    const growth = (a: number, b: number | undefined): string => (b ? `×${fmt(a / b)}` : '');
    process.stdout.write(
      `| ${r.feeds} | ${r.items} | ${fmt(r.tipFirst.s)} s | ${growth(r.tipFirst.s, prev?.tipFirst.s)} | ` +
        `${fmt(r.minFirst.s)} s | ${fmt(r.tipFirst.s / r.minFirst.s)}× | ${fmt(r.tip304.s)} s | ` +
        `${growth(r.tip304.s, prev?.tip304.s)} | ${fmt(r.min304.s)} s | ${fmt(r.tip304.s / r.min304.s)}× | ` +
        `${fmt(r.tipFirst.mib, 0)} MiB |\n`,
    );
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function startup(): Promise<{ node: number; help: number }> {
  const time = (command: string[]): number => {
    const started = performance.now();
    const result = spawnSync(command[0] as string, command.slice(1), { cwd: ROOT, stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`${command.join(' ')} exited ${result.status}`);
    return (performance.now() - started) / 1000;
  };
  const node: number[] = [];
  const help: number[] = [];
  for (let k = 0; k < 7; k += 1) {
    node.push(time(['node', '-e', '0']));
    help.push(time(['node', BIN, '--help']));
  }
  return { node: median(node), help: median(help) };
}

// --- main ------------------------------------------------------------------------------------------------------

const now = Date.now();
const started = performance.now();
const feeds = buildFeeds(Math.max(...sizes), now, ITEMS_PER_FEED);
const mb = (n: number): string => fmt(n / 1e6, 0);
const upTo = (count: number, pickBytes: (f: (typeof feeds)[number]) => number): number =>
  feeds.slice(0, count).reduce((sum, f) => sum + pickBytes(f), 0);
process.stdout.write(
  `machine: ${cpus().length} cores shared with other engineers (load ${loadavg()
    .map((l) => fmt(l, 1))
    .join(' ')}); whole processes, wall time and peak RSS; ratios are to the minimal pipeline in this run\n` +
    `feeds: ${Math.max(...sizes)} generated (${ITEMS_PER_FEED} items each, ${mb(upTo(MAIN, (f) => f.rawBytes))} MB ` +
    `raw / ${mb(upTo(MAIN, (f) => f.gzip.length))} MB gzip for ${MAIN}) in ${fmt((performance.now() - started) / 1000, 1)} s, ` +
    `served from 8 addresses 127.0.0.1–8\n`,
);
const farm = await serveFeeds(feeds, 8);
if (!existsSync('/usr/bin/time')) throw new Error('bench/poll needs /usr/bin/time (Debian package "time")');

try {
  const results: SizeResult[] = [];
  for (const count of sizes) {
    const repeats: SizeResult[] = [];
    for (let k = 0; k < (count === MAIN ? runs : 1); k += 1) repeats.push(await runSize(farm, count));
    const pickMedian = (key: 'tipFirst' | 'tip304' | 'minFirst' | 'min304'): Measured => {
      const sorted = [...repeats].sort((a, b) => a[key].s - b[key].s);
      return (sorted[Math.floor(sorted.length / 2)] as SizeResult)[key];
    };
    results.push({
      ...(repeats[0] as SizeResult),
      tipFirst: pickMedian('tipFirst'),
      tip304: pickMedian('tip304'),
      minFirst: pickMedian('minFirst'),
      min304: pickMedian('min304'),
    });
    process.stdout.write(`  ${count} feeds done\n`);
  }
  const main = results.find((r) => r.feeds === MAIN) as SizeResult;
  const up = await startup();
  process.stdout.write(
    `\n${MAIN} feeds (${main.items} items)${runs > 1 ? `, median of ${runs}` : ''}\n` +
      '| | tipwire | minimal pipeline | ratio | target |\n|---|---|---|---|---|\n' +
      `| first poll, all changed | ${fmt(main.tipFirst.s)} s, ${fmt(main.tipFirst.mib, 0)} MiB | ${fmt(main.minFirst.s)} s, ${fmt(main.minFirst.mib, 0)} MiB | ${fmt(main.tipFirst.s / main.minFirst.s)}× | < 0.6×, < 200 MiB |\n` +
      `| second poll, all 304 | ${fmt(main.tip304.s)} s, ${fmt(main.tip304.mib, 0)} MiB | ${fmt(main.min304.s)} s, ${fmt(main.min304.mib, 0)} MiB | ${fmt(main.tip304.s / main.min304.s)}× | < 0.6× |\n` +
      `| \`tipwire --help\` | ${fmt(up.help)} s | \`node -e 0\`: ${fmt(up.node)} s | ${fmt(up.help / up.node)}× | < 3× |\n`,
  );
  scalingTable(
    'Scaling, empty database (×prev: time over the previous size; target ≤ ×2.2 per doubling)',
    results,
  );

  if (withMillion) {
    const seedDir = mkdtempSync(join(tmpdir(), 'tipwire-bench-million-'));
    try {
      writeBenchConfig(seedDir, farm, 1);
      const templates = await seedTemplates(seedDir, seedDir);
      const aged: SizeResult[] = [];
      for (const count of sizes) {
        aged.push(await runSize(farm, count, templates));
        process.stdout.write(`  ${count} feeds with 1,000,000 stored done\n`);
      }
      scalingTable('Scaling with 1,000,000 items already stored', aged);
      process.stdout.write(
        `\n| feeds | first poll: 1M stored / empty | 304 poll: 1M stored / empty |\n|---|---|---|\n${aged
          .map((r, k) => {
            const e = results[k] as SizeResult;
            return `| ${r.feeds} | ${fmt(r.tipFirst.s / e.tipFirst.s)}× | ${fmt(r.tip304.s / e.tip304.s)}× |`;
          })
          .join('\n')}\n`,
      );
    } finally {
      rmSync(seedDir, { recursive: true, force: true });
    }
  }
} finally {
  await farm.close();
}
