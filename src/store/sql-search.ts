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
const APOSTROPHES = "'ʻʼ‘’`´ʹ";

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

const LATIN = latinBases();

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

const LETTERS = letterTable();

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

/** SQLite: nested replace() over the letters FTS5's unicode61 tokenizer does not fold (it folds case and Latin). */
function sqliteFold(column: string): string {
  let expr = column;
  for (const [from, to] of LETTERS) {
    if (LATIN.has(from)) continue; // remove_diacritics 2 does these
    expr = `replace(${expr}, '${from}', '${to}')`;
  }
  for (const char of APOSTROPHES) expr = `replace(${expr}, '${char === "'" ? "''" : char}', '')`;
  return expr;
}

/**
 * PostgreSQL: one translate() over every letter (lower() alone depends on the database's locale, which may be "C"),
 * with separators that its parser would keep inside a token (host names, e-mail, 1.5, kun-uz) made spaces, so that
 * both dialects split words where the query side does.
 */
function postgresFold(): { from: string; to: string } {
  let from = '';
  let to = '';
  const add = (a: string, b: string): void => {
    from += a;
    to += b;
  };
  for (const [a, b] of LETTERS) add(a, b);
  for (let code = 0x410; code <= 0x42f; code += 1) {
    const upper = String.fromCodePoint(code);
    if (!LETTERS.has(upper)) add(upper, upper.toLowerCase());
  }
  for (const separator of './@_-:+') add(separator, ' ');
  from += APOSTROPHES; // longer than `to`: translate() deletes them
  return { from, to };
}

const sqlString = (text: string): string => `'${text.replace(/'/g, "''")}'`;

// --- migration -----------------------------------------------------------------------------------------------------

const SQLITE_FOLD = (prefix: string): string =>
  `${sqliteFold(`${prefix}.title`)}, ${sqliteFold(`${prefix}.summary`)}, ${sqliteFold(`${prefix}.source_id`)}`;

/** When a story's first publication is unknown (every item dated by its fetch), the earliest fetch, flagged. */
const STORY_DATES = `
  published_at = COALESCE(
    (SELECT MIN(i.published_at) FROM items i WHERE i.story_id = stories.id AND i.matched = 1 AND i.date_guessed = 0),
    (SELECT MIN(i.fetched_at) FROM items i WHERE i.story_id = stories.id AND i.matched = 1),
    first_seen_at),
  published_guessed = CASE WHEN EXISTS (
    SELECT 1 FROM items i WHERE i.story_id = stories.id AND i.matched = 1 AND i.date_guessed = 0) THEN 0 ELSE 1 END`;

const STORY_DATE_COLUMNS = `
  -- A story's first publication (the earliest dated item), so pages list stories in the order they happened, not
  -- in the order a batch poll found them; published_guessed = 1 when no item had a date and the fetch time stands in.
  ALTER TABLE stories ADD COLUMN published_at TEXT;
  ALTER TABLE stories ADD COLUMN published_guessed INTEGER;
  UPDATE stories SET ${STORY_DATES};
  CREATE INDEX stories_published ON stories (published_at);`;

