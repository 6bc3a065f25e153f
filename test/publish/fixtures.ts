// A fixed set of stories for the publish and feed-server tests, stored through the real Store API: an English story
// with a Russian translation and a copy from another outlet, a hostile one (markup, script, control characters,
// quotes, Cyrillic, emoji), one whose links are all broken, and one given only a link. Dates are fixed, so the
// rendered feeds are byte-stable and can be snapshot-tested.
import type { Classification, Item, Source, Story } from '../../src/core/types.ts';
import type { Config } from '../../src/config/types.ts';
import { appSchema } from '../../src/config/schema.ts';
import { topicsFileSchema } from '../../src/config/topics-schema.ts';
import type { Store } from '../../src/store/port.ts';

export const BASE_URL = 'https://tipwire.example/news';

export const sources: Source[] = [
  {
    id: 'unodc',
    name: 'UNODC Central Asia',
    url: 'https://www.unodc.org/centralasia/rss.xml',
    homepage: 'https://www.unodc.org/centralasia/',
    languages: ['en'],
    tags: [],
    enabled: true,
  },
  {
    id: 'unodc-ru',
    name: 'УНП ООН Центральная Азия',
    url: 'https://www.unodc.org/centralasia/ru/rss.xml',
    homepage: 'https://www.unodc.org/centralasia/ru/',
    languages: ['ru'],
    tags: [],
    enabled: true,
  },
  {
    id: 'turkmenportal',
    name: 'Turkmenportal',
    url: 'https://turkmenportal.com/rss?lang=en&x=1',
    country: 'tm',
    languages: ['en'],
    tags: [],
    enabled: true,
  },
  {
    id: '24kg',
    name: '24.kg & «Новости»',
    url: 'https://24.kg/rss/',
    homepage: 'https://24.kg/',
    country: 'kg',
    languages: ['ru'],
    tags: [],
    enabled: true,
  },
  {
    id: 'kun-uz',
    name: 'Kun.uz',
    url: 'https://kun.uz/news/rss',
    homepage: 'https://kun.uz/',
    country: 'uz',
    languages: ['uz'],
    tags: [],
    enabled: true,
  },
  {
    id: 'tengri',
    name: 'Tengrinews',
    url: 'https://tengrinews.kz/rss/',
    country: 'kz',
    languages: ['kk'],
    tags: [],
    enabled: true,
  },
  {
    id: 'off',
    name: 'Disabled outlet',
    url: 'https://off.example/rss',
    languages: ['en'],
    tags: [],
    enabled: false,
  },
];

export const topics = [
  { id: 'trafficking', names: { en: 'Human trafficking', ru: 'Торговля людьми' }, terms: {} },
  { id: 'migration', names: { en: 'Labour migration', ru: 'Трудовая миграция' }, terms: {} },
  { id: 'unused', names: { en: 'A topic with no stories' }, terms: {} },
];

export function testConfig(
  overrides: {
    feedsDir?: string;
    hub?: string;
    baseUrl?: string;
    maxItems?: number;
    windowDays?: number;
  } = {},
): Config {
  return {
    dir: '/nonexistent',
    app: appSchema.parse({
      server: { baseUrl: overrides.baseUrl ?? BASE_URL },
      paths: { feeds: overrides.feedsDir ?? 'out/feeds' },
      publish: {
        title: 'tipwire test feed',
        maxItems: overrides.maxItems ?? 100,
        windowDays: overrides.windowDays ?? 3650,
        ...(overrides.hub ? { websubHub: overrides.hub } : {}),
      },
    }),
    sources,
    topics: topicsFileSchema.parse({ topics }),
    version: 'test-version',
  };
}

export const NOW = new Date('2026-03-10T12:00:00.000Z');

function item(partial: Partial<Item> & Pick<Item, 'id' | 'sourceId' | 'title' | 'publishedAt'>): Item {
  return { summary: '', categories: [], fetchedAt: partial.publishedAt, ...partial };
}

