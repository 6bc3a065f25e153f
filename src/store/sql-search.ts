// Full-text search over the stories' items (title, summary, source id), with the same filters as the pages, on both
// dialects: SQLite FTS5 and PostgreSQL tsvector/GIN. Kept apart from sql-store.ts so the item, classify and lease
// paths there can change without touching it.
//
// Contract:
// - Only matched items (those that belong to stories) are indexed. Triggers on `items` keep the index in step on
//   insert, on an edit of title or summary, on (re)classification and on delete, so no write path of the store has
//   to remember it, and a row written by any client is indexed too.
// - Letters are folded the same way when indexing and when querying, and the same way on both dialects: case,
//   Kazakh, Kyrgyz, Uzbek, Tajik letters to their base letter (қ→к, ә→а, ң→н, ө→о, ұ ү ў ӯ→у, і ӣ→и, ғ→г, һ ҳ→х, ҷ→ч,
//   ё→е), Latin diacritics (Turkmen ä ç ň ö ş ü ý ž, Turkish/Azeri ı ə, …) to the base letter, and apostrophes
//   dropped, so Uzbek `oʻzbek`, `o'zbek`, `o‘zbek` and `ozbek` are one word. This is the classifier's folding
//   (src/text) reduced to what SQL can do at insert time, which the store may not import.
// - A query is words, each matched as a word prefix ("мигрант" finds "мигрантов", "мигранттар"), all required;
//   "quoted words" are a phrase. Nothing a reader types reaches SQL as syntax: every word is reduced to letters and
//   digits first, then quoted.
// - Results are stories, each once, newest first by first publication (or by relevance: the best item's rank).
//
// Folding is a fixed table that the migration bakes into SQL: changing it means a new migration that rebuilds the
// index, or indexed text and queries stop agreeing.
import type { Row, SqlDriver, SqlValue } from './driver.ts';
import type { SearchQuery, StoryQuery } from './port.ts';

// --- folding -------------------------------------------------------------------------------------------------------

/** Letters that are not "a base letter plus a diacritic" in Unicode, so no decomposition reaches them. */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ё: 'е',
  ә: 'а',
  ғ: 'г',
  қ: 'к',
  ң: 'н',
  ө: 'о',
  ұ: 'у',
  ү: 'у',
  ў: 'у',
  ӯ: 'у',
  һ: 'х',
  ҳ: 'х',
  і: 'и',
  ӣ: 'и',
  ҷ: 'ч',
  ı: 'i',
  ə: 'a',
  ø: 'o',
  ł: 'l',
  đ: 'd',
};

/** Dropped: Uzbek oʻ/gʻ are written with any of these, and "don't" and "dont" should meet. */
export const APOSTROPHES = "'ʻʼ‘’`´ʹ";

/** Latin letters with diacritics (Latin-1 Supplement and Extended-A/B) → their ASCII base, from Unicode's NFD. */
function latinBases(): Map<string, string> {
  const map = new Map<string, string>();
  for (let code = 0xc0; code <= 0x24f; code += 1) {
    const letter = String.fromCodePoint(code);
    const base = letter.normalize('NFD').replace(/\p{M}/gu, '');
    if (base !== letter && /^[A-Za-z]$/.test(base)) map.set(letter, base.toLowerCase());
  }
  return map;
}

export const LATIN = latinBases();

/** Every single letter our folding rewrites, lower and upper case, to its folded lower-case form. */
function letterTable(): Map<string, string> {
  const table = new Map<string, string>();
  for (const [from, to] of Object.entries(SPECIAL_LETTERS)) {
    table.set(from, to);
    const upper = from.toUpperCase();
    if (upper.length === 1 && upper !== from && !/[A-Z]/.test(upper)) table.set(upper, to);
  }
  table.set('İ', 'i');
  for (const [from, to] of LATIN) if (!table.has(from)) table.set(from, to);
  return table;
}

export const LETTERS = letterTable();

