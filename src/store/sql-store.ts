// The one Store implementation, over either SQL driver. Identity is enforced by the unique indexes of migration 1;
// upserts look a feed's items up by URL, then by (source, GUID), then by id, in three batched queries inside one
// transaction, and insert with one multi-row INSERT … ON CONFLICT DO NOTHING, so a concurrent worker that inserted
// the same item first turns our insert into an update, not an error. Writes are batched throughout (multi-row
// VALUES, one statement per chunk), because on PostgreSQL every statement is a round trip.
import { createHash } from 'node:crypto';
import type { Classification, ClassifiedItem, Item, SourceState, Story, StoryView } from '../core/types.ts';
import { TipwireError } from '../core/errors.ts';
import type { Row, SqlDriver, SqlValue } from './driver.ts';
import { migrate } from './migrations.ts';
import { SqlDigestStore } from './sql-digest.ts';
import { SqlHealthStore } from './sql-health.ts';
import { listStoryTags } from './sql-slices.ts';
import { searchStoryRows, storyFilter, storyOrder } from './sql-search.ts';
import { refreshStoryDates } from './sql-search-schema.ts';
import { countStoriesByDay, storeCreatedAt } from './sql-stats.ts';
import type {
  ClaimOptions,
  ItemQuery,
  Judgement,
  SearchQuery,
  SourceLease,
  Store,
  StoryCountQuery,
  StoryDayCount,
  StoryAssignment,
  StoryQuery,
  StoryTags,
  UpsertOptions,
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

/** What an upsert needs of a stored row to match and compare an incoming item. */
interface Found {
  id: string;
  url: string | null;
  guid: string | null;
  source_id: string;
  content_hash: string;
  story_id: string | null;
}

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

/** `(?, ?, ?), (?, ?, ?)`: the VALUES rows of a multi-row statement. */
const rows = (count: number, width: number): string =>
  Array.from({ length: count }, () => `(${placeholders(width)})`).join(', ');

/** Large IN lists are cut into chunks: SQLite allows 32,766 parameters, PostgreSQL 65,535. */
function chunks<T>(values: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export class SqlStore implements Store {
  readonly db: SqlDriver;
  readonly digest: SqlDigestStore;
  readonly health: SqlHealthStore;

  constructor(db: SqlDriver) {
    this.db = db;
    this.digest = new SqlDigestStore(db);
    this.health = new SqlHealthStore(db);
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
    await this.saveSourceStates([state]);
  }

  saveSourceStates(states: SourceState[], releaseLeaseOf?: string): Promise<void> {
    return this.writeStates(this.db, states, releaseLeaseOf);
  }

  private async writeStates(db: SqlDriver, states: SourceState[], releaseLeaseOf?: string): Promise<void> {
    // The lease columns are left alone unless the writer releases its own lease in the same statement.
    const release = releaseLeaseOf
      ? `, lease_owner = CASE WHEN source_state.lease_owner = ? THEN NULL ELSE source_state.lease_owner END,
           lease_until = CASE WHEN source_state.lease_owner = ? THEN NULL ELSE source_state.lease_until END`
      : '';
    for (const part of chunks(states, 200)) {
      await db.run(
        `INSERT INTO source_state (source_id, state, next_poll_at) VALUES ${rows(part.length, 3)}
         ON CONFLICT (source_id) DO UPDATE SET state = excluded.state, next_poll_at = excluded.next_poll_at${release}`,
        [
          ...part.flatMap((state) => [state.sourceId, json(state), state.nextPollAt ?? null]),
          ...(releaseLeaseOf ? [releaseLeaseOf, releaseLeaseOf] : []),
        ],
      );
    }
  }

  async claimSources(sourceIds: string[], options: ClaimOptions): Promise<string[]> {
    if (sourceIds.length === 0) return [];
    const { owner, until, now } = options;
    const takeOver = options.takeOver ?? [];
    return this.db.transaction(async (tx) => {
      const claimed: string[] = [];
      for (const part of chunks(sourceIds, 200)) {
        // A source seen for the first time gets its row here, so it can carry a lease.
        await tx.run(
          `INSERT INTO source_state (source_id, state) VALUES ${rows(part.length, 2)} ON CONFLICT (source_id) DO NOTHING`,
          part.flatMap((sourceId) => [
            sourceId,
            json({ sourceId, consecutiveFailures: 0 } satisfies SourceState),
          ]),
        );
        const free = [
          'lease_owner IS NULL',
          'lease_owner = ?',
          'lease_until < ?',
          ...(takeOver.length ? [`lease_owner IN (${placeholders(takeOver.length)})`] : []),
        ].join(' OR ');
        const due = options.force ? '' : ' AND (next_poll_at IS NULL OR next_poll_at <= ?)';
        const got = await tx.all<{ source_id: string }>(
          `UPDATE source_state SET lease_owner = ?, lease_until = ?
            WHERE source_id IN (${placeholders(part.length)}) AND (${free})${due}
            RETURNING source_id`,
          [owner, until, ...part, owner, now, ...takeOver, ...(options.force ? [] : [now])],
        );
        claimed.push(...got.map((row) => String(row.source_id)));
      }
      const order = new Map(sourceIds.map((id, index) => [id, index]));
      return claimed.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0));
    });
  }

  async renewLeases(owner: string, until: string): Promise<number> {
    return (
      await this.db.run('UPDATE source_state SET lease_until = ? WHERE lease_owner = ?', [until, owner])
    ).changes;
  }

  async releaseLeases(owner: string, sourceIds?: string[]): Promise<number> {
    const release = 'UPDATE source_state SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?';
    if (!sourceIds) return (await this.db.run(release, [owner])).changes;
    let changes = 0;
    for (const part of chunks(sourceIds)) {
      changes += (
        await this.db.run(`${release} AND source_id IN (${placeholders(part.length)})`, [owner, ...part])
      ).changes;
    }
    return changes;
  }

  async listLeases(): Promise<SourceLease[]> {
    const found = await this.db.all<{ source_id: string; lease_owner: string; lease_until: string }>(
      'SELECT source_id, lease_owner, lease_until FROM source_state WHERE lease_owner IS NOT NULL ORDER BY source_id',
    );
    return found.map((row) => ({ sourceId: row.source_id, owner: row.lease_owner, until: row.lease_until }));
  }

  withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return this.db.withLock(name, fn);
  }

  // --- items ---------------------------------------------------------------------------------------------------

  async upsertItems(items: Item[], options: UpsertOptions = {}): Promise<UpsertResult[]> {
    const { state, classify, releaseLeaseOf } = options;
    if (items.length === 0 && !state) return [];
    return this.db.transaction(async (tx) => {
      const results = await this.upsertBatch(tx, items, classify);
      if (state) {
        const changed = results.some((result) => result.outcome !== 'unchanged');
        await this.writeStates(tx, [typeof state === 'function' ? state(changed) : state], releaseLeaseOf);
      }
      return results;
    });
  }

  /** The stored rows these items are versions of, by the identity chain: URL, else (source, GUID), else id. */
  private async findExistingMany(tx: SqlDriver, items: Item[]): Promise<(Found | undefined)[]> {
    const columns = 'id, url, guid, source_id, content_hash, story_id';
    const byUrl = new Map<string, Found>();
    const byGuid = new Map<string, Found>();
    const byId = new Map<string, Found>();
    const urls = [...new Set(items.flatMap((item) => (item.url ? [item.url] : [])))];
    for (const part of chunks(urls)) {
      for (const row of await tx.all<Found>(
        `SELECT ${columns} FROM items WHERE url IN (${placeholders(part.length)})`,
        part,
      ))
        byUrl.set(String(row.url), row);
    }
    const guidsBySource = new Map<string, Set<string>>();
    for (const item of items) {
      if (!item.guid || (item.url && byUrl.has(item.url))) continue;
      const set = guidsBySource.get(item.sourceId) ?? new Set<string>();
      set.add(item.guid);
      guidsBySource.set(item.sourceId, set);
    }
    for (const [sourceId, guids] of guidsBySource) {
      for (const part of chunks([...guids])) {
        for (const row of await tx.all<Found>(
          `SELECT ${columns} FROM items WHERE source_id = ? AND guid IN (${placeholders(part.length)})`,
          [sourceId, ...part],
        ))
          byGuid.set(`${sourceId}\u0000${String(row.guid)}`, row);
      }
    }
    const found = (item: Item): Found | undefined =>
      (item.url ? byUrl.get(item.url) : undefined) ??
      (item.guid ? byGuid.get(`${item.sourceId}\u0000${item.guid}`) : undefined);
    const ids = [...new Set(items.filter((item) => !found(item)).map((item) => item.id))];
    for (const part of chunks(ids)) {
      for (const row of await tx.all<Found>(
        `SELECT ${columns} FROM items WHERE id IN (${placeholders(part.length)})`,
        part,
      ))
        byId.set(String(row.id), row);
    }
    return items.map((item) => found(item) ?? byId.get(item.id));
  }

  private async upsertBatch(
    tx: SqlDriver,
    items: Item[],
    classify: UpsertOptions['classify'],
  ): Promise<UpsertResult[]> {
    const existing = await this.findExistingMany(tx, items);
    const results: (UpsertResult | undefined)[] = items.map(() => undefined);
    const fresh: { index: number; item: Item; hash: string; judged?: Judgement }[] = [];
    // Two entries of one batch that are the same item (same URL or GUID): the first is inserted, the later ones
    // are applied as updates of it, as one-by-one upserts would.
    const claimedKeys = new Set<string>();
    const keysOf = (item: Item): string[] => [
      `id\u0000${item.id}`,
      ...(item.url ? [`url\u0000${item.url}`] : []),
      ...(item.guid ? [`guid\u0000${item.sourceId}\u0000${item.guid}`] : []),
    ];
    const later: number[] = [];
    items.forEach((item, index) => {
      const hash = contentHash(item);
      const found = existing[index];
      if (found) return;
      const keys = keysOf(item);
      if (keys.some((key) => claimedKeys.has(key))) {
        later.push(index);
        return;
      }
      for (const key of keys) claimedKeys.add(key);
      fresh.push({ index, item, hash, judged: classify?.(item) });
    });

    for (const part of chunks(fresh, 40)) {
      const inserted = await tx.all<{ id: string }>(
        `INSERT INTO items (id, source_id, url, link, guid, title, summary, content_html, author, categories,
            published_at, updated_at, date_guessed, language, country, fetched_at, changed_at, content_hash,
            classification, rules_version, matched)
         VALUES ${rows(part.length, 21)}
         ON CONFLICT DO NOTHING RETURNING id`,
        part.flatMap(({ item, hash, judged }) => [
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
          judged ? json(judged.classification) : null,
          judged?.rulesVersion ?? null,
          judged ? (judged.classification.topics.length > 0 ? 1 : 0) : null,
        ]),
      );
      const done = new Set(inserted.map((row) => String(row.id)));
      for (const { index, item } of part) {
        if (done.has(item.id)) results[index] = { id: item.id, outcome: 'inserted' };
        // Someone else stored it between our look-up and insert (another worker on PostgreSQL): update theirs.
        else later.push(index);
      }
    }

    const update = async (index: number, found: Found): Promise<void> => {
      const item = items[index] as Item;
      const hash = contentHash(item);
      if (hash === found.content_hash) {
        results[index] = { id: found.id, outcome: 'unchanged', storyId: opt(found.story_id) };
        return;
      }
      await this.updateOne(tx, found.id, item, hash, classify?.(item));
      results[index] = { id: found.id, outcome: 'updated', storyId: opt(found.story_id) };
    };
    for (const [index, found] of existing.entries()) if (found) await update(index, found);
    for (const index of later.sort((a, b) => a - b)) {
      const [found] = await this.findExistingMany(tx, [items[index] as Item]);
      if (!found)
        throw new TipwireError(
          'STORE_FAILED',
          `store: item ${(items[index] as Item).id} conflicts with a row that cannot be found`,
        );
      await update(index, found);
    }
    return results as UpsertResult[];
  }

  private async updateOne(
    tx: SqlDriver,
    id: string,
    item: Item,
    hash: string,
    judged: Judgement | undefined,
  ): Promise<void> {
    // An edited item keeps its id, first fetch time and story (while it still matches). With a judgement it is
    // stored classified; without one it keeps its old verdict (and story, and search entry) and is queued for
    // re-classification (rules_version = NULL).
    const matched = judged ? (judged.classification.topics.length > 0 ? 1 : 0) : null;
    const verdict = judged
      ? `classification = ?, rules_version = ?, matched = ?${matched === 0 ? ', story_id = NULL' : ''}`
      : 'rules_version = NULL';
    await tx.run(
      `UPDATE items SET link = ?, title = ?, summary = ?, content_html = ?, author = ?, categories = ?,
          updated_at = ?, language = COALESCE(?, language), changed_at = ?, content_hash = ?, ${verdict},
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
        ...(judged ? [json(judged.classification), judged.rulesVersion, matched] : []),
        item.url ?? null,
        item.guid ?? null,
        id,
      ],
    );
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
    // A literal, not a parameter: SQLite uses the partial indexes on matched = 1 / 0 only for a literal.
    if (query.matched !== undefined) where.add(query.matched ? 'matched = 1' : 'matched = 0');
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
    await this.saveClassifications([{ itemId, classification, rulesVersion }]);
  }

  async saveClassifications(judged: (Judgement & { itemId: string })[]): Promise<void> {
    if (judged.length === 0) return;
    await this.db.transaction(async (tx) => {
      // One UPDATE … FROM (VALUES …) per chunk. An item that no longer matches leaves its story.
      for (const part of chunks(judged, 100)) {
        await tx.run(
          `WITH v (id, classification, rules_version, matched) AS (VALUES ${rows(part.length, 4)})
           UPDATE items SET classification = v.classification, rules_version = v.rules_version,
             matched = CAST(v.matched AS INTEGER),
             story_id = CASE WHEN CAST(v.matched AS INTEGER) = 1 THEN items.story_id ELSE NULL END
           FROM v WHERE items.id = v.id`,
          part.flatMap(({ itemId, classification, rulesVersion }) => [
            itemId,
            json(classification),
            rulesVersion,
            classification.topics.length > 0 ? '1' : '0',
          ]),
        );
      }
    });
  }

  async listUnclassified(
    rulesVersion: string,
    fetchedSince: string,
    limit: number,
  ): Promise<ClassifiedItem[]> {
    // One index range per rules version other than this one (the versions are few: one per rule edit), each from
    // fetchedSince on, so neither the rows already done nor old rows outside the window (kept matched items that
    // older rules judged) are read. The distinct versions come from index seeks, not a scan.
    const versions = await this.db.all<{ v: string | null }>(
      `WITH RECURSIVE versions (v) AS (
         SELECT MIN(rules_version) FROM items
         UNION ALL
         SELECT (SELECT MIN(rules_version) FROM items WHERE rules_version > versions.v) FROM versions
          WHERE versions.v IS NOT NULL)
       SELECT v FROM versions WHERE v IS NOT NULL`,
    );
    const found: ClassifiedItem[] = [];
    for (const version of [null, ...versions.map((row) => row.v).filter((v) => v !== rulesVersion)]) {
      const left = Math.max(0, Math.floor(limit)) - found.length;
      if (left <= 0) break;
      const rowsOfVersion = await this.db.all(
        `SELECT * FROM items WHERE ${version === null ? 'rules_version IS NULL' : 'rules_version = ?'}
            AND fetched_at >= ? LIMIT ${left}`,
        version === null ? [fetchedSince] : [version, fetchedSince],
      );
      found.push(...rowsOfVersion.map(rowToItem));
    }
    return found;
  }

  async listUnclusteredIds(): Promise<string[]> {
    // No ORDER BY (the clusterer orders its input): with one, the planner may prefer the window's index by order.
    const found = await this.db.all<{ id: string }>(
      'SELECT id FROM items WHERE matched = 1 AND story_id IS NULL',
    );
    return found.map((row) => String(row.id));
  }

  async pruneUnmatched(before: string): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM items WHERE matched = 0 AND fetched_at < ?', [before]);
    return changes;
  }

  // --- stories -------------------------------------------------------------------------------------------------

  async saveStories(stories: Story[], assignments: StoryAssignment[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const part of chunks(stories, 50)) {
        await tx.run(
          `INSERT INTO stories (id, representative_item_id, topics, countries, languages, first_seen_at, updated_at, follows_story_id)
           VALUES ${rows(part.length, 8)}
           ON CONFLICT (id) DO UPDATE SET representative_item_id = excluded.representative_item_id,
             topics = excluded.topics, countries = excluded.countries, languages = excluded.languages,
             first_seen_at = excluded.first_seen_at, updated_at = excluded.updated_at,
             follows_story_id = excluded.follows_story_id`,
          part.flatMap((story) => [
            story.id,
            story.representativeItemId,
            json(story.topics),
            json(story.countries),
            json(story.languages),
            story.firstSeenAt,
            story.updatedAt,
            story.followsStoryId ?? null,
          ]),
        );
        await tx.run(
          `DELETE FROM story_tags WHERE story_id IN (${placeholders(part.length)})`,
          part.map((story) => story.id),
        );
        const tags = part.flatMap((story) => [
          ...story.topics.map((value) => [story.id, 'topic', value]),
          ...story.countries.map((value) => [story.id, 'country', value]),
          ...story.languages.map((value) => [story.id, 'language', value]),
        ]);
        for (const tagPart of chunks(tags, 300)) {
          await tx.run(
            `INSERT INTO story_tags (story_id, kind, value) VALUES ${rows(tagPart.length, 3)} ON CONFLICT DO NOTHING`,
            tagPart.flat(),
          );
        }
      }
      for (const part of chunks(assignments, 250)) {
        await tx.run(
          `WITH v (id, story_id) AS (VALUES ${rows(part.length, 2)})
           UPDATE items SET story_id = v.story_id FROM v WHERE items.id = v.id`,
          part.flatMap(({ itemId, storyId }) => [itemId, storyId]),
        );
      }
      await refreshStoryDates(tx, [...new Set(stories.map((story) => story.id))]);
    });
  }

  async deleteEmptyStories(candidates?: string[]): Promise<number> {
    if (candidates && candidates.length === 0) return 0;
    return this.db.transaction(async (tx) => {
      let deleted = 0;
      for (const part of candidates ? chunks([...new Set(candidates)]) : [undefined]) {
        const among = part ? ` AND s.id IN (${placeholders(part.length)})` : '';
        const params = part ?? [];
        const empty = `SELECT s.id FROM stories s WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.story_id = s.id AND i.matched = 1)${among}`;
        await tx.run(`UPDATE items SET story_id = NULL WHERE story_id IN (${empty})`, params);
        await tx.run(`DELETE FROM story_tags WHERE story_id IN (${empty})`, params);
        deleted += (await tx.run(`DELETE FROM stories WHERE id IN (${empty})`, params)).changes;
      }
      return deleted;
    });
  }

  async getStory(id: string): Promise<StoryView | undefined> {
    return (await this.getStories([id]))[0];
  }

  async getStories(ids: string[]): Promise<StoryView[]> {
    const found: Story[] = [];
    for (const part of chunks([...new Set(ids)])) {
      const got = await this.db.all(`SELECT * FROM stories WHERE id IN (${placeholders(part.length)})`, part);
      found.push(...got.map(rowToStory));
    }
    return this.withItems(found);
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

  countStoriesByDay(query: StoryCountQuery): Promise<StoryDayCount[]> {
    return countStoriesByDay(this.db, query);
  }

  createdAt(): Promise<string> {
    return storeCreatedAt(this.db);
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