export const searchMigrationSql = {
  sqlite: `${STORY_DATE_COLUMNS}
    -- FTS5 rowids are integers and items have text ids: item_search_docs numbers the indexed items. (items' own
    -- rowid is not stable: VACUUM may renumber a table without an INTEGER PRIMARY KEY.) The index is contentless:
    -- the text lives in items once, the index holds only the folded words.
    CREATE TABLE item_search_docs (doc INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE);
    CREATE VIRTUAL TABLE item_search USING fts5 (
      title, summary, source, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    -- bm25 for "best match first": the title counts most, then the summary, then the source.
    INSERT INTO item_search (item_search, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0)');
    CREATE TRIGGER items_search_insert AFTER INSERT ON items WHEN new.matched = 1 BEGIN
      INSERT OR IGNORE INTO item_search_docs (item_id) VALUES (new.id);
      INSERT INTO item_search (rowid, title, summary, source)
        SELECT doc, ${SQLITE_FOLD('new')} FROM item_search_docs WHERE item_id = new.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE OF title, summary, matched ON items
      WHEN (old.matched = 1 OR new.matched = 1) AND (old.matched IS NOT new.matched
        OR old.title IS NOT new.title OR old.summary IS NOT new.summary) BEGIN
      DELETE FROM item_search WHERE rowid = (SELECT doc FROM item_search_docs WHERE item_id = old.id);
      DELETE FROM item_search_docs WHERE item_id = old.id AND new.matched IS NOT 1;
      INSERT OR IGNORE INTO item_search_docs (item_id) SELECT new.id WHERE new.matched = 1;
      INSERT INTO item_search (rowid, title, summary, source)
        SELECT doc, ${SQLITE_FOLD('new')} FROM item_search_docs WHERE item_id = new.id AND new.matched = 1;
    END;
    CREATE TRIGGER items_search_delete AFTER DELETE ON items WHEN old.matched = 1 BEGIN
      DELETE FROM item_search WHERE rowid = (SELECT doc FROM item_search_docs WHERE item_id = old.id);
      DELETE FROM item_search_docs WHERE item_id = old.id;
    END;
    INSERT INTO item_search_docs (item_id) SELECT id FROM items WHERE matched = 1;
    INSERT INTO item_search (rowid, title, summary, source)
      SELECT d.doc, ${SQLITE_FOLD('i')} FROM item_search_docs d JOIN items i ON i.id = d.item_id;`,
  postgres: (() => {
    const { from, to } = postgresFold();
    return `${STORY_DATE_COLUMNS}
    CREATE FUNCTION tipwire_search_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
      AS $fold$ SELECT lower(translate(coalesce(t, ''), ${sqlString(from)}, ${sqlString(to)})) $fold$;
    -- Title weighs most, then summary, then the source (ts_rank reads the weights for "relevance").
    CREATE FUNCTION tipwire_search_document(title text, summary text, source text) RETURNS tsvector
      LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $doc$
      SELECT setweight(to_tsvector('simple', tipwire_search_fold(title)), 'A')
          || setweight(to_tsvector('simple', tipwire_search_fold(summary)), 'B')
          || setweight(to_tsvector('simple', tipwire_search_fold(source)), 'C') $doc$;
    CREATE TABLE item_search (item_id TEXT PRIMARY KEY, document tsvector NOT NULL);
    CREATE INDEX item_search_document ON item_search USING GIN (document);
    CREATE FUNCTION tipwire_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $sync$
    BEGIN
      IF TG_OP = 'DELETE' OR NEW.matched IS DISTINCT FROM 1 THEN
        DELETE FROM item_search WHERE item_id = OLD.id;
      ELSE
        INSERT INTO item_search (item_id, document)
          VALUES (NEW.id, tipwire_search_document(NEW.title, NEW.summary, NEW.source_id))
          ON CONFLICT (item_id) DO UPDATE SET document = excluded.document;
      END IF;
      RETURN NULL;
    END $sync$;
    CREATE TRIGGER items_search_insert AFTER INSERT ON items FOR EACH ROW WHEN (NEW.matched = 1)
      EXECUTE FUNCTION tipwire_item_search_sync();
    CREATE TRIGGER items_search_update AFTER UPDATE OF title, summary, matched ON items FOR EACH ROW
      WHEN ((OLD.matched = 1 OR NEW.matched = 1) AND (OLD.matched IS DISTINCT FROM NEW.matched
        OR OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary))
      EXECUTE FUNCTION tipwire_item_search_sync();
    CREATE TRIGGER items_search_delete AFTER DELETE ON items FOR EACH ROW WHEN (OLD.matched = 1)
      EXECUTE FUNCTION tipwire_item_search_sync();
    INSERT INTO item_search (item_id, document)
      SELECT id, tipwire_search_document(title, summary, source_id) FROM items WHERE matched = 1;`;
  })(),
};

/** Sets published_at and published_guessed of the given stories from their items (after saveStories). */
export async function refreshStoryDates(db: SqlDriver, storyIds: string[]): Promise<void> {
  for (const id of storyIds) await db.run(`UPDATE stories SET ${STORY_DATES} WHERE id = ?`, [id]);
}

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
 * The stories whose items match the query, with the filters, newest first by first publication (or by relevance).
 * Returns the story rows; the caller loads their items. No words and no sources: no results (not "everything").
 */
export async function searchStoryRows(db: SqlDriver, query: SearchQuery): Promise<Row[]> {
  const terms = parseSearchText(query.text);
  const sources = query.sourceIds ?? [];
  if (terms.terms.length === 0 && sources.length === 0) return [];
  const hitWhere: string[] = ['i.matched = 1', 'i.story_id IS NOT NULL'];
  const hitParams: SqlValue[] = [];
  if (sources.length > 0) {
    hitWhere.push(`i.source_id IN (${placeholders(sources.length)})`);
    hitParams.push(...sources);
  }
  let hits: string;
  if (terms.terms.length === 0) {
    hits = `SELECT i.story_id AS id, 0 AS score FROM items i WHERE ${hitWhere.join(' AND ')} GROUP BY i.story_id`;
  } else if (db.dialect === 'sqlite') {
    // `rank` is bm25 (smaller is better) with the column weights the migration configured.
    hits = `SELECT i.story_id AS id, MIN(f.rank) AS score
      FROM item_search f JOIN item_search_docs d ON d.doc = f.rowid JOIN items i ON i.id = d.item_id
      WHERE item_search MATCH ? AND
      ${hitWhere.join(' AND ')} GROUP BY i.story_id`;
    hitParams.unshift(fts5Query(terms));
  } else {
    hits = `SELECT i.story_id AS id, -MAX(ts_rank(x.document, q.query)) AS score
      FROM (SELECT to_tsquery('simple', ?) AS query) q
      JOIN item_search x ON x.document @@ q.query JOIN items i ON i.id = x.item_id
      WHERE ${hitWhere.join(' AND ')} GROUP BY i.story_id`;
    hitParams.unshift(tsQuery(terms));
  }
  const filter = storyFilter(query);
  const where = filter.clauses.length ? `WHERE ${filter.clauses.join(' AND ')}` : '';
  const order = query.order === 'relevance' ? 'h.score, s.published_at DESC, s.id' : storyOrder('published');
  return db.all(
    `WITH hits AS (${hits}) SELECT s.* FROM stories s JOIN hits h ON h.id = s.id ${where}
      ORDER BY ${order}${pageClause(query.limit, query.offset)}`,
    [...hitParams, ...filter.params],
  );
}