/** The query side of the folding: what the index holds for this text, as a string. */
export function foldForSearch(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    if (APOSTROPHES.includes(char)) continue;
    // The table first: 'İ'.toLowerCase() is "i" plus a combining dot.
    const lower = LETTERS.has(char) ? char : char.toLowerCase();
    out += LETTERS.get(lower) ?? lower;
  }
  return out;
}

/** Docs per second of publication: doc = seconds × 2^20 + n, so FTS5's rowid order is publication order. */
export const DOCS_PER_SECOND = 1_048_576;

// --- the reader's words -----------------------------------------------------------------------------------------

export interface SearchTerms {
  /** Each entry is one required term: a single word (matched as a prefix) or a phrase (several words in order). */
  terms: { words: string[]; phrase: boolean }[];
}

/** At most this many terms are used: a pasted paragraph must not become a query of a hundred terms. */
const MAX_TERMS = 12;

const wordsOf = (text: string): string[] =>
  foldForSearch(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word.length > 0);

/** Splits a reader's query into terms: "quoted words" are phrases, the rest single words. */
export function parseSearchText(text: string): SearchTerms {
  const terms: SearchTerms['terms'] = [];
  const quoted = /"([^"]*)"/g;
  let rest = '';
  let last = 0;
  for (let match = quoted.exec(text); match; match = quoted.exec(text)) {
    rest += ` ${text.slice(last, match.index)}`;
    last = match.index + match[0].length;
    const words = wordsOf(match[1] ?? '');
    if (words.length > 1) terms.push({ words, phrase: true });
    else if (words.length === 1) terms.push({ words, phrase: false });
  }
  rest += ` ${text.slice(last)}`;
  for (const word of wordsOf(rest)) {
    if (!terms.some((term) => !term.phrase && term.words[0] === word))
      terms.push({ words: [word], phrase: false });
  }
  return { terms: terms.slice(0, MAX_TERMS) };
}

/** FTS5 MATCH syntax: every word quoted, single words as prefixes (a lone letter is matched whole). */
export function fts5Query(terms: SearchTerms): string {
  return terms.terms
    .map(({ words, phrase }) =>
      phrase ? `"${words.join(' ')}"` : `"${words[0] ?? ''}"${(words[0]?.length ?? 0) > 1 ? '*' : ''}`,
    )
    .join(' AND ');
}

/** tsquery syntax: words are letters and digits only, so they need no quoting. */
export function tsQuery(terms: SearchTerms): string {
  return terms.terms
    .map(({ words, phrase }) =>
      phrase ? `(${words.join(' <-> ')})` : `${words[0] ?? ''}${(words[0]?.length ?? 0) > 1 ? ':*' : ''}`,
    )
    .join(' & ');
}

// --- queries --------------------------------------------------------------------------------------------------------

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Filters on stories (alias `s`), shared by the story list and search, so "which stories match" exists once. */
export function storyFilter(query: Omit<StoryQuery, 'order'>): { clauses: string[]; params: SqlValue[] } {
  const clauses: string[] = [];
  const params: SqlValue[] = [];
  const add = (clause: string, ...values: SqlValue[]): void => {
    clauses.push(clause);
    params.push(...values);
  };
  if (query.firstSeenSince !== undefined) add('s.first_seen_at >= ?', query.firstSeenSince);
  if (query.firstSeenUntil !== undefined) add('s.first_seen_at < ?', query.firstSeenUntil);
  if (query.updatedSince !== undefined) add('s.updated_at >= ?', query.updatedSince);
  if (query.publishedSince !== undefined) add('s.published_at >= ?', query.publishedSince);
  const tag = (kind: string, values: string[] | undefined): void => {
    if (!values || values.length === 0) return;
    add(
      `EXISTS (SELECT 1 FROM story_tags t WHERE t.story_id = s.id AND t.kind = ? AND t.value IN (${placeholders(values.length)}))`,
      kind,
      ...values,
    );
  };
  tag('topic', query.topics);
  tag('country', query.countries);
  tag('language', query.languages);
  return { clauses, params };
}

