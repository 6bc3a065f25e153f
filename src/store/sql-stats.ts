// Counts for the site's charts and the store's own age, kept apart from sql-store.ts (item, classify and lease
// paths) and sql-search.ts. Days are UTC calendar days cut from the ISO dates (portable: no date functions), so the
// caller can group them into weeks in any way it likes.
import type { IsoDate } from '../core/types.ts';
import type { SqlDriver } from './driver.ts';
import type { StoryCountQuery, StoryDayCount } from './port.ts';
import { storyFilter } from './sql-search.ts';

export async function countStoriesByDay(db: SqlDriver, query: StoryCountQuery): Promise<StoryDayCount[]> {
  const filter = storyFilter(query);
  const rows = await db.all<{ day: unknown; value: unknown; n: unknown }>(
    `SELECT substr(s.published_at, 1, 10) AS day, t.value AS value, COUNT(*) AS n
      FROM stories s JOIN story_tags t ON t.story_id = s.id AND t.kind = ?
      WHERE s.published_at >= ?${filter.clauses.map((clause) => ` AND ${clause}`).join('')}
      GROUP BY substr(s.published_at, 1, 10), t.value ORDER BY day, value`,
    [query.kind, query.since, ...filter.params],
  );
  return rows.map((row) => ({ day: String(row.day), value: String(row.value), count: Number(row.n) }));
}

/** When the database was made: its first migration. Stable for its whole life, unlike any clock reading. */
export async function storeCreatedAt(db: SqlDriver): Promise<IsoDate> {
  const row = await db.get<{ at: unknown }>('SELECT MIN(applied_at) AS at FROM schema_migrations');
  return typeof row?.at === 'string' ? row.at : new Date(0).toISOString();
}
