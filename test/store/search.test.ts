// Search is part of the store contract: the same cases on SQLite (FTS5) and PostgreSQL (tsvector), through the
// public Store methods only (upsert, classify, save stories, search), so the triggers that keep the index in step
// are exercised the way the poll job drives them.
import { afterAll, describe, expect, it } from 'vitest';
import type { Classification, Item, Story } from '../../src/core/types.ts';
import { openPostgres, openSqlite, type SqlDriver } from '../../src/store/driver.ts';
import { migrate, migrations } from '../../src/store/migrations.ts';
import { SqlStore } from '../../src/store/sql-store.ts';
import { fts5Query, parseSearchText, tsQuery, foldForSearch } from '../../src/store/sql-search.ts';
import type { Store as Opened } from '../../src/store/index.ts';
import { storeKinds, type StoreKind } from '../helpers/stores.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const NOW = '2026-11-28T12:00:00.000Z';

const classification = (topic: string, language = 'en'): Classification => ({
  language,
  topics: [{ topic, score: 3, evidence: [] }],
  countries: [],
});

interface Doc {
  id: string;
  title: string;
  summary?: string;
  language: string;
  country?: string;
  topic?: string;
  source?: string;
  publishedAt?: string;
  dateGuessed?: boolean;
}

/** Stores each doc as a matched item in a story of its own (story id = item id). */
async function seed(store: Opened, docs: Doc[]): Promise<void> {
  const items: Item[] = docs.map((doc) => ({
    id: doc.id,
    sourceId: doc.source ?? 'src-a',
    url: `https://example.org/${doc.id}`,
    title: doc.title,
    summary: doc.summary ?? '',
    categories: [],
    publishedAt: doc.publishedAt ?? '2026-11-20T09:00:00.000Z',
    dateGuessed: doc.dateGuessed,
    language: doc.language,
    country: doc.country,
    fetchedAt: NOW,
  }));
  await store.upsertItems(items);
  for (const doc of docs)
    await store.saveClassification(doc.id, classification(doc.topic ?? 'trafficking', doc.language), 'v1');
  const stories: Story[] = docs.map((doc) => ({
    id: doc.id,
    representativeItemId: doc.id,
    topics: [doc.topic ?? 'trafficking'],
    countries: doc.country ? [doc.country] : [],
    languages: [doc.language],
    firstSeenAt: NOW,
    updatedAt: NOW,
  }));
  await store.saveStories(
    stories,
    docs.map((doc) => ({ itemId: doc.id, storyId: doc.id })),
  );
}

const DOCS: Doc[] = [
  {
    id: 'ru',
    title: 'Трудовые мигранты из Таджикистана вернулись домой',
    summary: 'Миграционная служба сообщила о росте числа мигрантов.',
    language: 'ru',
    country: 'tj',
    topic: 'labour-migration',
    publishedAt: '2026-11-25T08:00:00.000Z',
  },
  {
    id: 'kk',
    title: 'ҚАЗАҚСТАНДАҒЫ адам саудасының құрбандары',
    summary: 'Әйелдер мен балалар, еңбек көші-қоны, өңірлер, ұлттық, үкімет, һәм іс.',
    language: 'kk',
    country: 'kz',
    publishedAt: '2026-11-24T08:00:00.000Z',
  },
  {
    id: 'uz',
    title: 'Oʻzbekiston migrantlari gʻalaba qozondi',
    summary: 'Xorijdagi oʻzbek fuqarolari.',
    language: 'uz',
    country: 'uz',
    topic: 'labour-migration',
    source: 'kun-uz',
    publishedAt: '2026-11-23T08:00:00.000Z',
  },
  {
    id: 'tk',
    title: 'Türkmenistanyň raýatlary adam söwdasyndan goraldy',
    summary: 'Aşgabatda maslahat geçirildi; žurnalistler we ýaşlar gatnaşdy.',
    language: 'tk',
    country: 'tm',
    publishedAt: '2026-11-22T08:00:00.000Z',
  },
  {
    id: 'ky',
    title: 'Кыргызстандын мигранттары Орусияда кармалды',
    summary: 'Өкмөт жана Тышкы иштер министрлиги билдирди.',
    language: 'ky',
    country: 'kg',
    topic: 'labour-migration',
    publishedAt: '2026-11-21T08:00:00.000Z',
  },
  {
    id: 'en',
    title: 'UNODC trains prosecutors on trafficking in persons',
    summary: 'A training in Ashgabat for Turkmen prosecutors on human trafficking.',
    language: 'en',
    country: 'tm',
    source: '24kg-en',
    publishedAt: '2026-11-26T08:00:00.000Z',
  },
];