/** ORDER BY of a story list: by first publication (pages) or by first sighting (feeds' and digests' default). */
export function storyOrder(order: StoryQuery['order']): string {
  return order === 'published' ? 's.published_at DESC, s.id' : 's.first_seen_at DESC, s.id';
}

const pageClause = (limit: number | undefined, offset: number | undefined): string =>
  `${limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : ''}${
    offset ? ` OFFSET ${Math.max(0, Math.floor(offset))}` : ''
  }`;

/**
 * The stories whose items match the query, with the filters, newest first by first publication (or best match
 * first). Returns the story rows in order; the caller loads their items. No words and no sources: no results.
 *
 * A page (limit given) is read in batches that stop as soon as the page is certain, so a common word costs a few
 * batches rather than all of its matches; without a limit every match is collected and sorted.
 */
export async function searchStoryRows(db: SqlDriver, query: SearchQuery): Promise<Row[]> {
  const terms = parseSearchText(query.text);
  const sources = query.sourceIds ?? [];
  if (terms.terms.length === 0 && sources.length === 0) return [];
  if (query.limit === undefined) return everyMatch(db, query, terms, sources);
  const search: Search = { db, query, terms, sources, filter: storyFilter(query) };
  const offset = Math.max(0, Math.floor(query.offset ?? 0));
  const need = offset + Math.max(0, Math.floor(query.limit));
  if (need === offset) return [];
  let ids: string[];
  if (query.order === 'relevance' && terms.terms.length > 0) {
    ids = await bestFirst(search, need);
  } else {
    const few = db.dialect === 'postgres' && terms.terms.length > 0 ? await fewMatches(search) : undefined;
    if (few) return fewStories(search, few, offset, need);
    const scan =
      terms.terms.length === 0
        ? itemsByDate(search)
        : db.dialect === 'sqlite'
          ? ftsByDate(search)
          : windowByDate(search);
    const page = await newestFirst(scan, need);
    if (!page) return everyMatch(db, query, terms, sources);
    ids = page;
  }
  return storiesInOrder(db, ids.slice(offset, need));
}

interface Search {
  db: SqlDriver;
  query: SearchQuery;
  terms: SearchTerms;
  sources: string[];
  filter: { clauses: string[]; params: SqlValue[] };
}

const sourceClause = (sources: string[]): string =>
  sources.length > 0 ? ` AND i.source_id IN (${placeholders(sources.length)})` : '';

/** Conditions on the item `i` and its story `s` that every strategy applies, with their parameters. */
const itemAndStory = (search: Search): { sql: string; params: SqlValue[] } => ({
  sql: `i.matched = 1${sourceClause(search.sources)}${search.filter.clauses.map((c) => ` AND ${c}`).join('')}`,
  params: [...search.sources, ...search.filter.params],
});

async function storiesInOrder(db: SqlDriver, ids: string[]): Promise<Row[]> {
  if (ids.length === 0) return [];
  const rows = await db.all(`SELECT * FROM stories WHERE id IN (${placeholders(ids.length)})`, ids);
  const order = new Map(ids.map((id, index) => [id, index]));
  return rows.sort((a, b) => (order.get(String(a.id)) ?? 0) - (order.get(String(b.id)) ?? 0));
}

