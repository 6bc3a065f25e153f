// The schema of full-text search (see sql-search.ts for what it is for): one migration per dialect, written from the
// folding table so that indexed text and queries agree. Released migrations are never edited: changing the folding
// or the index means a new migration that rebuilds it (as 6 rebuilt 5's).
import type { SqlDriver } from './driver.ts';
import { APOSTROPHES, DOCS_PER_SECOND, LATIN, LETTERS } from './sql-search.ts';

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

const SQLITE_FOLD = (prefix: string): string =>
  `${sqliteFold(`${prefix}.title`)}, ${sqliteFold(`${prefix}.summary`)}, ${sqliteFold(`${prefix}.source_id`)}`;

/** Migration 5's story dates (superseded by migration 6's). */
const STORY_DATES_5 = `
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
  UPDATE stories SET ${STORY_DATES_5};
  CREATE INDEX stories_published ON stories (published_at);`;

/** Migration 5, as released: the index and the story dates. Never edit; migration 6 rebuilds the index. */
export const searchMigration5 = {
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

/**
 * A story's first publication: the earliest publication date of its items (an undated item counts with its fetch
 * time, which is when it was known to be out); published_guessed = 1 when that earliest date is a fetch time. Being
 * the minimum over every item is what lets search stop early (sql-search.ts): no item of a story is older than it.
 */
const STORY_DATES = `
  published_at = COALESCE(
    (SELECT MIN(i.published_at) FROM items i WHERE i.story_id = stories.id AND i.matched = 1), first_seen_at),
  published_guessed = CASE WHEN EXISTS (
    SELECT 1 FROM items i WHERE i.story_id = stories.id AND i.matched = 1 AND i.date_guessed = 0
      AND i.published_at = (SELECT MIN(j.published_at) FROM items j WHERE j.story_id = stories.id AND j.matched = 1)
    ) THEN 0 ELSE 1 END`;

/** Sets published_at and published_guessed of the given stories from their items (after saveStories). */
export async function refreshStoryDates(db: SqlDriver, storyIds: string[]): Promise<void> {
  for (const id of storyIds) await db.run(`UPDATE stories SET ${STORY_DATES} WHERE id = ?`, [id]);
}

/** The next free doc number in the item's second of publication (SQLite has one writer: no race). */
const nextDoc = (item: string): string => `(SELECT COALESCE(MAX(d.doc) + 1, b.base)
  FROM (SELECT COALESCE(CAST(strftime('%s', ${item}.published_at) AS INTEGER), 0) * ${DOCS_PER_SECOND} AS base) b
  LEFT JOIN item_search_docs d ON d.doc >= b.base AND d.doc < b.base + ${DOCS_PER_SECOND})`;

/**
 * Migration 6: the index in publication order, so "newest first" reads matches from the newest end and stops as
 * soon as a page is full, instead of collecting every match of a common word (SQLite: FTS5 rowids numbered by
 * publication second; PostgreSQL: the item's publication date beside its document, with a B-tree index).
 */
export const searchMigration6 = {
  sqlite: `
    DROP TRIGGER items_search_insert;
    DROP TRIGGER items_search_update;
    DROP TRIGGER items_search_delete;
    DROP TABLE item_search;
    DROP TABLE item_search_docs;
    UPDATE stories SET ${STORY_DATES};
    CREATE TABLE item_search_docs (doc INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE);
    CREATE VIRTUAL TABLE item_search USING fts5 (
      title, summary, source, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2'
    );
    INSERT INTO item_search (item_search, rank) VALUES ('rank', 'bm25(4.0, 2.0, 1.0)');
    CREATE TRIGGER items_search_insert AFTER INSERT ON items WHEN new.matched = 1 BEGIN
      INSERT OR IGNORE INTO item_search_docs (doc, item_id) VALUES (${nextDoc('new')}, new.id);
      INSERT INTO item_search (rowid, title, summary, source)
        SELECT doc, ${SQLITE_FOLD('new')} FROM item_search_docs WHERE item_id = new.id;
    END;
    CREATE TRIGGER items_search_update AFTER UPDATE OF title, summary, matched ON items
      WHEN (old.matched = 1 OR new.matched = 1) AND (old.matched IS NOT new.matched
        OR old.title IS NOT new.title OR old.summary IS NOT new.summary) BEGIN
      DELETE FROM item_search WHERE rowid = (SELECT doc FROM item_search_docs WHERE item_id = old.id);
      DELETE FROM item_search_docs WHERE item_id = old.id AND new.matched IS NOT 1;
      INSERT OR IGNORE INTO item_search_docs (doc, item_id) SELECT ${nextDoc('new')}, new.id WHERE new.matched = 1;
      INSERT INTO item_search (rowid, title, summary, source)
        SELECT doc, ${SQLITE_FOLD('new')} FROM item_search_docs WHERE item_id = new.id AND new.matched = 1;
    END;
    CREATE TRIGGER items_search_delete AFTER DELETE ON items WHEN old.matched = 1 BEGIN
      DELETE FROM item_search WHERE rowid = (SELECT doc FROM item_search_docs WHERE item_id = old.id);
      DELETE FROM item_search_docs WHERE item_id = old.id;
    END;
    INSERT INTO item_search_docs (doc, item_id)
      SELECT second * ${DOCS_PER_SECOND} + ROW_NUMBER() OVER (PARTITION BY second ORDER BY id) - 1, id
      FROM (SELECT id, COALESCE(CAST(strftime('%s', published_at) AS INTEGER), 0) AS second
            FROM items WHERE matched = 1);
    INSERT INTO item_search (rowid, title, summary, source)
      SELECT d.doc, ${SQLITE_FOLD('i')} FROM item_search_docs d JOIN items i ON i.id = d.item_id;`,
  postgres: `
    UPDATE stories SET ${STORY_DATES};
    ALTER TABLE item_search ADD COLUMN published_at TEXT;
    UPDATE item_search x SET published_at = i.published_at FROM items i WHERE i.id = x.item_id;
    ALTER TABLE item_search ALTER COLUMN published_at SET NOT NULL;
    CREATE INDEX item_search_published ON item_search (published_at, item_id);
    CREATE OR REPLACE FUNCTION tipwire_item_search_sync() RETURNS trigger LANGUAGE plpgsql AS $sync$
    BEGIN
      IF TG_OP = 'DELETE' OR NEW.matched IS DISTINCT FROM 1 THEN
        DELETE FROM item_search WHERE item_id = OLD.id;
      ELSE
        INSERT INTO item_search (item_id, published_at, document)
          VALUES (NEW.id, NEW.published_at, tipwire_search_document(NEW.title, NEW.summary, NEW.source_id))
          ON CONFLICT (item_id) DO UPDATE SET document = excluded.document, published_at = excluded.published_at;
      END IF;
      RETURN NULL;
    END $sync$;`,
};