const ids = (stories: { id: string }[]): string[] => stories.map((story) => story.id);

describe('search text', () => {
  it.each([
    ['Қазақстан', 'казакстан'],
    ['ӘҒҚҢӨҰҮҺІ', 'агкноуухи'],
    ['Oʻzbekiston', 'ozbekiston'],
    ["o'zbek o‘zbek o’zbek gʻalaba", 'ozbek ozbek ozbek galaba'],
    ['ÄÇŇÖŞÜÝŽ äçňöşüýž', 'acnosuyz acnosuyz'],
    ['Ёлка ўзбек ҳа ҷӣӯ', 'елка узбек ха чиу'],
    ['Iı İi', 'ii ii'],
  ])('folds %s to %s', (text, folded) => {
    expect(foldForSearch(text)).toBe(folded);
  });

  it('quotes every word, so nothing a reader types is syntax', () => {
    const terms = parseSearchText('OR * NEAR( ) \' ; DROP TABLE items -- "адам саудасы" x "');
    expect(fts5Query(terms)).toBe(
      '"адам саудасы" AND "or"* AND "near"* AND "drop"* AND "table"* AND "items"* AND "x"',
    );
    expect(tsQuery(terms)).toBe('(адам <-> саудасы) & or:* & near:* & drop:* & table:* & items:* & x');
    expect(parseSearchText(' ; -- ').terms).toEqual([]);
  });
});

