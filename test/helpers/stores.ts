// Real databases for tests: a fresh SQLite file in a temp folder always, and a fresh PostgreSQL database when
// TIPWIRE_TEST_DATABASE_URL names a server (.ci/run starts one and sets it). Each open() gives an empty store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/index.ts';

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
  /** A fresh, empty database's URL (for child processes that open it themselves). */
  newUrl(): Promise<string>;
  /** Removes every database and file this kind made. */
  cleanup(): Promise<void>;
}

export function sqliteKind(): StoreKind {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async newUrl() {
      const dir = mkdtempSync(join(tmpdir(), 'tipwire-store-'));
      dirs.push(dir);
      return `sqlite:${join(dir, 'test.db')}`;
    },
    async open() {
      return openStore(await this.newUrl());
    },
    async cleanup() {
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function postgresKind(adminUrl: string): StoreKind {
  const made: string[] = [];
  const admin = async <T>(fn: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.end();
    }
  };
  return {
    name: 'postgres',
    async newUrl() {
      const name = `tipwire_test_${process.pid}_${Date.now()}_${made.length}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      made.push(name);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      return url.toString();
    },
    async open() {
      return openStore(await this.newUrl());
    },
    async cleanup() {
      for (const name of made.splice(0)) {
        await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    },
  };
}

/** SQLite always; PostgreSQL too when the environment names a server. */
export function storeKinds(): StoreKind[] {
  const url = process.env.TIPWIRE_TEST_DATABASE_URL;
  return url ? [sqliteKind(), postgresKind(url)] : [sqliteKind()];
}