/** Every matching story at once, then sorted (no limit, or a reading that found the newest end too thin). */
async function everyMatch(
  db: SqlDriver,
  query: SearchQuery,
  terms: SearchTerms,
  sources: string[],
): Promise<Row[]> {
  const hitParams: SqlValue[] = [];
  let hits: string;
  if (terms.terms.length === 0) {
    hits = `SELECT i.story_id AS id, 0 AS score FROM items i
      WHERE i.matched = 1 AND i.story_id IS NOT NULL${sourceClause(sources)} GROUP BY i.story_id`;
  } else if (db.dialect === 'sqlite') {
    // `rank` is bm25 (smaller is better) with the column weights the migration configured.
    hits = `SELECT i.story_id AS id, MIN(f.rank) AS score
      FROM item_search f JOIN item_search_docs d ON d.doc = f.rowid JOIN items i ON i.id = d.item_id
      WHERE item_search MATCH ? AND i.matched = 1 AND i.story_id IS NOT NULL${sourceClause(sources)}
      GROUP BY i.story_id`;
    hitParams.push(fts5Query(terms));
  } else {
    hits = `SELECT i.story_id AS id, -MAX(ts_rank(x.document, q.query)) AS score
      FROM (SELECT to_tsquery('simple', ?) AS query) q
      JOIN item_search x ON x.document @@ q.query JOIN items i ON i.id = x.item_id
      WHERE i.matched = 1 AND i.story_id IS NOT NULL${sourceClause(sources)} GROUP BY i.story_id`;
    hitParams.push(tsQuery(terms));
  }
  hitParams.push(...sources);
  const filter = storyFilter(query);
  const where = filter.clauses.length ? `WHERE ${filter.clauses.join(' AND ')}` : '';
  const order = query.order === 'relevance' ? 'h.score, s.published_at DESC, s.id' : storyOrder('published');
  return db.all(
    `WITH hits AS (${hits}) SELECT s.* FROM stories s JOIN hits h ON h.id = s.id ${where}
      ORDER BY ${order}${pageClause(query.limit, query.offset)}`,
    [...hitParams, ...filter.params],
  );
}

/** One batch of a reading from the newest end: the matching stories met, and how far the reading got. */
interface Batch {
  hits: { story: string; published: string }[];
  /** Every story not met yet is dated at or before this (so a story met with a later date is certain). */
  reached: string;
  /** Where the next batch starts; undefined when the index has nothing older. */
  next: SqlValue[] | undefined;
  /** Index entries this batch read (matches or not), to give up on a word that the newest end hardly has. */
  read: number;
}

type Scan = (cursor: SqlValue[] | undefined, size: number) => Promise<Batch>;

/** Reads examined before a thin word goes to everyMatch (only the PostgreSQL window reads non-matches). */
const MAX_READ = 60_000;

/**
 * Reads batches from the newest end until the page is certain: a story is never older than its items (its date is
 * their minimum), so once the reading has passed date D no story it has not met can be newer than D, and the stories
 * met with later dates are certain. Returns the story ids of the first `need` places, or undefined to give up.
 */
async function newestFirst(scan: Scan, need: number): Promise<string[] | undefined> {
  const seen = new Map<string, string>();
  let cursor: SqlValue[] | undefined;
  let size = Math.max(2 * need, 100);
  let read = 0;
  for (;;) {
    const batch = await scan(cursor, size);
    for (const hit of batch.hits) if (!seen.has(hit.story)) seen.set(hit.story, hit.published);
    if (!batch.next) break;
    let certain = 0;
    for (const published of seen.values()) if (published > batch.reached) certain += 1;
    if (certain >= need) break;
    read += batch.read;
    if (read > MAX_READ) return undefined;
    cursor = batch.next;
    size = Math.min(size * 4, 20_000);
  }
  return [...seen]
    .sort(([a, pa], [b, pb]) => (pa < pb ? 1 : pa > pb ? -1 : a < b ? -1 : a > b ? 1 : 0))
    .slice(0, need)
    .map(([id]) => id);
}

interface HitRow {
  k1: unknown;
  k2: unknown;
  story: unknown;
  published: unknown;
}

const toHits = (rows: HitRow[]): Batch['hits'] =>
  rows
    .filter((row) => row.story !== null && row.story !== undefined)
    .map((row) => ({ story: String(row.story), published: String(row.published) }));