const kinds = storeKinds();
for (const kind of kinds) {
  describe(`Store search on ${kind.name}`, () => {
    afterAll(() => kind.cleanup());

    it('finds words in every language with folded letters, prefixes and case', async () => {
      const store = await kind.open();
      await seed(store, DOCS);
      const find = async (text: string): Promise<string[]> => ids(await store.searchStories({ text }));
      // Russian: prefix finds inflected forms, in title and summary.
      expect(await find('мигрант')).toEqual(['ru', 'ky']);
      expect(await find('МИГРАЦИОННАЯ')).toEqual(['ru']);
      // Kazakh, typed with or without its letters, upper case in the text.
      expect(await find('қазақстан')).toEqual(['kk']);
      expect(await find('казакстандагы')).toEqual(['kk']);
      for (const word of ['әйелдер', 'еңбек', 'өңірлер', 'ұлттық', 'үкімет', 'һәм', 'іс', 'көші'])
        expect(await find(word), word).toEqual(['kk']);
      expect(await find('адам')).toEqual(['kk']);
      expect(await find('adam')).toEqual(['tk']);
      // Uzbek apostrophes in any form.
      for (const word of ['oʻzbekiston', "o'zbekiston", 'o‘zbekiston', 'ozbekiston', 'gʻalaba', 'galaba'])
        expect(await find(word), word).toEqual(['uz']);
      // Turkmen letters and their base letters.
      for (const word of [
        'türkmenistanyň',
        'turkmenistan',
        'söwda',
        'sowdasyndan',
        'raýat',
        'žurnalist',
        'Aşgabat',
      ])
        expect(await find(word), word).toEqual(['tk']);
      // Kyrgyz: ө, ү in the text.
      expect(await find('өкмөт')).toEqual(['ky']);
      expect(await find('окмот')).toEqual(['ky']);
      // All words are required; a phrase must be in order.
      expect(await find('трудовые мигранты')).toEqual(['ru']);
      expect(await find('трудовые кыргызстан')).toEqual([]);
      expect(await find('"адам саудасының"')).toEqual(['kk']);
      expect(await find('"саудасының адам"')).toEqual([]);
      // The source's id is searchable too.
      expect(await find('24kg')).toEqual(['en']);
      expect(await find('kun uz')).toEqual(['uz']);
      await store.close();
    });

    it('applies the page filters and orders by first publication or by relevance', async () => {
      const store = await kind.open();
      await seed(store, [
        ...DOCS,
        {
          id: 'en-summary',
          title: 'Court hearing in Osh',
          summary: 'The case concerns trafficking of workers.',
          language: 'en',
          country: 'kg',
          publishedAt: '2026-11-27T08:00:00.000Z',
        },
      ]);
      expect(ids(await store.searchStories({ text: 'trafficking' }))).toEqual(['en-summary', 'en']);
      expect(ids(await store.searchStories({ text: 'trafficking', order: 'relevance' }))).toEqual([
        'en',
        'en-summary',
      ]);
      expect(ids(await store.searchStories({ text: 'trafficking', countries: ['kg'] }))).toEqual([
        'en-summary',
      ]);
      expect(ids(await store.searchStories({ text: 'мигрант', languages: ['ky'] }))).toEqual(['ky']);
      expect(ids(await store.searchStories({ text: 'adam | адам', topics: ['trafficking'] }))).toEqual([]);
      expect(
        ids(await store.searchStories({ text: 'мигрант', topics: ['labour-migration', 'smuggling'] })),
      ).toEqual(['ru', 'ky']);
      expect(
        ids(await store.searchStories({ text: 'мигрант', publishedSince: '2026-11-24T00:00:00.000Z' })),
      ).toEqual(['ru']);
      expect(ids(await store.searchStories({ text: 'мигрант', limit: 1, offset: 1 }))).toEqual(['ky']);
      // An outlet named by the reader: its stories, or its stories with the words.
      expect(ids(await store.searchStories({ text: '', sourceIds: ['kun-uz'] }))).toEqual(['uz']);
      expect(ids(await store.searchStories({ text: 'migrant', sourceIds: ['kun-uz', '24kg-en'] }))).toEqual([
        'uz',
      ]);
      // Hostile or empty input is no result, never an error.
      expect(ids(await store.searchStories({ text: '" OR * NEAR( ) \' ; --' }))).toEqual([]);
      expect(ids(await store.searchStories({ text: '' }))).toEqual([]);
      expect(ids(await store.searchStories({ text: '"unterminated phrase' }))).toEqual([]);
      await store.close();
    });

    it('keeps the index in step with edits, re-classification and pruning; only matched items are found', async () => {
      const store = await kind.open();
      await seed(store, DOCS);
      // A new item that is not (yet) classified is not searchable.
      await store.upsertItems([
        {
          id: 'new',
          sourceId: 'src-a',
          url: 'https://example.org/new',
          title: 'Smugglers detained near Osh',
          summary: '',
          categories: [],
          publishedAt: NOW,
          fetchedAt: NOW,
        },
      ]);
      expect(ids(await store.searchStories({ text: 'smugglers' }))).toEqual([]);
      // Classified and in a story: found.
      await store.saveClassification('new', classification('smuggling'), 'v1');
      await store.saveStories(
        [
          {
            id: 'new',
            representativeItemId: 'new',
            topics: ['smuggling'],
            countries: [],
            languages: ['en'],
            firstSeenAt: NOW,
            updatedAt: NOW,
          },
        ],
        [{ itemId: 'new', storyId: 'new' }],
      );
      expect(ids(await store.searchStories({ text: 'smugglers' }))).toEqual(['new']);
      // The outlet edits the headline: the old words go, the new ones are found.
      await store.upsertItems([
        {
          id: 'new',
          sourceId: 'src-a',
          url: 'https://example.org/new',
          title: 'Border guards stop a smuggling ring',
          summary: '',
          categories: [],
          publishedAt: NOW,
          fetchedAt: '2026-11-28T13:00:00.000Z',
        },
      ]);
      expect(ids(await store.searchStories({ text: 'smugglers' }))).toEqual([]);
      expect(ids(await store.searchStories({ text: 'border guards' }))).toEqual(['new']);
      // Re-classified as off-topic: out of the index; back on topic: in again.
      await store.saveClassification('kk', { language: 'kk', topics: [], countries: [] }, 'v2');
      expect(ids(await store.searchStories({ text: 'адам' }))).toEqual([]);
      await store.saveClassification('kk', classification('trafficking', 'kk'), 'v3');
      await store.saveStories([], [{ itemId: 'kk', storyId: 'kk' }]);
      expect(ids(await store.searchStories({ text: 'адам' }))).toEqual(['kk']);
      // Re-saving the same classification does not duplicate the item in the index.
      await store.saveClassification('kk', classification('trafficking', 'kk'), 'v4');
      expect(ids(await store.searchStories({ text: 'адам' }))).toEqual(['kk']);
      // Pruned (unmatched and old) items leave the index with their rows.
      await store.saveClassification('tk', { language: 'tk', topics: [], countries: [] }, 'v5');
      expect(ids(await store.searchStories({ text: 'adam' }))).toEqual([]);
      expect(await store.pruneUnmatched('2030-01-01T00:00:00.000Z')).toBe(1);
      await store.saveClassification('kk', { language: 'kk', topics: [], countries: [] }, 'v6');
      expect(await store.pruneUnmatched('2030-01-01T00:00:00.000Z')).toBe(1);
      expect(ids(await store.searchStories({ text: 'адам' }))).toEqual([]);
      await store.close();
    });

    it('a page of the newest matches is the same page as sorting every match', async () => {
      const store = await kind.open();
      // 600 items in 300 stories with dates spread over a year; some stories gather items months apart, so a
      // story can be much older than its newest item; words vary so some queries match most items, others few.
      let seed = 7;
      const rand = (): number => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const words = ['мигрант', 'adam', 'söwda', 'trafficking', 'court', 'rare'];
      const items: Item[] = [];
      const members = new Map<string, string[]>();
      for (let i = 0; i < 600; i += 1) {
        const storyId = `s${i < 300 ? i : Math.floor(rand() * 300)}`;
        const picked = words.filter((_, w) => rand() < (w === 5 ? 0.02 : 0.6 - w * 0.1));
        items.push({
          id: `i${i}`,
          sourceId: i % 3 === 0 ? 'kun-uz' : 'src-a',
          url: `https://example.org/i${i}`,
          title: `${picked.join(' ')} ${i}`,
          summary: '',
          categories: [],
          publishedAt: new Date(
            Date.UTC(2026, 0, 1) + Math.floor(rand() * 365 * 86_400) * 1000,
          ).toISOString(),
          dateGuessed: rand() < 0.1,
          language: 'en',
          fetchedAt: NOW,
        });
        members.set(storyId, [...(members.get(storyId) ?? []), `i${i}`]);
      }
      await store.upsertItems(items);
      for (const item of items) await store.saveClassification(item.id, classification('trafficking'), 'v1');
      const stories: Story[] = [...members.keys()].map((id, n) => ({
        id,
        representativeItemId: members.get(id)?.[0] ?? '',
        topics: [n % 2 ? 'trafficking' : 'smuggling'],
        countries: [],
        languages: ['en'],
        firstSeenAt: NOW,
        updatedAt: NOW,
      }));
      await store.saveStories(
        stories,
        [...members].flatMap(([storyId, list]) => list.map((itemId) => ({ itemId, storyId }))),
      );
      const queries = [
        { text: 'мигрант' },
        { text: 'adam söwda' },
        { text: 'rare' },
        { text: 'court', topics: ['smuggling'] },
        { text: 'trafficking', publishedSince: '2026-07-01T00:00:00.000Z' },
        { text: '', sourceIds: ['kun-uz'] },
        { text: 'adam', sourceIds: ['kun-uz'] },
        { text: 'мигрант', order: 'relevance' as const },
        { text: 'court söwda', order: 'relevance' as const, topics: ['trafficking'] },
      ];
      for (const query of queries) {
        const every = ids(await store.searchStories(query));
        expect(every.length, JSON.stringify(query)).toBeGreaterThan(0);
        for (const [limit, offset] of [
          [1, 0],
          [10, 0],
          [10, 10],
          [50, 0],
          [7, 140],
        ] as const) {
          expect(
            ids(await store.searchStories({ ...query, limit, offset })),
            JSON.stringify({ query, limit, offset }),
          ).toEqual(every.slice(offset, offset + limit));
        }
      }
      await store.close();
    });

    it('counts stories per day by topic, country or language, with the filters; knows when it was created', async () => {
      const store = await kind.open();
      await seed(store, DOCS);
      const since = '2026-11-22T00:00:00.000Z';
      expect(await store.countStoriesByDay({ since, kind: 'topic' })).toEqual([
        { day: '2026-11-22', value: 'trafficking', count: 1 },
        { day: '2026-11-23', value: 'labour-migration', count: 1 },
        { day: '2026-11-24', value: 'trafficking', count: 1 },
        { day: '2026-11-25', value: 'labour-migration', count: 1 },
        { day: '2026-11-26', value: 'trafficking', count: 1 },
      ]);
      expect(await store.countStoriesByDay({ since, kind: 'country', topics: ['labour-migration'] })).toEqual(
        [
          { day: '2026-11-23', value: 'uz', count: 1 },
          { day: '2026-11-25', value: 'tj', count: 1 },
        ],
      );
      const created = await store.createdAt();
      expect(Date.parse(created)).toBeGreaterThan(Date.parse('2020-01-01T00:00:00.000Z'));
      expect(await store.createdAt()).toBe(created);
      await store.close();
    });

    it('dates a story by its first publication, and by the fetch time when no item had a date', async () => {
      const store = await kind.open();
      await seed(store, [
        { id: 'dated', title: 'a', language: 'en', publishedAt: '2026-11-01T00:00:00.000Z' },
        { id: 'undated', title: 'b', language: 'en', publishedAt: NOW, dateGuessed: true },
      ]);
      const dated = await store.getStory('dated');
      expect(dated).toMatchObject({ publishedAt: '2026-11-01T00:00:00.000Z', publishedGuessed: false });
      expect(await store.getStory('undated')).toMatchObject({ publishedAt: NOW, publishedGuessed: true });
      // An earlier copy joins: the story moves back to when it first appeared.
      await store.upsertItems([
        {
          id: 'copy',
          sourceId: 'src-b',
          url: 'https://example.org/copy',
          title: 'a',
          summary: '',
          categories: [],
          publishedAt: '2026-10-30T00:00:00.000Z',
          fetchedAt: NOW,
        },
      ]);
      await store.saveClassification('copy', classification('trafficking'), 'v1');
      await store.saveStories(
        [{ ...dated!, representativeItemId: 'dated' }],
        [{ itemId: 'copy', storyId: 'dated' }],
      );
      expect((await store.getStory('dated'))?.publishedAt).toBe('2026-10-30T00:00:00.000Z');
      // Pages list by first publication, feeds keep their order by first sighting.
      expect(ids(await store.listStories({ order: 'published' }))).toEqual(['undated', 'dated']);
      expect(
        ids(await store.listStories({ order: 'published', publishedSince: '2026-11-02T00:00:00.000Z' })),
      ).toEqual(['undated']);
      await store.close();
    });
  });
}

