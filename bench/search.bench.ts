// bench/search: how long a reader's search takes with 1,000,000 stored items, beside two baselines measured in the
// same run on the same database:
//   bare index  the full-text index alone, counting every match (SQLite: FTS5 MATCH; PostgreSQL: tsvector @@), with
//               none of our joins, folding, filters, ordering or item loading: the floor for an exhaustive search;
//   LIKE scan   what a search without an index costs: LIKE '%word%' over title and summary of every matched item
//               (measured once per query; it neither folds letters nor finds inflected forms).
// "ours" is Store.searchStories with limit 50: the matching items' stories, filtered, newest first (or by rank),
// with their items loaded, i.e. everything the search page needs from the store.
//
//   npm run bench -- search                 1,000,000 items on SQLite (building the database takes a few minutes)
//   npm run bench -- search --quick         100,000 items
//   npm run bench -- search --items=N
//   TIPWIRE_BENCH_DATABASE_URL=postgres://… the same on PostgreSQL too (a throwaway database is made and dropped)
//   --only=sqlite | --only=postgres         one of the two
//   --keep                                  keep the databases and print where they are (to study query plans)
//
// The items are generated from a small multilingual vocabulary (project-written words in en, ru, kk, ky, uz, tk)
// with a skewed word frequency, so some words are in a tenth of all items and others in a handful.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openPostgres, openSqlite } from '../src/store/driver.ts';
import { SqlStore } from '../src/store/sql-store.ts';
import type { SearchQuery } from '../src/store/port.ts';
import { foldForSearch, parseSearchText, tsQuery, fts5Query } from '../src/store/sql-search.ts';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined =>
  args.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
const ITEMS = Number(flag('items') ?? (args.includes('--quick') ? 100_000 : 1_000_000));
const STORIES = Math.ceil(ITEMS / 2);
const RUNS = 7;
const KEEP = args.includes('--keep');
const ONLY = flag('only');

// --- generated material ----------------------------------------------------------------------------------------

/** mulberry32: the same items on every run. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const VOCABULARY: Record<string, string[]> = {
  en: `the of and in on for to with a by from migrants workers trafficking persons training prosecutors border
    police court government ministry report labour migration refugees asylum smuggling victims children women
    Ashgabat Bishkek Almaty Tashkent Dushanbe Osh Samarkand Turkmenabat Moscow Istanbul Dubai Seoul
    visa deportation remittances shelter hotline conference UNODC IOM UNHCR OSCE embassy detained sentenced
    investigation network recruitment passport citizens abroad returned`.split(/\s+/),
  ru: `и в на по с для из о мигранты мигрантов мигрантам трудовые торговля людьми торговли жертвы граждане
    пограничники суд правительство министерство доклад миграция беженцы контрабанда дети женщины задержаны
    Ашхабад Бишкек Алматы Ташкент Душанбе Ош Самарканд Туркменабад Москва Стамбул Дубай Сеул патент депортация
    переводы приют горячая линия конференция посольство приговор расследование вербовка паспорт вернулись`.split(
    /\s+/,
  ),
  kk: `және мен үшін Қазақстан Қазақстандағы адам саудасы саудасының құрбандары еңбек көші-қоны мигранттар
    азаматтар шекара сот үкімет министрлік балалар әйелдер ұсталды Алматы Астана Шымкент жұмыс шетелде өңірлер`.split(
    /\s+/,
  ),
  ky: `жана менен үчүн Кыргызстан Кыргызстандын мигранттары эмгек мигранттар адам сатуу жарандар чек ара сот
    өкмөт министрлик балдар аялдар кармалды Бишкек Ош Орусияда иштеген`.split(/\s+/),
  uz: `va bilan uchun Oʻzbekiston Oʻzbekistonda migrantlar mehnat odam savdosi fuqarolar chegara sud hukumat
    vazirlik bolalar ayollar qoʻlga olindi Toshkent Samarqand gʻalaba xorijda ishlash`.split(/\s+/),
  tk: `we bilen üçin Türkmenistan Türkmenistanyň adam söwdasy raýatlar serhet kazyýet hökümet ministrlik
    çagalar aýallar tussag edildi Aşgabat Türkmenabat zähmet migrantlar žurnalistler`.split(/\s+/),
};
const LANGUAGES = Object.keys(VOCABULARY);
const TOPICS = [
  'trafficking',
  'smuggling',
  'labour-migration',
  'forced-displacement',
  'migration-governance',
];
const COUNTRIES = ['kz', 'kg', 'uz', 'tm', 'tj', 'ru', 'tr', 'ae'];
const SOURCES = ['24kg-en', '24kg-ru', 'kun-uz', 'tengri', 'orient', 'unodc', 'azattyk', 'asia-plus'];

function sentence(rand: () => number, words: string[], length: number): string {
  const out: string[] = [];
  // Cubing skews the choice toward the first words: a few are everywhere, most are rare.
  for (let i = 0; i < length; i += 1) out.push(words[Math.floor(words.length * rand() ** 3)] ?? '');
  return out.join(' ');
}

interface Row {
  id: string;
  source: string;
  title: string;
  summary: string;
  published: string;
  language: string;
  story: string;
}

function* generate(): Generator<Row> {
  const rand = random(42);
  const start = Date.UTC(2026, 5, 1);
  for (let i = 0; i < ITEMS; i += 1) {
    const language = LANGUAGES[Math.floor(rand() * LANGUAGES.length)] ?? 'en';
    const words = VOCABULARY[language] ?? [];
    // One item in 100,000 names a small town: the rare word.
    const rare = i % 99_991 === 17 ? ' Kerki' : '';
    yield {
      id: `i${i}`,
      source: SOURCES[i % SOURCES.length] ?? 'unodc',
      title: sentence(rand, words, 6 + Math.floor(rand() * 6)) + rare,
      summary: sentence(rand, words, 15 + Math.floor(rand() * 25)),
      // Six months of items; two items per story, published close together.
      published: new Date(start + Math.floor((i / ITEMS) * 183 * 86_400_000)).toISOString(),
      language,
      story: `s${Math.floor(i / 2)}`,
    };
  }
}

function storyTags(n: number): [string, string][] {
  return [
    ['topic', TOPICS[n % TOPICS.length] ?? 'trafficking'],
    ['country', COUNTRIES[n % COUNTRIES.length] ?? 'kg'],
    ['language', LANGUAGES[n % LANGUAGES.length] ?? 'en'],
  ];
}

// --- the queries ------------------------------------------------------------------------------------------------

interface Case {
  name: string;
  query: SearchQuery;
  /** A literal word for the LIKE baseline (LIKE cannot fold or stem). */
  like: string;
}