/** SQLite: FTS5 reads its matches in rowid order, and doc numbers count publication seconds. */
function ftsByDate(search: Search): Scan {
  const where = itemAndStory(search);
  const match = fts5Query(search.terms);
  return async (cursor, size) => {
    const rows = await search.db.all<HitRow>(
      `SELECT f.rowid AS k1, NULL AS k2, i.story_id AS story, s.published_at AS published
        FROM item_search f JOIN item_search_docs d ON d.doc = f.rowid JOIN items i ON i.id = d.item_id
        JOIN stories s ON s.id = i.story_id
        WHERE item_search MATCH ? AND f.rowid < ? AND ${where.sql} ORDER BY f.rowid DESC LIMIT ?`,
      [match, ...(cursor ?? [Number.MAX_SAFE_INTEGER]), ...where.params, size],
    );
    const last = rows[rows.length - 1];
    const second = last ? Math.floor(Number(last.k1) / DOCS_PER_SECOND) : 0;
    return {
      hits: toHits(rows),
      // The rest of the last row's second may still come: only later seconds are passed.
      reached: new Date((second + 1) * 1000 - 1).toISOString(),
      next: last && rows.length === size ? [Number(last.k1)] : undefined,
      read: rows.length,
    };
  };
}

const NEWEST: SqlValue[] = ['9999-12-31T23:59:59.999Z', ''];

/** Only sources named, no words: the sources' items by date. */
function itemsByDate(search: Search): Scan {
  const where = itemAndStory(search);
  return async (cursor, size) => {
    const rows = await search.db.all<HitRow>(
      `SELECT i.published_at AS k1, i.id AS k2, i.story_id AS story, s.published_at AS published
        FROM items i JOIN stories s ON s.id = i.story_id
        WHERE (i.published_at, i.id) < (?, ?) AND ${where.sql}
        ORDER BY i.published_at DESC, i.id DESC LIMIT ?`,
      [...(cursor ?? NEWEST), ...where.params, size],
    );
    const last = rows[rows.length - 1];
    return {
      hits: toHits(rows),
      reached: last ? String(last.k1) : '',
      next: last && rows.length === size ? [String(last.k1), String(last.k2)] : undefined,
      read: rows.length,
    };
  };
}

/** Up to this many matches, PostgreSQL collects them all through GIN (cheap) rather than read windows by date. */
const FEW = 2_000;

/**
 * PostgreSQL: the stories of the matches when there are at most FEW matching items (GIN answers this without
 * reading the rest, and a phrase's recheck runs once), else undefined.
 */
async function fewMatches(search: Search): Promise<string[] | undefined> {
  const rows = await search.db.all<{ story: unknown }>(
    `SELECT i.story_id AS story FROM item_search x JOIN items i ON i.id = x.item_id
      WHERE x.document @@ to_tsquery('simple', ?) AND i.matched = 1 AND i.story_id IS NOT NULL${sourceClause(search.sources)}
      LIMIT ${FEW + 1}`,
    [tsQuery(search.terms), ...search.sources],
  );
  if (rows.length > FEW) return undefined;
  return [...new Set(rows.map((row) => String(row.story)))];
}

/**
 * PostgreSQL, a word with few matches: those stories by id, filtered and ordered (a join would let the planner read
 * every story, as it cannot know how few the matches are).
 */
async function fewStories(search: Search, ids: string[], offset: number, need: number): Promise<Row[]> {
  if (ids.length === 0) return [];
  const filters = search.filter.clauses.map((clause) => ` AND ${clause}`).join('');
  return search.db.all(
    `SELECT s.* FROM stories s WHERE s.id IN (${placeholders(ids.length)})${filters}
      ORDER BY ${storyOrder('published')}${pageClause(need - offset, offset)}`,
    [...ids, ...search.filter.params],
  );
}

/**
 * PostgreSQL: GIN has no order, and the planner cannot tell a rare prefix from a common one, so it is not asked to
 * choose: each batch takes the next window of the index by date (a B-tree range, materialised) and tests the words
 * on the window's rows. A word the newest end hardly has makes windows come back nearly empty; after MAX_READ
 * rows the search goes to everyMatch, where GIN finds the few matches directly.
 */