/** A database migrated up to (not including) the search migration, for the backfill test. */
async function olderDatabase(kind: StoreKind): Promise<{ driver: SqlDriver; drop(): Promise<void> }> {
  if (kind.name === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'tipwire-search-'));
    return {
      driver: openSqlite(join(dir, 'old.db')),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const admin = process.env.TIPWIRE_TEST_DATABASE_URL ?? '';
  const name = `tipwire_search_${process.pid}_${Date.now()}`;
  const run = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(sql);
    await client.end();
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    driver: openPostgres(url.toString()),
    drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

for (const kind of kinds) {
  it(`the search migration indexes what an older ${kind.name} database already holds`, async () => {
    const { driver, drop } = await olderDatabase(kind);
    try {
      await migrate(
        driver,
        migrations.filter((migration) => migration.id < 5),
      );
      const before = new SqlStore(driver);
      // Written with the columns every earlier version had (no search triggers yet).
      await driver.run(
        `INSERT INTO items (id, source_id, title, summary, categories, published_at, date_guessed, fetched_at,
           changed_at, content_hash, matched, story_id) VALUES ('old', 'src', 'Адам саудасы', '', '[]', ?, 0, ?, ?, 'h', 1, 'old')`,
        ['2026-01-02T00:00:00.000Z', NOW, NOW],
      );
      await driver.run(
        `INSERT INTO stories (id, representative_item_id, topics, countries, languages, first_seen_at, updated_at)
         VALUES ('old', 'old', '[]', '[]', '[]', ?, ?)`,
        [NOW, NOW],
      );
      expect(before).toBeDefined();
      const after = await SqlStore.open(driver);
      expect(ids(await after.searchStories({ text: 'саудасы' }))).toEqual(['old']);
      expect((await after.getStory('old'))?.publishedAt).toBe('2026-01-02T00:00:00.000Z');
      await after.close();
    } finally {
      await drop();
    }
  });
}
