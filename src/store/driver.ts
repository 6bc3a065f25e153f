// The SQL the store speaks is the common subset of SQLite (>= 3.35) and PostgreSQL: TEXT ids and ISO dates,
// INTEGER flags, JSON kept as TEXT, `INSERT … ON CONFLICT`, `RETURNING`, partial unique indexes. Statements use `?`
// placeholders; the PostgreSQL driver numbers them. Two small drivers then run one store implementation, so the two
// databases cannot drift apart in behaviour.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlDriver {
  readonly dialect: 'sqlite' | 'postgres';
  all<T = Row>(sql: string, params?: SqlValue[]): Promise<T[]>;
  get<T = Row>(sql: string, params?: SqlValue[]): Promise<T | undefined>;
  run(sql: string, params?: SqlValue[]): Promise<{ changes: number }>;
  /** Several statements separated by semicolons, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Runs fn in one transaction: all of it commits or none. Nested calls join the outer transaction. */
  transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T>;
  /**
   * Runs fn while holding a named lock (not a transaction): PostgreSQL takes a session advisory lock that every
   * process on the database respects and that dies with the connection; SQLite queues callers of this process.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** better-sqlite3 is synchronous; the async surface keeps one interface with pg. */
export function openSqlite(file: string): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  // A checkpoint every ~40 MB of WAL instead of every 4 MB: a poll writes the same index pages over and over, and
  // each checkpoint copies them to the database file and syncs it (measured: commit time about halved).
  db.pragma('wal_autocheckpoint = 10000');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string): Database.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
  // Other async callers must not slip statements into an open transaction between its awaits: every operation
  // outside a transaction queues behind the lock that a transaction holds for its whole length.
  let tail: Promise<void> = Promise.resolve();
  const lock = (): Promise<() => void> => {
    let release!: () => void;
    const next = new Promise<void>((resolve) => (release = resolve));
    const previous = tail;
    tail = previous.then(() => next);
    return previous.then(() => release);
  };
  const locked = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = await lock();
    try {
      return await fn();
    } finally {
      release();
    }
  };

  const direct: Omit<SqlDriver, 'transaction' | 'withLock' | 'close'> = {
    dialect: 'sqlite',
    async all<T>(sql: string, params: SqlValue[] = []) {
      return prepare(sql).all(...params) as T[];
    },
    async get<T>(sql: string, params: SqlValue[] = []) {
      return prepare(sql).get(...params) as T | undefined;
    },
    async run(sql: string, params: SqlValue[] = []) {
      return { changes: prepare(sql).run(...params).changes };
    },
    async exec(sql: string) {
      db.exec(sql);
    },
  };

  const named = new Map<string, Promise<unknown>>();
  const withLock = <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const previous = named.get(name) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    named.set(
      name,
      run.catch(() => undefined),
    );
    return run;
  };

  const inTransaction: SqlDriver = {
    ...direct,
    transaction: (fn) => fn(inTransaction),
    withLock: (_name, fn) => fn(),
    close: async () => undefined,
  };

  const driver: SqlDriver = {
    dialect: 'sqlite',
    all: (sql, params) => locked(() => direct.all(sql, params)),
    get: (sql, params) => locked(() => direct.get(sql, params)),
    run: (sql, params) => locked(() => direct.run(sql, params)),
    exec: (sql) => locked(() => direct.exec(sql)),
    transaction: (fn) =>
      locked(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(inTransaction);
          db.exec('COMMIT');
          return result;
        } catch (err) {
          if (db.inTransaction) db.exec('ROLLBACK');
          throw err;
        }
      }),
    withLock,
    close: () => locked(async () => void db.close()),
  };
  return driver;
}

/** `?` → `$1, $2…` (our SQL never has a literal question mark). */
function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

export function openPostgres(url: string): SqlDriver {
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  // Keep TEXT as it is and BIGINT counts as numbers (our counts are small).
  pg.types.setTypeParser(20, (value) => Number(value));

  const over = (client: pg.Pool | pg.PoolClient): Omit<SqlDriver, 'transaction' | 'withLock' | 'close'> => ({
    dialect: 'postgres',
    async all<T>(sql: string, params: SqlValue[] = []) {
      return (await client.query(numberPlaceholders(sql), params)).rows as T[];
    },
    async get<T>(sql: string, params: SqlValue[] = []) {
      return (await client.query(numberPlaceholders(sql), params)).rows[0] as T | undefined;
    },
    async run(sql: string, params: SqlValue[] = []) {
      return { changes: (await client.query(numberPlaceholders(sql), params)).rowCount ?? 0 };
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });

  return {
    ...over(pool),
    async transaction<T>(fn: (tx: SqlDriver) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      const tx: SqlDriver = {
        ...over(client),
        transaction: (inner) => inner(tx),
        withLock: (_name, inner) => inner(),
        close: async () => undefined,
      };
      try {
        await client.query('BEGIN');
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
      // A connection of its own holds the lock while fn works through the pool.
      const client = await pool.connect();
      try {
        await client.query('SELECT pg_advisory_lock(7391, hashtext($1))', [name]);
        try {
          return await fn();
        } finally {
          await client.query('SELECT pg_advisory_unlock(7391, hashtext($1))', [name]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}
