// Append-only schema history. A migration, once released, is never edited: add a new one. Each runs in its own
// transaction and is recorded in schema_migrations; on PostgreSQL an advisory lock keeps two workers starting at
// once from both running it. The SQL is the common subset of both dialects (see driver.ts).
import type { SqlDriver } from './driver.ts';
import { searchMigration5, searchMigration6 } from './sql-search-schema.ts';

export interface Migration {
  id: number;
  name: string;
  /** One SQL for both dialects, or one per dialect where they differ (full-text search). */
  sql: string | { sqlite: string; postgres: string };
  /** Data the SQL cannot move portably (JSON inside TEXT), run in the same transaction after it. */
  after?: (db: SqlDriver) => Promise<void>;
}

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'sources, items, stories',
    sql: `
      CREATE TABLE source_state (
        source_id   TEXT PRIMARY KEY,
        state       TEXT NOT NULL,
        lease_owner TEXT,
        lease_until TEXT
      );

      CREATE TABLE items (
        id             TEXT PRIMARY KEY,
        source_id      TEXT NOT NULL,
        url            TEXT,
        link           TEXT,
        guid           TEXT,
        title          TEXT NOT NULL,
        summary        TEXT NOT NULL,
        content_html   TEXT,
        author         TEXT,
        categories     TEXT NOT NULL,
        published_at   TEXT NOT NULL,
        updated_at     TEXT,
        date_guessed   INTEGER NOT NULL,
        language       TEXT,
        country        TEXT,
        fetched_at     TEXT NOT NULL,
        changed_at     TEXT NOT NULL,
        content_hash   TEXT NOT NULL,
        classification TEXT,
        rules_version  TEXT,
        matched        INTEGER,
        story_id       TEXT
      );
      -- The identity chain: canonical URL, else GUID within its source, else the id (hash of title and date).
      CREATE UNIQUE INDEX items_url ON items (url) WHERE url IS NOT NULL;
      CREATE UNIQUE INDEX items_source_guid ON items (source_id, guid) WHERE guid IS NOT NULL;
      CREATE INDEX items_published ON items (published_at);
      CREATE INDEX items_fetched ON items (fetched_at);
      CREATE INDEX items_story ON items (story_id);
      CREATE INDEX items_source ON items (source_id, published_at);

      CREATE TABLE stories (
        id                     TEXT PRIMARY KEY,
        representative_item_id TEXT NOT NULL,
        topics                 TEXT NOT NULL,
        countries              TEXT NOT NULL,
        languages              TEXT NOT NULL,
        first_seen_at          TEXT NOT NULL,
        updated_at             TEXT NOT NULL,
        follows_story_id       TEXT
      );
      CREATE INDEX stories_first_seen ON stories (first_seen_at);
      CREATE INDEX stories_updated ON stories (updated_at);

      -- Topics, countries and languages of a story as rows, so both dialects filter them with plain SQL.
      CREATE TABLE story_tags (
        story_id TEXT NOT NULL,
        kind     TEXT NOT NULL,
        value    TEXT NOT NULL,
        PRIMARY KEY (story_id, kind, value)
      );
      CREATE INDEX story_tags_value ON story_tags (kind, value);
    `,
  },
  {
    id: 2,
    name: 'subscribers, digest outbox',
    sql: `
      CREATE TABLE subscribers (
        id                TEXT PRIMARY KEY,
        email             TEXT NOT NULL,
        email_key         TEXT NOT NULL,
        name              TEXT,
        locale            TEXT NOT NULL,
        time_zone         TEXT NOT NULL,
        topics            TEXT NOT NULL,
        countries         TEXT NOT NULL,
        languages         TEXT NOT NULL,
        frequency         TEXT NOT NULL,
        status            TEXT NOT NULL,
        created_at        TEXT NOT NULL,
        confirmed_at      TEXT,
        status_changed_at TEXT,
        hard_bounces      INTEGER NOT NULL,
        cutoff            TEXT
      );
      CREATE UNIQUE INDEX subscribers_email ON subscribers (email_key);
      CREATE INDEX subscribers_status ON subscribers (status);

      -- One row per (subscriber, period): the ledger that makes a digest run resumable after a crash.
      CREATE TABLE digest_outbox (
        subscriber_id   TEXT NOT NULL,
        period          TEXT NOT NULL,
        state           TEXT NOT NULL,
        window_start    TEXT,
        window_end      TEXT NOT NULL,
        message_id      TEXT NOT NULL,
        attempts        INTEGER NOT NULL,
        next_attempt_at TEXT,
        lease_until     TEXT,
        last_error      TEXT,
        story_count     INTEGER,
        created_at      TEXT NOT NULL,
        updated_at      TEXT NOT NULL,
        sent_at         TEXT,
        PRIMARY KEY (subscriber_id, period)
      );
      CREATE INDEX digest_outbox_due ON digest_outbox (state, next_attempt_at);
      -- At most one unfinished digest per subscriber, so two windows never overlap (no story twice).
      CREATE UNIQUE INDEX digest_outbox_open ON digest_outbox (subscriber_id) WHERE state IN ('pending', 'sending');
    `,
  },
  {
    id: 3,
    name: 'confirmation mails per address',
    sql: `
      -- How many confirmation mails an address got and when the last one went, so the sign-up form cannot be used
      -- to flood a mailbox (jobs/subscribers.ts: one now, the next after an hour, then doubling).
      CREATE TABLE confirm_mail (
        subscriber_id TEXT PRIMARY KEY,
        sends         INTEGER NOT NULL,
        last_sent_at  TEXT NOT NULL
      );
    `,
  },
  {
    id: 4,
    name: 'poll queue: due column, catch-up and clustering queues, leaner item indexes',
    sql: `
      -- A source's next poll time as a column (it is also in the state JSON), so that claiming a source can test
      -- "due" in the same atomic UPDATE that takes the lease: two workers never poll one source twice in a cycle.
      ALTER TABLE source_state ADD COLUMN next_poll_at TEXT;
      -- Catch-up after a rule edit reads "not classified under rules version V" as three index ranges (NULL, < V,
      -- > V), never the rows already done, so each batch costs its own rows and the whole pass is linear.
      CREATE INDEX items_rules_version ON items (rules_version, fetched_at);
      -- Matched items waiting for a story (the clustering queue), and the clustering window's matched items.
      CREATE INDEX items_unclustered ON items (matched, story_id) WHERE matched = 1 AND story_id IS NULL;
      CREATE INDEX items_matched_published ON items (published_at) WHERE matched = 1;
      -- Pruning reads only unmatched items, however many matched ones the years have kept.
      CREATE INDEX items_unmatched_fetched ON items (fetched_at) WHERE matched = 0;
      -- Replaced by the partial indexes above; every insert paid for them, and the planner chose them for the
      -- queues above, scanning the whole window. Story membership is indexed only for rows that have a story.
      DROP INDEX items_fetched;
      DROP INDEX items_published;
      DROP INDEX items_story;
      CREATE INDEX items_story ON items (story_id) WHERE story_id IS NOT NULL;
    `,
    async after(db) {
      const rows = await db.all<{ source_id: string; state: string }>(
        'SELECT source_id, state FROM source_state',
      );
      for (const row of rows) {
        const next = (JSON.parse(row.state) as { nextPollAt?: string }).nextPollAt;
        if (next)
          await db.run('UPDATE source_state SET next_poll_at = ? WHERE source_id = ?', [next, row.source_id]);
      }
    },
  },
  {
    id: 5,
    name: "full-text search; stories' first publication",
    sql: searchMigration5,
  },
  {
    id: 6,
    name: 'search index in publication order',
    sql: searchMigration6,
  },
  // 6 is the search index in publication order (site).
  {
    id: 7,
    name: 'health events and job runs',
    sql: `
      -- What the status page, /status.atom and the weekly operator report tell: sources failing, recovering, going
      -- stale or moving, config edits rejected (sql-health.ts). The id is a hash of what happened, so two workers
      -- recording the same transition store one event.
      CREATE TABLE health_events (
        id        TEXT PRIMARY KEY,
        at        TEXT NOT NULL,
        kind      TEXT NOT NULL,
        source_id TEXT,
        title     TEXT NOT NULL,
        detail    TEXT NOT NULL
      );
      CREATE INDEX health_events_at ON health_events (at);

      -- Every run of a job with its duration and a one-line summary.
      CREATE TABLE job_runs (
        id         TEXT PRIMARY KEY,
        job        TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ms         INTEGER NOT NULL,
        outcome    TEXT NOT NULL,
        summary    TEXT NOT NULL
      );
      CREATE INDEX job_runs_started ON job_runs (started_at);
    `,
  },
  {
    id: 8,
    name: "subscribers' own send day and hour",
    sql: `
      -- The weekday (1 = Monday … 7) and hour a subscriber chose for their digest, in their zone; NULL keeps
      -- digest.schedule's (subscribers from before this migration, and operators' imports without them).
      ALTER TABLE subscribers ADD COLUMN send_day INTEGER;
      ALTER TABLE subscribers ADD COLUMN send_hour INTEGER;
    `,
  },
];

export async function migrate(db: SqlDriver, list: Migration[] = migrations): Promise<number> {
  await db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  let applied = 0;
  for (const migration of [...list].sort((a, b) => a.id - b.id)) {
    const done = await db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.exec('SELECT pg_advisory_xact_lock(7391)');
      const seen = await tx.get('SELECT id FROM schema_migrations WHERE id = ?', [migration.id]);
      if (seen) return false;
      await tx.exec(typeof migration.sql === 'string' ? migration.sql : migration.sql[tx.dialect]);
      await migration.after?.(tx);
      await tx.run('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)', [
        migration.id,
        migration.name,
        new Date().toISOString(),
      ]);
      return true;
    });
    if (done) applied += 1;
  }
  return applied;
}
