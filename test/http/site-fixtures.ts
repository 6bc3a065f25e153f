// Stories for the reader site's tests, stored through the real Store API: the publish fixtures (an English story
// with a Russian version and a copy, a hostile one, one with broken links, one given only a link) plus a run of
// generated stories over six months for the lists, pages and charts, a story whose date was guessed, one that
// follows an earlier one, one judged by the relevance model, and a story built to attack the page: markup, script,
// event handlers and a javascript: link in title, summary and link.
import type { Classification, Item, Story } from '../../src/core/types.ts';
import type { Store } from '../../src/store/port.ts';
import { seedStore } from '../publish/fixtures.ts';

export { testConfig, BASE_URL } from '../publish/fixtures.ts';

/** The clock of the site tests: a week after the last generated story. */
export const SITE_NOW = new Date('2026-03-10T12:00:00.000Z');

export const ATTACK_TITLE =
  '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2"> Trafficking ring "broken" & <b>bold</b>';
export const ATTACK_SUMMARY =
  '</p><script>window.__pwned=3</script><a href="javascript:window.__pwned=4">click</a> <svg onload="window.__pwned=5"> Migrants \u0007 freed';

export const GENERATED = 64;

const item = (partial: Partial<Item> & Pick<Item, 'id' | 'sourceId' | 'title' | 'publishedAt'>): Item => ({
  summary: '',
  categories: [],
  fetchedAt: partial.publishedAt,
  ...partial,
});

const classified = (
  topic: string,
  language: string,
  match: string,
  extra: Partial<Classification['topics'][number]> = {},
): Classification => ({
  language,
  topics: [
    {
      topic,
      score: 2,
      evidence: [{ term: `${match.slice(0, 6)}*`, field: 'title', match, weight: 2 }],
      ...extra,
    },
  ],
  countries: [],
});

export async function seedSite(store: Store): Promise<void> {
  await seedStore(store);
  const items: Item[] = [];
  const classes: [string, Classification][] = [];
  const stories: Story[] = [];
  const assign: { itemId: string; storyId: string }[] = [];
  const countries = ['kg', 'kz', 'uz', 'tj', 'tm'];
  // Generated: one story every ~2.8 days back from 1 March, alternating topics, countries and languages.
  for (let i = 0; i < GENERATED; i += 1) {
    const published = new Date(Date.UTC(2026, 2, 1, 8) - i * 2.8 * 86_400_000).toISOString();
    const ru = i % 3 === 0;
    const topic = i % 2 === 0 ? 'trafficking' : 'migration';
    const id = `g${String(i).padStart(3, '0')}`;
    items.push(
      item({
        id,
        sourceId: ru ? '24kg' : 'turkmenportal',
        url: `https://news.example/${id}`,
        title: ru ? `Мигранты из региона, выпуск ${i}` : `Migrant workers report number ${i}`,
        summary: ru ? 'Трудовые мигранты вернулись домой.' : 'Labour migrants returned home.',
        publishedAt: published,
        language: ru ? 'ru' : 'en',
        country: countries[i % countries.length],
      }),
    );
    classes.push([id, classified(topic, ru ? 'ru' : 'en', ru ? 'Мигранты' : 'Migrant workers')]);
    stories.push({
      id: `s-${id}`,
      representativeItemId: id,
      topics: [topic],
      countries: [countries[i % countries.length] ?? 'kg'],
      languages: [ru ? 'ru' : 'en'],
      // A batch poll found them all at once: first seen says nothing about when they happened.
      firstSeenAt: '2026-03-06T00:00:00.000Z',
      updatedAt: '2026-03-06T00:00:00.000Z',
    });
    assign.push({ itemId: id, storyId: `s-${id}` });
  }
  // No date in the feed: the fetch time stands in, and the page must say so.
  items.push(
    item({
      id: 'undated',
      sourceId: 'tengri',
      url: 'https://tengrinews.kz/undated',
      title: 'Адам саудасына қарсы күрес: жаңа заң',
      summary: 'Қазақстанда адам саудасына қарсы жаңа заң қабылданды.',
      publishedAt: '2026-03-06T05:00:00.000Z',
      dateGuessed: true,
      language: 'kk',
      country: 'kz',
    }),
  );
  classes.push([
    'undated',
    {
      language: 'kk',
      topics: [
        {
          topic: 'trafficking',
          score: 3,
          evidence: [
            { term: 'адам саудасы', field: 'title', match: 'Адам саудасына', weight: 3 },
            { term: 'адам саудасы', field: 'summary', match: 'адам саудасына', weight: 3 },
          ],
          relevance: 0.93,
          features: [
            { feature: 'm:адам саудасы', weight: 1.8 },
            { feature: 'r:title', weight: 0.9 },
            { feature: 'w:заң', weight: 0.2 },
            { feature: 'x:күрес', weight: -0.3 },
            { feature: 'r:late', weight: -0.1 },
          ],
        },
      ],
      countries: ['kz'],
    },
  ]);
  stories.push({
    id: 's-undated',
    representativeItemId: 'undated',
    topics: ['trafficking'],
    countries: ['kz'],
    languages: ['kk'],
    firstSeenAt: '2026-03-06T05:00:00.000Z',
    updatedAt: '2026-03-06T05:00:00.000Z',
    followsStoryId: 'st-unodc',
  });
  assign.push({ itemId: 'undated', storyId: 's-undated' });
  // The attack: everything a feed could smuggle into a page.
  items.push(
    item({
      id: 'attack',
      sourceId: 'kun-uz',
      url: 'https://kun.uz/attack',
      link: 'javascript:window.__pwned=6',
      title: ATTACK_TITLE,
      summary: ATTACK_SUMMARY,
      publishedAt: '2026-03-07T09:00:00.000Z',
      language: 'en',
      country: 'uz',
    }),
  );
  classes.push([
    'attack',
    {
      language: 'en',
      topics: [
        {
          topic: 'trafficking',
          score: 2,
          evidence: [{ term: 'traffick*', field: 'title', match: '<b>Trafficking</b> "ring"', weight: 2 }],
        },
      ],
      countries: ['uz'],
    },
  ]);
  stories.push({
    id: 's-attack',
    representativeItemId: 'attack',
    topics: ['trafficking'],
    countries: ['uz'],
    languages: ['en'],
    firstSeenAt: '2026-03-07T09:00:00.000Z',
    updatedAt: '2026-03-07T09:00:00.000Z',
  });
  assign.push({ itemId: 'attack', storyId: 's-attack' });

  await store.upsertItems(items);
  for (const [id, c] of classes) await store.saveClassification(id, c, 'test-rules');
  await store.saveStories(stories, assign);
}