const trafficking = (
  field: 'title' | 'summary',
  term: string,
  match: string,
): Classification['topics'][number] => ({
  topic: 'trafficking',
  score: 2.5,
  evidence: [{ term, field, match, weight: 2.5 }],
});

export const HOSTILE_TITLE = 'Smugglers & "brokers" <arrested> in Osh — «Кыргызстан» 🚨 \u0001';

export const items: Item[] = [
  item({
    id: 'i-unodc-en',
    sourceId: 'unodc',
    url: 'https://www.unodc.org/centralasia/en/news/training-turkmen-prosecutors.html',
    link: 'https://www.unodc.org/centralasia/en/news/training-turkmen-prosecutors.html?utm_source=rss',
    guid: 'unodc-2026-031',
    title: 'UNODC trains Turkmen prosecutors on trafficking in persons',
    summary:
      'A three-day training in Ashgabat for prosecutors and investigators on trafficking in persons cases.',
    contentHtml:
      '<p>A three-day training in <b>Ashgabat</b> for prosecutors on <a href="https://www.unodc.org/tip">trafficking in persons</a>.</p>',
    author: 'UNODC ROCA',
    publishedAt: '2026-03-02T09:00:00.000Z',
    language: 'en',
    country: 'tm',
  }),
  item({
    id: 'i-unodc-ru',
    sourceId: 'unodc-ru',
    url: 'https://www.unodc.org/centralasia/ru/news/training-turkmen-prosecutors.html',
    title: 'УНП ООН обучает туркменских прокуроров по вопросам торговли людьми',
    summary: 'Трёхдневный тренинг в Ашхабаде.',
    publishedAt: '2026-03-02T11:00:00.000Z',
    language: 'ru',
    country: 'tm',
  }),
  item({
    id: 'i-tp-copy',
    sourceId: 'turkmenportal',
    url: 'https://turkmenportal.com/en/blog/12345?a=1&b=2',
    title: 'UNODC trains Turkmen prosecutors on trafficking in persons',
    summary: 'Re-published.',
    publishedAt: '2026-03-02T15:00:00.000Z',
    language: 'en',
    country: 'tm',
  }),
  item({
    id: 'i-hostile',
    sourceId: '24kg',
    url: 'https://24.kg/obschestvo/300001_smugglers/',
    title: HOSTILE_TITLE,
    summary:
      'Police said <script>alert("x")</script> that <img src=x onerror=alert(1)> five people were detained \u000b in Osh.',
    contentHtml:
      '<p onclick="steal()">Five people <a href="javascript:alert(1)">detained</a>]]> in <b>Osh <i>unclosed <img src="x" onerror="alert(1)"><script>alert(2)</script><iframe src="https://evil.example/"></iframe>',
    author: 'Редакция <b>24.kg</b>',
    publishedAt: '2026-03-03T06:30:00.000Z',
    updatedAt: '2026-03-04T08:00:00.000Z',
    language: 'ru',
    country: 'kg',
  }),
  item({
    id: 'i-badlinks',
    sourceId: 'kun-uz',
    link: 'ht!tp://bad url with spaces',
    guid: 'kun-777',
    title: 'Mehnat muhojirlari uchun yangi qoidalar',
    summary: 'Oʻzbekiston mehnat migratsiyasi agentligi yangi qoidalarni eʼlon qildi.',
    publishedAt: '2026-03-04T10:00:00.000Z',
    language: 'uz',
    country: 'uz',
  }),
  item({
    id: 'i-linkonly',
    sourceId: 'tengri',
    link: 'https://tengrinews.kz/kazakhstan_news/migranty-555/',
    title: 'Көші-қон: жаңа ережелер',
    summary: '',
    publishedAt: '2026-03-05T07:00:00.000Z',
    language: 'kk',
    country: 'kz',
  }),
  item({
    id: 'i-linkonly-badcopy',
    sourceId: 'kun-uz',
    link: 'javascript:alert(1)',
    title: 'Copy with a hostile link',
    summary: '',
    publishedAt: '2026-03-05T08:00:00.000Z',
    language: 'kk',
  }),
];

