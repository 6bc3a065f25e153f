// Composition rules that decide what a digest says about its stories, as named table cases: under which country a
// story sits (where it happened, not the alphabetically first of its countries), which other countries its entry
// names, which days the digest says its stories come from, and the counts per topic for the table at the top.
import { describe, expect, it } from 'vitest';
import { composeDigest, storyPlaces, type Preferences } from '../../src/digest/compose.ts';
import type { ClassifiedItem, StoryView } from '../../src/core/types.ts';

const ORDER = ['trafficking', 'labour-migration', 'border'];

function story(
  id: string,
  options: {
    /** The classifier's countries of the representative's title and lead. */
    mentioned?: string[];
    /** The outlet's country. */
    outlet?: string;
    /** The story's countries (the union over its items, sorted, as the store keeps them). */
    countries?: string[];
    topics?: string[];
    publishedAt?: string;
    storyPublishedAt?: string;
  } = {},
): StoryView {
  const publishedAt = options.publishedAt ?? '2026-11-25T10:00:00.000Z';
  const item: ClassifiedItem = {
    id: `${id}-i0`,
    sourceId: 'src',
    url: `https://news.example/${id}`,
    title: `Story ${id}`,
    summary: '',
    categories: [],
    publishedAt,
    language: 'en',
    country: options.outlet,
    fetchedAt: '2026-12-01T00:00:00.000Z',
    classification: {
      language: 'en',
      topics: [],
      countries: options.mentioned ?? [],
    },
  };
  return {
    id,
    representativeItemId: item.id,
    topics: options.topics ?? ['trafficking'],
    countries:
      options.countries ??
      [...new Set([...(options.mentioned ?? []), ...(options.outlet ? [options.outlet] : [])])].sort(),
    languages: ['en'],
    firstSeenAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    publishedAt: options.storyPublishedAt,
    representative: item,
    items: [item],
  };
}

const prefs = (overrides: Partial<Preferences> = {}): Preferences => ({
  topics: [],
  countries: [],
  languages: [],
  ...overrides,
});

const placed = (stories: StoryView[], p: Preferences = prefs()) =>
  composeDigest(stories, p, { topicOrder: ORDER, cap: 50 }).topics.flatMap((topic) =>
    topic.countries.flatMap((group) =>
      group.stories.map((s) => ({
        id: s.story.id,
        group: group.country,
        others: s.otherCountries,
      })),
    ),
  );

describe('main country', () => {
  it.each([
    [
      'a Kyrgyz court case that names the Emirates sits under Kyrgyzstan (not the alphabetical first)',
      story('court', { mentioned: ['kg', 'ae'], outlet: 'kg' }),
      prefs(),
      'kg',
      ['ae'],
    ],
    [
      'a regional body’s story sits where its text says it happened',
      story('unodc', { mentioned: ['tj', 'ru'] }),
      prefs(),
      'tj',
      ['ru'],
    ],
    ['no country in the text: the outlet’s country', story('forum', { outlet: 'uz' }), prefs(), 'uz', []],
    [
      'a country the copies name comes after the representative’s own',
      story('copies', { mentioned: ['kz'], countries: ['gb', 'kz', 'ru'] }),
      prefs(),
      'kz',
      ['gb', 'ru'],
    ],
    [
      'a subscriber who chose only the Emirates finds the story under the Emirates',
      story('court2', { mentioned: ['kg', 'ae'], outlet: 'kg' }),
      prefs({ countries: ['ae'] }),
      'ae',
      ['kg'],
    ],
    [
      'of two chosen countries, the one where it happened',
      story('court3', { mentioned: ['kg', 'ae'], outlet: 'kg' }),
      prefs({ countries: ['ae', 'kg'] }),
      'kg',
      ['ae'],
    ],
    ['no country anywhere: regional', story('iom'), prefs(), undefined, []],
  ])('%s', (_name, input, p, group, others) => {
    expect(placed([input], p)).toEqual([{ id: input.id, group, others }]);
  });

  it('keeps the places of the representative in the classifier’s order', () => {
    expect(
      storyPlaces(story('x', { mentioned: ['uz', 'gb'], outlet: 'uz', countries: ['gb', 'uz'] })),
    ).toEqual(['uz', 'gb']);
  });
});

describe('the period a digest names', () => {
  const content = (stories: StoryView[], p = prefs()) =>
    composeDigest(stories, p, { topicOrder: ORDER, cap: 1 }).published;

  it.each([
    [
      'earliest to latest first publication, also of stories behind the cap',
      [
        story('a', { publishedAt: '2026-11-22T08:00:00.000Z' }),
        story('b', { publishedAt: '2026-11-28T20:00:00.000Z' }),
        story('c', { publishedAt: '2026-11-25T08:00:00.000Z' }),
      ],
      prefs(),
      { first: '2026-11-22T08:00:00.000Z', last: '2026-11-28T20:00:00.000Z' },
    ],
    [
      "the story's first publication when the store knows an earlier one than its representative's",
      [
        story('a', {
          publishedAt: '2026-11-26T08:00:00.000Z',
          storyPublishedAt: '2026-11-23T06:00:00.000Z',
        }),
      ],
      prefs(),
      { first: '2026-11-23T06:00:00.000Z', last: '2026-11-23T06:00:00.000Z' },
    ],
    [
      'only the stories the subscriber gets',
      [
        story('a', { publishedAt: '2026-11-20T08:00:00.000Z', topics: ['border'] }),
        story('b', { publishedAt: '2026-11-27T08:00:00.000Z' }),
      ],
      prefs({ topics: ['trafficking'] }),
      { first: '2026-11-27T08:00:00.000Z', last: '2026-11-27T08:00:00.000Z' },
    ],
    ['none for an empty digest', [], prefs(), undefined],
  ])('%s', (_name, stories, p, expected) => expect(content(stories, p)).toEqual(expected));
});

describe('counts per topic', () => {
  const stories = [
    story('a', { topics: ['trafficking', 'border'] }),
    story('b', { topics: ['trafficking'] }),
    story('c', { topics: ['labour-migration'] }),
  ];
  it.each([
    [
      'every topic in the operator’s order, zeros included, a story counted once',
      prefs(),
      [
        { topic: 'trafficking', count: 2 },
        { topic: 'labour-migration', count: 1 },
        { topic: 'border', count: 0 },
      ],
    ],
    [
      'the chosen topics only, in the operator’s order',
      prefs({ topics: ['border', 'labour-migration'] }),
      [
        { topic: 'labour-migration', count: 1 },
        { topic: 'border', count: 1 },
      ],
    ],
  ])('%s', (_name, p, expected) => {
    const content = composeDigest(stories, p, { topicOrder: ORDER, cap: 50 });
    expect(content.counts).toEqual(expected);
    expect(content.counts.reduce((n, c) => n + c.count, 0)).toBe(content.total);
  });
});
