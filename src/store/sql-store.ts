// The one Store implementation, over either SQL driver. Identity is enforced by the unique indexes of migration 1;
// upserts look an item up by URL, then by (source, GUID), inside one transaction, and insert with ON CONFLICT DO
// NOTHING so a concurrent worker that inserted the same item first turns our insert into an update, not an error.
import { createHash } from 'node:crypto';
import type { Classification, ClassifiedItem, Item, SourceState, Story, StoryView } from '../core/types.ts';
import { TipwireError } from '../core/errors.ts';
import type { Row, SqlDriver, SqlValue } from './driver.ts';
import { migrate } from './migrations.ts';
import { SqlDigestStore } from './sql-digest.ts';
import { listStoryTags } from './sql-slices.ts';
import { refreshStoryDates, searchStoryRows, storyFilter, storyOrder } from './sql-search.ts';
import type {
  ItemQuery,
  SearchQuery,
  Store,
  StoryAssignment,
  StoryQuery,
  StoryTags,
  UpsertResult,
} from './port.ts';

/** What makes two versions of an item "the same": an edited headline or text is a change; a new fetch time is not. */
function contentHash(item: Item): string {
  const material = [
    item.title,
    item.summary,
    item.contentHtml ?? '',
    item.link ?? '',
    item.author ?? '',
    item.updatedAt ?? '',
  ];
  return createHash('sha256').update(material.join('\u0000')).digest('base64url').slice(0, 22);
}

const json = (value: unknown): string => JSON.stringify(value);
const parseJson = <T>(text: unknown, fallback: T): T =>
  typeof text === 'string' ? (JSON.parse(text) as T) : fallback;
const opt = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);

function rowToItem(row: Row): ClassifiedItem {
  return {
    id: String(row.id),
    sourceId: String(row.source_id),
    url: opt(row.url),
    link: opt(row.link),
    guid: opt(row.guid),
    title: String(row.title),
    summary: String(row.summary),
    contentHtml: opt(row.content_html),
    author: opt(row.author),
    categories: parseJson<string[]>(row.categories, []),
    publishedAt: String(row.published_at),
    updatedAt: opt(row.updated_at),
    dateGuessed: Number(row.date_guessed) === 1,
    language: opt(row.language),
    country: opt(row.country),
    fetchedAt: String(row.fetched_at),
    classification: parseJson<Classification | undefined>(row.classification, undefined),
    storyId: opt(row.story_id),
  };
}

function rowToStory(row: Row): Story {
  return {
    id: String(row.id),
    representativeItemId: String(row.representative_item_id),
    topics: parseJson<string[]>(row.topics, []),
    countries: parseJson<string[]>(row.countries, []),
    languages: parseJson<string[]>(row.languages, []),
    firstSeenAt: String(row.first_seen_at),
    updatedAt: String(row.updated_at),
    publishedAt: opt(row.published_at) ?? String(row.first_seen_at),
    publishedGuessed: Number(row.published_guessed) === 1,
    followsStoryId: opt(row.follows_story_id),
  };
}

/** WHERE clauses and their parameters, built side by side so they cannot get out of step. */
class Where {
  readonly clauses: string[] = [];
  readonly params: SqlValue[] = [];

  add(clause: string, ...params: SqlValue[]): void {
    this.clauses.push(clause);
    this.params.push(...params);
  }
}

const placeholders = (n: number): string => Array.from({ length: n }, () => '?').join(', ');