const CASES: Case[] = [
  { name: 'rare word (Kerki)', query: { text: 'Kerki' }, like: 'Kerki' },
  { name: 'uncommon word (Turkmenabat)', query: { text: 'Turkmenabat' }, like: 'Turkmenabat' },
  { name: 'common word prefix (мигрант)', query: { text: 'мигрант' }, like: 'мигрант' },
  { name: 'two words (адам саудасы)', query: { text: 'адам саудасы' }, like: 'саудасы' },
  {
    name: 'phrase ("trafficking persons")',
    query: { text: '"trafficking persons"' },
    like: 'trafficking persons',
  },
  { name: 'folded Kazakh (казакстан)', query: { text: 'казакстан' }, like: 'Қазақстан' },
  { name: "Uzbek apostrophe (o'zbekiston)", query: { text: "o'zbekiston" }, like: 'Oʻzbekiston' },
  {
    name: 'common word + topic, country, period',
    query: {
      text: 'migrants',
      topics: ['labour-migration'],
      countries: ['kg', 'kz'],
      publishedSince: '2026-10-01T00:00:00.000Z',
    },
    like: 'migrants',
  },
  {
    name: 'best match first (trafficking)',
    query: { text: 'trafficking', order: 'relevance' },
    like: 'trafficking',
  },
];

async function timed<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await fn();
  return { ms: performance.now() - started, value };
}

async function median(fn: () => Promise<unknown> | unknown): Promise<number> {
  await fn(); // warm: statement cache, pages in memory
  const times: number[] = [];
  for (let i = 0; i < RUNS; i += 1) times.push((await timed(fn)).ms);
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

interface Result {
  name: string;
  ours: number;
  bare: number;
  like: number;
  stories: number;
  matches: number;
}

function print(title: string, results: Result[]): void {
  const fmt = (ms: number): string => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(2));
  console.log(`\n${title}`);
  console.log(
    'query'.padEnd(40),
    'ours ms'.padStart(9),
    'bare ms'.padStart(9),
    'ours/bare'.padStart(10),
    'LIKE ms'.padStart(9),
    'LIKE/ours'.padStart(10),
    'matches'.padStart(9),
    'shown'.padStart(6),
  );
  for (const r of results) {
    console.log(
      r.name.padEnd(40),
      fmt(r.ours).padStart(9),
      fmt(r.bare).padStart(9),
      `${(r.ours / r.bare).toFixed(1)}×`.padStart(10),
      fmt(r.like).padStart(9),
      `${(r.like / r.ours).toFixed(0)}×`.padStart(10),
      String(r.matches).padStart(9),
      String(r.stories).padStart(6),
    );
  }
}