export const classifications: Record<string, Classification> = {
  'i-unodc-en': {
    language: 'en',
    topics: [trafficking('title', 'trafficking in persons', 'trafficking in persons')],
    countries: ['tm'],
  },
  'i-unodc-ru': {
    language: 'ru',
    topics: [trafficking('title', 'торговля людьми', 'торговли людьми')],
    countries: ['tm'],
  },
  'i-tp-copy': {
    language: 'en',
    topics: [trafficking('title', 'trafficking in persons', 'trafficking in persons')],
    countries: ['tm'],
  },
  'i-hostile': {
    language: 'ru',
    topics: [
      trafficking('summary', 'торговля <людьми> & "co"', 'задержаны'),
      {
        topic: 'migration',
        score: 1.5,
        evidence: [{ term: 'мигрант', field: 'summary', match: 'мигранты', weight: 1.5 }],
      },
    ],
    countries: ['kg'],
  },
  'i-badlinks': {
    language: 'uz',
    topics: [
      {
        topic: 'migration',
        score: 2,
        evidence: [{ term: 'mehnat muhojir', field: 'title', match: 'Mehnat muhojirlari', weight: 2 }],
      },
    ],
    countries: ['uz'],
  },
  'i-linkonly': {
    language: 'kk',
    topics: [{ topic: 'migration', score: 1, evidence: [] }],
    countries: ['kz'],
  },
  'i-linkonly-badcopy': {
    language: 'kk',
    topics: [{ topic: 'migration', score: 1, evidence: [] }],
    countries: [],
  },
};

export const stories: Story[] = [
  {
    id: 'st-unodc',
    representativeItemId: 'i-unodc-en',
    topics: ['trafficking'],
    countries: ['tm'],
    languages: ['en', 'ru'],
    firstSeenAt: '2026-03-02T09:05:00.000Z',
    updatedAt: '2026-03-02T15:05:00.000Z',
  },
  {
    id: 'st-hostile',
    representativeItemId: 'i-hostile',
    topics: ['trafficking', 'migration'],
    countries: ['kg'],
    languages: ['ru'],
    firstSeenAt: '2026-03-03T06:35:00.000Z',
    updatedAt: '2026-03-04T08:05:00.000Z',
  },
  {
    id: 'st-badlinks',
    representativeItemId: 'i-badlinks',
    topics: ['migration'],
    countries: ['uz'],
    languages: ['uz'],
    firstSeenAt: '2026-03-04T10:05:00.000Z',
    updatedAt: '2026-03-04T10:05:00.000Z',
  },
  {
    id: 'st-linkonly',
    representativeItemId: 'i-linkonly',
    topics: ['migration'],
    countries: ['kz'],
    languages: ['kk'],
    firstSeenAt: '2026-03-05T07:05:00.000Z',
    updatedAt: '2026-03-05T08:05:00.000Z',
  },
];

const assignments: Record<string, string> = {
  'i-unodc-en': 'st-unodc',
  'i-unodc-ru': 'st-unodc',
  'i-tp-copy': 'st-unodc',
  'i-hostile': 'st-hostile',
  'i-badlinks': 'st-badlinks',
  'i-linkonly': 'st-linkonly',
  'i-linkonly-badcopy': 'st-linkonly',
};

/** Stores the fixed items, classifications and stories through the Store API. */
export async function seedStore(store: Store): Promise<void> {
  await store.upsertItems(items);
  for (const [id, classification] of Object.entries(classifications))
    await store.saveClassification(id, classification, 'test-rules');
  await store.saveStories(
    stories,
    Object.entries(assignments).map(([itemId, storyId]) => ({ itemId, storyId })),
  );
}
