// Opens the store a URL names, once, in the composition root: `sqlite:PATH` (default `sqlite:data/tipwire.db`),
// `sqlite::memory:`, or `postgres://…` / `postgresql://…`.
import { isAbsolute, resolve } from 'node:path';
import { TipwireError } from '../core/errors.ts';
import { openPostgres, openSqlite } from './driver.ts';
import { SqlStore } from './sql-store.ts';

import type { Store } from './port.ts';

export type { Store };
export { SqlStore } from './sql-store.ts';

export async function openStore(url: string, options: { baseDir?: string } = {}): Promise<Store> {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return SqlStore.open(openPostgres(url));
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    const file =
      path === ':memory:' || isAbsolute(path) ? path : resolve(options.baseDir ?? process.cwd(), path);
    return SqlStore.open(openSqlite(file));
  }
  throw new TipwireError(
    'CONFIG_INVALID',
    `store: database URL "${url}" is neither sqlite:PATH nor postgres://…`,
  );
}