// --- SQLite ---------------------------------------------------------------------------------------------------------

async function sqlite(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tipwire-bench-search-'));
  const file = join(dir, 'search.db');
  try {
    await (await SqlStore.open(openSqlite(file))).close();
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = OFF');
    const insertItem = db.prepare(
      `INSERT INTO items (id, source_id, url, title, summary, categories, published_at, date_guessed, language,
         fetched_at, changed_at, content_hash, rules_version, matched, story_id, classification)
       VALUES (?, ?, ?, ?, ?, '[]', ?, 0, ?, ?, ?, 'h', 'v1', 1, ?, ?)`,
    );
    const insertStory = db.prepare(
      `INSERT INTO stories (id, representative_item_id, topics, countries, languages, first_seen_at, updated_at,
         published_at, published_guessed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
    );
    const insertTag = db.prepare('INSERT INTO story_tags (story_id, kind, value) VALUES (?, ?, ?)');
    const load = await timed(() => {
      let batch: Row[] = [];
      const flush = db.transaction((rows: Row[]) => {
        for (const row of rows) {
          const n = Number(row.story.slice(1));
          const classification = JSON.stringify({
            language: row.language,
            topics: [{ topic: TOPICS[n % TOPICS.length], score: 3, evidence: [] }],
            countries: [],
          });
          insertItem.run(
            row.id,
            row.source,
            `https://example.org/${row.id}`,
            row.title,
            row.summary,
            row.published,
            row.language,
            row.published,
            row.published,
            row.story,
            classification,
          );
          if (row.id === `i${n * 2}`) {
            const tags = storyTags(n);
            insertStory.run(row.story, row.id, '[]', '[]', '[]', row.published, row.published, row.published);
            for (const [kind, value] of tags) insertTag.run(row.story, kind, value);
          }
        }
      });
      for (const row of generate()) {
        batch.push(row);
        if (batch.length === 10_000) {
          flush(batch);
          batch = [];
        }
      }
      flush(batch);
      db.exec("INSERT INTO item_search (item_search) VALUES ('optimize')");
    });
    db.close();
    console.log(
      `SQLite ${ITEMS.toLocaleString('en')} items in ${STORIES.toLocaleString('en')} stories, loaded and indexed in ` +
        `${(load.ms / 1000).toFixed(0)} s; database ${(statSync(file).size / 1e6).toFixed(0)} MB`,
    );

    const store = await SqlStore.open(openSqlite(file));
    const raw = new Database(file, { readonly: true });
    const bare = raw.prepare('SELECT count(*) AS n FROM item_search WHERE item_search MATCH ?');
    const like = raw.prepare(
      `SELECT id FROM items WHERE matched = 1 AND (title LIKE ? OR summary LIKE ?) ORDER BY published_at DESC LIMIT 50`,
    );
    const results: Result[] = [];
    for (const c of CASES) {
      const match = fts5Query(parseSearchText(c.query.text));
      const matches = Number((bare.get(match) as { n: number }).n);
      const shown = (await store.searchStories({ ...c.query, limit: 50 })).length;
      const ours = await median(() => store.searchStories({ ...c.query, limit: 50 }));
      const bareMs = await median(() => bare.get(match));
      const pattern = `%${c.like}%`;
      const likeMs = (await timed(() => like.all(pattern, pattern))).ms;
      results.push({ name: c.name, ours, bare: bareMs, like: likeMs, stories: shown, matches });
    }
    raw.close();
    await store.close();
    print(`SQLite FTS5, ${ITEMS.toLocaleString('en')} items (median of ${RUNS} runs; LIKE once)`, results);
  } finally {
    if (KEEP) console.log(`kept: ${file}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

// --- PostgreSQL -----------------------------------------------------------------------------------------------------

async function postgres(adminUrl: string): Promise<void> {
  const name = `tipwire_bench_search_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    const store = await SqlStore.open(openPostgres(url.toString()));
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    const load = await timed(async () => {
      const flush = async (rows: Row[]): Promise<void> => {
        if (rows.length === 0) return;
        const values: unknown[] = [];
        const tuples = rows.map((row, r) => {
          const n = Number(row.story.slice(1));
          values.push(
            row.id,
            row.source,
            row.title,
            row.summary,
            row.published,
            row.language,
            row.story,
            JSON.stringify({
              language: row.language,
              topics: [{ topic: TOPICS[n % TOPICS.length] }],
              countries: [],
            }),
          );
          const b = r * 8;
          return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, '[]', $${b + 5}, 0, $${b + 6}, $${b + 5}, $${b + 5}, 'h', 'v1', 1, $${b + 7}, $${b + 8})`;
        });
        await client.query(
          `INSERT INTO items (id, source_id, title, summary, categories, published_at, date_guessed, language,
             fetched_at, changed_at, content_hash, rules_version, matched, story_id, classification)
           VALUES ${tuples.join(', ')}`,
          values,
        );
        const firsts = rows.filter((row) => row.id === `i${Number(row.story.slice(1)) * 2}`);
        if (firsts.length === 0) return;
        const storyValues: unknown[] = [];
        const storyTuples = firsts.map((row, r) => {
          storyValues.push(row.story, row.id, row.published);
          const b = r * 3;
          return `($${b + 1}, $${b + 2}, '[]', '[]', '[]', $${b + 3}, $${b + 3}, $${b + 3}, 0)`;
        });
        await client.query(
          `INSERT INTO stories (id, representative_item_id, topics, countries, languages, first_seen_at, updated_at,
             published_at, published_guessed) VALUES ${storyTuples.join(', ')}`,
          storyValues,
        );
        const tagValues: unknown[] = [];
        const tagTuples: string[] = [];
        for (const row of firsts) {
          for (const [kind, value] of storyTags(Number(row.story.slice(1)))) {
            const b = tagValues.length;
            tagValues.push(row.story, kind, value);
            tagTuples.push(`($${b + 1}, $${b + 2}, $${b + 3})`);
          }
        }
        await client.query(
          `INSERT INTO story_tags (story_id, kind, value) VALUES ${tagTuples.join(', ')}`,
          tagValues,
        );
      };
      let batch: Row[] = [];
      await client.query('BEGIN');
      for (const row of generate()) {
        batch.push(row);
        if (batch.length === 2_000) {
          await flush(batch);
          batch = [];
        }
      }
      await flush(batch);
      await client.query('COMMIT');
      await client.query('VACUUM ANALYZE');
    });
    console.log(
      `\nPostgreSQL ${ITEMS.toLocaleString('en')} items loaded and indexed in ${(load.ms / 1000).toFixed(0)} s`,
    );
    const results: Result[] = [];
    for (const c of CASES) {
      const query = tsQuery(parseSearchText(c.query.text));
      const bare = (): Promise<pg.QueryResult> =>
        client.query("SELECT count(*) AS n FROM item_search WHERE document @@ to_tsquery('simple', $1)", [
          query,
        ]);
      const matches = Number((await bare()).rows[0]?.n ?? 0);
      const shown = (await store.searchStories({ ...c.query, limit: 50 })).length;
      const ours = await median(() => store.searchStories({ ...c.query, limit: 50 }));
      const bareMs = await median(bare);
      const pattern = `%${c.like}%`;
      const likeMs = (
        await timed(() =>
          client.query(
            `SELECT id FROM items WHERE matched = 1 AND (title LIKE $1 OR summary LIKE $1) ORDER BY published_at DESC LIMIT 50`,
            [pattern],
          ),
        )
      ).ms;
      results.push({ name: c.name, ours, bare: bareMs, like: likeMs, stories: shown, matches });
    }
    await client.end();
    await store.close();
    print(
      `PostgreSQL tsvector/GIN, ${ITEMS.toLocaleString('en')} items (median of ${RUNS} runs; LIKE once)`,
      results,
    );
  } finally {
    if (KEEP) console.log(`kept: ${url.toString()}`);
    else await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

// The folding must agree with what the generated text holds, or the table would measure empty searches.
if (foldForSearch('Қазақстан') !== 'казакстан') throw new Error('folding changed: update the bench cases');
if (ONLY !== 'postgres') await sqlite();
const pgUrl = process.env.TIPWIRE_BENCH_DATABASE_URL;
if (pgUrl && ONLY !== 'sqlite') await postgres(pgUrl);
else console.log('\nPostgreSQL: skipped (set TIPWIRE_BENCH_DATABASE_URL=postgres://… to measure it too)');