/** Large IN lists are cut into chunks: SQLite allows 32,766 parameters, PostgreSQL 65,535. */
function chunks<T>(values: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export class SqlStore implements Store {
  readonly db: SqlDriver;
  readonly digest: SqlDigestStore;

  constructor(db: SqlDriver) {
    this.db = db;
    this.digest = new SqlDigestStore(db);
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  static async open(db: SqlDriver): Promise<SqlStore> {
    try {
      await migrate(db);
    } catch (cause) {
      throw new TipwireError(
        'STORE_FAILED',
        `store: migrating the ${db.dialect} database failed: ${String(cause)}`,
        { cause },
      );
    }
    return new SqlStore(db);
  }

  // --- sources -------------------------------------------------------------------------------------------------

  async getSourceState(sourceId: string): Promise<SourceState | undefined> {
    const row = await this.db.get('SELECT state FROM source_state WHERE source_id = ?', [sourceId]);
    return row ? (JSON.parse(String(row.state)) as SourceState) : undefined;
  }

  async listSourceStates(): Promise<SourceState[]> {
    const rows = await this.db.all('SELECT state FROM source_state ORDER BY source_id');
    return rows.map((row) => JSON.parse(String(row.state)) as SourceState);
  }

  async saveSourceState(state: SourceState): Promise<void> {
    await this.db.run(
      'INSERT INTO source_state (source_id, state) VALUES (?, ?) ON CONFLICT (source_id) DO UPDATE SET state = excluded.state',
      [state.sourceId, json(state)],
    );
  }

  async tryLeaseSource(sourceId: string, owner: string, until: string, now: string): Promise<boolean> {
    await this.db.run(
      `INSERT INTO source_state (source_id, state) VALUES (?, ?) ON CONFLICT (source_id) DO NOTHING`,
      [sourceId, json({ sourceId, consecutiveFailures: 0 } satisfies SourceState)],
    );
    const { changes } = await this.db.run(
      `UPDATE source_state SET lease_owner = ?, lease_until = ?
        WHERE source_id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_until < ?)`,
      [owner, until, sourceId, owner, now],
    );
    return changes === 1;
  }

  async releaseSource(sourceId: string, owner: string): Promise<void> {
    await this.db.run(
      'UPDATE source_state SET lease_owner = NULL, lease_until = NULL WHERE source_id = ? AND lease_owner = ?',
      [sourceId, owner],
    );
  }

  // --- items ---------------------------------------------------------------------------------------------------

  async upsertItems(items: Item[]): Promise<UpsertResult[]> {
    if (items.length === 0) return [];
    return this.db.transaction(async (tx) => {
      const results: UpsertResult[] = [];
      for (const item of items) results.push(await this.upsertOne(tx, item));
      return results;
    });
  }

  private async findExisting(
    tx: SqlDriver,
    item: Item,
  ): Promise<{ id: string; content_hash: string } | undefined> {
    type Found = { id: string; content_hash: string };
    if (item.url) {
      const byUrl = await tx.get<Found>('SELECT id, content_hash FROM items WHERE url = ?', [item.url]);
      if (byUrl) return byUrl;
    }
    if (item.guid) {
      const byGuid = await tx.get<Found>(
        'SELECT id, content_hash FROM items WHERE source_id = ? AND guid = ?',
        [item.sourceId, item.guid],
      );
      if (byGuid) return byGuid;
    }
    return tx.get<Found>('SELECT id, content_hash FROM items WHERE id = ?', [item.id]);
  }

  private async upsertOne(tx: SqlDriver, item: Item): Promise<UpsertResult> {
    const hash = contentHash(item);
    const existing = await this.findExisting(tx, item);
    if (!existing) {
      const inserted = await tx.get(
        `INSERT INTO items (id, source_id, url, link, guid, title, summary, content_html, author, categories,
            published_at, updated_at, date_guessed, language, country, fetched_at, changed_at, content_hash)
         VALUES (${placeholders(18)})
         ON CONFLICT DO NOTHING RETURNING id`,
        [
          item.id,
          item.sourceId,
          item.url ?? null,
          item.link ?? null,
          item.guid ?? null,
          item.title,
          item.summary,
          item.contentHtml ?? null,
          item.author ?? null,
          json(item.categories),
          item.publishedAt,
          item.updatedAt ?? null,
          item.dateGuessed ? 1 : 0,
          item.language ?? null,
          item.country ?? null,
          item.fetchedAt,
          item.fetchedAt,
          hash,
        ],
      );
      if (inserted) return { id: item.id, outcome: 'inserted' };
      // Someone else stored it between our look-up and insert (another worker on PostgreSQL): update theirs.
      const raced = await this.findExisting(tx, item);
      if (!raced)
        throw new TipwireError(
          'STORE_FAILED',
          `store: item ${item.id} conflicts with a row that cannot be found`,
        );
      return this.updateOne(tx, raced.id, item, hash, raced.content_hash);
    }
    return this.updateOne(tx, existing.id, item, hash, existing.content_hash);
  }

  private async updateOne(
    tx: SqlDriver,
    id: string,
    item: Item,
    hash: string,
    oldHash: string,
  ): Promise<UpsertResult> {
    if (hash === oldHash) return { id, outcome: 'unchanged' };
    // An edited item keeps its id, first fetch time and story; its classification is redone (rules_version = NULL).
    await tx.run(
      `UPDATE items SET link = ?, title = ?, summary = ?, content_html = ?, author = ?, categories = ?,
          updated_at = ?, language = COALESCE(?, language), changed_at = ?, content_hash = ?, rules_version = NULL,
          url = COALESCE(url, ?), guid = COALESCE(guid, ?)
        WHERE id = ?`,
      [
        item.link ?? null,
        item.title,
        item.summary,
        item.contentHtml ?? null,
        item.author ?? null,
        json(item.categories),
        item.updatedAt ?? item.fetchedAt,
        item.language ?? null,
        item.fetchedAt,
        hash,
        item.url ?? null,
        item.guid ?? null,
        id,
      ],
    );
    return { id, outcome: 'updated' };
  }

  async getItem(id: string): Promise<ClassifiedItem | undefined> {
    const row = await this.db.get('SELECT * FROM items WHERE id = ?', [id]);
    return row ? rowToItem(row) : undefined;
  }

  async getItems(ids: string[]): Promise<ClassifiedItem[]> {
    const out: ClassifiedItem[] = [];
    for (const part of chunks([...new Set(ids)])) {
      const rows = await this.db.all(`SELECT * FROM items WHERE id IN (${placeholders(part.length)})`, part);
      out.push(...rows.map(rowToItem));
    }
    const order = new Map(ids.map((id, index) => [id, index]));
    return out.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
  }

  private itemWhere(query: ItemQuery): { where: string; params: SqlValue[] } {
    const where = new Where();
    if (query.sourceId !== undefined) where.add('source_id = ?', query.sourceId);
    if (query.fetchedSince !== undefined) where.add('fetched_at >= ?', query.fetchedSince);
    if (query.publishedSince !== undefined) where.add('published_at >= ?', query.publishedSince);
    if (query.matched !== undefined) where.add('matched = ?', query.matched ? 1 : 0);
    if (query.withoutStory) where.add('story_id IS NULL');
    if (query.notClassifiedWith !== undefined)
      where.add('(rules_version IS NULL OR rules_version <> ?)', query.notClassifiedWith);
    const { clauses, params } = where;
    return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }

  async listItems(query: ItemQuery): Promise<ClassifiedItem[]> {
    const { where, params } = this.itemWhere(query);
    const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
    const rows = await this.db.all(
      `SELECT * FROM items ${where} ORDER BY published_at DESC, id${limit}`,
      params,
    );
    return rows.map(rowToItem);
  }

  async countItems(query: ItemQuery = {}): Promise<number> {
    const { where, params } = this.itemWhere(query);
    const row = await this.db.get<{ n: number }>(`SELECT COUNT(*) AS n FROM items ${where}`, params);
    return Number(row?.n ?? 0);
  }

  async saveClassification(
    itemId: string,
    classification: Classification,
    rulesVersion: string,
  ): Promise<void> {
    const matched = classification.topics.length > 0;
    await this.db.run(
      `UPDATE items SET classification = ?, rules_version = ?, matched = ?${matched ? '' : ', story_id = NULL'} WHERE id = ?`,
      [json(classification), rulesVersion, matched ? 1 : 0, itemId],
    );
  }

  async pruneUnmatched(before: string): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM items WHERE matched = 0 AND fetched_at < ?', [before]);
    return changes;
  }

  // --- stories -------------------------------------------------------------------------------------------------

  async saveStories(stories: Story[], assignments: StoryAssignment[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const story of stories) {
        await tx.run(
          `INSERT INTO stories (id, representative_item_id, topics, countries, languages, first_seen_at, updated_at, follows_story_id)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET representative_item_id = excluded.representative_item_id,
             topics = excluded.topics, countries = excluded.countries, languages = excluded.languages,
             first_seen_at = excluded.first_seen_at, updated_at = excluded.updated_at,
             follows_story_id = excluded.follows_story_id`,
          [
            story.id,
            story.representativeItemId,
            json(story.topics),
            json(story.countries),
            json(story.languages),
            story.firstSeenAt,
            story.updatedAt,
            story.followsStoryId ?? null,
          ],
        );
        await tx.run('DELETE FROM story_tags WHERE story_id = ?', [story.id]);
        const tags: [string, string][] = [
          ...story.topics.map((value): [string, string] => ['topic', value]),
          ...story.countries.map((value): [string, string] => ['country', value]),
          ...story.languages.map((value): [string, string] => ['language', value]),
        ];
        for (const [kind, value] of tags) {
          await tx.run(
            'INSERT INTO story_tags (story_id, kind, value) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
            [story.id, kind, value],
          );
        }
      }
      for (const { itemId, storyId } of assignments) {
        await tx.run('UPDATE items SET story_id = ? WHERE id = ?', [storyId, itemId]);
      }
      await refreshStoryDates(tx, [...new Set(stories.map((story) => story.id))]);
    });
  }

  async deleteEmptyStories(): Promise<number> {
    return this.db.transaction(async (tx) => {
      const empty = `SELECT id FROM stories s WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.story_id = s.id AND i.matched = 1)`;
      await tx.run(`UPDATE items SET story_id = NULL WHERE story_id IN (${empty})`);
      await tx.run(`DELETE FROM story_tags WHERE story_id IN (${empty})`);
      return (await tx.run(`DELETE FROM stories WHERE id IN (${empty})`)).changes;
    });
  }

  async getStory(id: string): Promise<StoryView | undefined> {
    const row = await this.db.get('SELECT * FROM stories WHERE id = ?', [id]);
    if (!row) return undefined;
    return (await this.withItems([rowToStory(row)]))[0];
  }

  async listStories(query: StoryQuery): Promise<StoryView[]> {
    const { clauses, params } = storyFilter(query);
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
    const offset = query.offset ? ` OFFSET ${Math.max(0, Math.floor(query.offset))}` : '';
    const rows = await this.db.all(
      `SELECT s.* FROM stories s ${where} ORDER BY ${storyOrder(query.order)}${limit}${offset}`,
      params,
    );
    return this.withItems(rows.map(rowToStory));
  }

  listStoryTags(updatedSince: string): Promise<StoryTags> {
    return listStoryTags(this.db, updatedSince);
  }

  async searchStories(query: SearchQuery): Promise<StoryView[]> {
    return this.withItems((await searchStoryRows(this.db, query)).map(rowToStory));
  }

  /** Loads the items of many stories in a few queries, representative first, then by publication time. */
  private async withItems(stories: Story[]): Promise<StoryView[]> {
    const byStory = new Map<string, ClassifiedItem[]>();
    for (const part of chunks(stories.map((story) => story.id))) {
      const rows = await this.db.all(
        `SELECT * FROM items WHERE story_id IN (${placeholders(part.length)}) AND matched = 1 ORDER BY published_at, id`,
        part,
      );
      for (const row of rows) {
        const item = rowToItem(row);
        const list = byStory.get(item.storyId ?? '') ?? [];
        list.push(item);
        byStory.set(item.storyId ?? '', list);
      }
    }
    const views: StoryView[] = [];
    for (const story of stories) {
      const items = byStory.get(story.id) ?? [];
      const representative = items.find((item) => item.id === story.representativeItemId) ?? items[0];
      if (!representative) continue; // a story whose items were pruned is not shown
      views.push({
        ...story,
        representative,
        items: [representative, ...items.filter((item) => item !== representative)],
      });
    }
    return views;
  }

  async close(): Promise<void> {
    await this.db.close();
  }
}
