// What the feed export needs to know before it queries slice by slice: which topics, countries and languages the
// recent stories carry (one DISTINCT over story_tags). Kept apart from sql-store.ts so the item, classify and lease
// paths there can change without touching it.
import type { IsoDate } from '../core/types.ts';
import type { StoryTags } from './port.ts';
import type { SqlDriver } from './driver.ts';

export async function listStoryTags(db: SqlDriver, updatedSince: IsoDate): Promise<StoryTags> {
  const rows = await db.all<{ kind: unknown; value: unknown }>(
    `SELECT DISTINCT t.kind, t.value FROM story_tags t JOIN stories s ON s.id = t.story_id
      WHERE s.updated_at >= ? ORDER BY t.kind, t.value`,
    [updatedSince],
  );
  const tags: StoryTags = { topics: [], countries: [], languages: [] };
  for (const row of rows) {
    const value = String(row.value);
    if (row.kind === 'topic') tags.topics.push(value);
    else if (row.kind === 'country') tags.countries.push(value);
    else if (row.kind === 'language') tags.languages.push(value);
  }
  return tags;
}