function windowByDate(search: Search): Scan {
  const where = itemAndStory(search);
  const query = tsQuery(search.terms);
  return async (cursor, size) => {
    const rows = await search.db.all<HitRow & { last: unknown; n: unknown }>(
      `WITH w AS MATERIALIZED (
          SELECT item_id, published_at, document FROM item_search WHERE (published_at, item_id) < (?, ?)
          ORDER BY published_at DESC, item_id DESC LIMIT ?),
        e AS (SELECT published_at, item_id, (SELECT count(*) FROM w) AS n FROM w
          ORDER BY published_at, item_id LIMIT 1)
       SELECT 1 AS last, e.published_at AS k1, e.item_id AS k2, NULL AS story, NULL AS published, e.n AS n FROM e
       UNION ALL
       SELECT 0, w.published_at, w.item_id, i.story_id, s.published_at, 0 FROM w
        JOIN items i ON i.id = w.item_id JOIN stories s ON s.id = i.story_id
        WHERE w.document @@ to_tsquery('simple', ?) AND ${where.sql}`,
      [...(cursor ?? NEWEST), size, query, ...where.params],
    );
    const end = rows.find((row) => Number(row.last) === 1);
    const read = Number(end?.n ?? 0);
    return {
      hits: toHits(rows.filter((row) => Number(row.last) === 0)),
      reached: end ? String(end.k1) : '',
      next: end && read === size ? [String(end.k1), String(end.k2)] : undefined,
      read,
    };
  };
}

/**
 * Best match first: matches in rank order (bm25 / ts_rank), in growing batches, until `need` stories that pass the
 * filters are met; a story's place is its best item's, which is where the reading meets it first.
 */
async function bestFirst(search: Search, need: number): Promise<string[]> {
  // The FTS5 query stays alone in its subquery (ORDER BY + LIMIT keep SQLite from flattening it into the join):
  // rank works only where the FTS table is scanned by MATCH.
  const ranked =
    search.db.dialect === 'sqlite'
      ? `SELECT d.item_id AS item, f.score FROM (SELECT rowid AS doc, rank AS score FROM item_search
           WHERE item_search MATCH ? ORDER BY rank LIMIT ?) f JOIN item_search_docs d ON d.doc = f.doc`
      : `SELECT item_id AS item, -ts_rank(document, q) AS score FROM item_search, to_tsquery('simple', ?) q
           WHERE document @@ q ORDER BY ts_rank(document, q) DESC LIMIT ?`;
  const match = search.db.dialect === 'sqlite' ? fts5Query(search.terms) : tsQuery(search.terms);
  for (let size = Math.max(4 * need, 200); ; size *= 4) {
    // Left joins, so that every ranked match is a row (a filtered one has no story): fewer rows than asked means
    // the index has no more matches.
    const rows = await search.db.all<{ story: unknown; score: unknown }>(
      `WITH r AS MATERIALIZED (${ranked})
       SELECT s.id AS story, r.score FROM r
         LEFT JOIN items i ON i.id = r.item AND i.matched = 1${sourceClause(search.sources)}
         LEFT JOIN stories s ON s.id = i.story_id${search.filter.clauses.map((c) => ` AND ${c}`).join('')}
       ORDER BY r.score, s.published_at DESC, s.id`,
      [match, size, ...search.sources, ...search.filter.params],
    );
    const complete = rows.length < size;
    // Matches tied with the last one read may continue past the batch, and a tie is ordered by date: only
    // scores strictly better than the batch's last are settled.
    const edge = Number(rows[rows.length - 1]?.score);
    const found: string[] = [];
    for (const row of rows) {
      if (!complete && Number(row.score) >= edge) break;
      if (row.story === null || row.story === undefined) continue;
      const story = String(row.story);
      if (!found.includes(story)) found.push(story);
      if (found.length >= need) return found;
    }
    if (complete) return found;
  }
}
