// Table tests for the clusterer's rules: each case feeds a few items and checks the relation and story sharing.
import { describe, expect, it } from 'vitest';
import {
  StoryClusterer,
  phoneticKey,
  transliterate,
  extractFeatures,
  type ClusterInput,
} from '../../src/dedupe/index.ts';
import { dedupeSchema } from '../../src/config/schema.ts';

const make = (): StoryClusterer => new StoryClusterer(dedupeSchema.parse({}));
const item = (id: string, over: Partial<ClusterInput>): ClusterInput => ({
  id,
  sourceId: 'src',
  title: '',
  text: '',
  publishedAt: '2025-03-04T09:00:00Z',
  ...over,
});

describe('names across scripts', () => {
  const same: [string, string][] = [
    ['Berdimuhamedov', 'Бердымухамедов'],
    ['Mirziyoyev', 'Мирзиёев'],
    ['Tokayev', 'Токаев'],
    ['Japarov', 'Жапаров'],
  ];
  for (const [latin, cyrillic] of same) {
    it(`${latin} ~ ${cyrillic}`, () => expect(phoneticKey(latin)).toBe(phoneticKey(cyrillic)));
  }
  it('transliterates Kazakh and Tajik letters', () => {
    expect(transliterate('қазақстан')).toBe('qazaqstan');
    expect(transliterate('хуҷанд')).toBe('khujand');
  });
  it('maps place and organisation aliases in any script and case form', () => {
    const en = extractFeatures('UNODC training in Ashgabat', '', 'en').anchors;
    const ru = extractFeatures('Тренинг УНП ООН в Ашхабаде', '', 'ru').anchors;
    expect(en.has('o:unodc') && en.has('p:ashgabat')).toBe(true);
    expect(ru.has('o:unodc') && ru.has('p:ashgabat')).toBe(true);
  });
});

describe('StoryClusterer rules', () => {
  it('same canonical URL through a tracking link is a copy', () => {
    const c = make();
    const a = c.assign(item('a', { url: 'https://kun.uz/en/news/1', title: 'One', text: 'x' }));
    const b = c.assign(
      item('b', { url: 'http://www.kun.uz/en/news/1/?utm_source=tg', title: 'Other words', text: 'y' }),
    );
    expect(b).toMatchObject({ storyId: a.storyId, relation: 'copy' });
  });
  it('same host and article id under /en/ and /ru/ is a translation', () => {
    const c = make();
    const a = c.assign(
      item('a', { url: 'https://orient.tm/en/post/38483/x', title: 'Migrants return home', language: 'en' }),
    );
    const b = c.assign(
      item('b', { url: 'https://orient.tm/ru/post/38483/y', title: 'Мигранты вернулись', language: 'ru' }),
    );
    expect(b).toMatchObject({ storyId: a.storyId, relation: 'translation' });
  });
  it('a date in the path is not an article id', () => {
    const c = make();
    const a = c.assign(
      item('a', {
        url: 'https://asiaplustj.info/en/news/20250311/a',
        title: 'Floods in Khatlon',
        language: 'en',
      }),
    );
    const b = c.assign(
      item('b', {
        url: 'https://asiaplustj.info/ru/news/20250311/b',
        title: 'Выборы в Душанбе',
        language: 'ru',
      }),
    );
    expect(b.storyId).not.toBe(a.storyId);
  });
  it('an updated item keeps its story', () => {
    const c = make();
    const a = c.assign(item('a', { title: 'Old headline', text: 'text' }));
    const again = c.assign(item('a', { title: 'Edited headline', text: 'text edited' }));
    expect(again.storyId).toBe(a.storyId);
  });
  it('seeded items are found again', () => {
    const c = make();
    const text =
      'Police in Almaty region freed 25 citizens of Uzbekistan who were forced to work without pay at a brick factory.';
    c.seed([{ ...item('old', { title: 'Police free 25 Uzbek migrants', text }), storyId: 'story-1' }]);
    expect(c.assign(item('new', { title: 'Kazakhstan: Police free 25 Uzbek migrants', text })).storyId).toBe(
      'story-1',
    );
  });
  it('templated releases about two cities stay apart', () => {
    const c = make();
    const body = (city: string, n: number): string =>
      `IOM held a two-day training in ${city} for ${n} social workers on identifying and referring victims of human trafficking. The training is part of a project funded by the US Government.`;
    const a = c.assign(
      item('a', { title: 'IOM trains social workers in Karakol', text: body('Karakol', 25), language: 'en' }),
    );
    const b = c.assign(
      item('b', {
        title: 'IOM trains social workers in Naryn',
        text: body('Naryn', 30),
        language: 'en',
        publishedAt: '2025-03-05T09:00:00Z',
      }),
    );
    expect(b.storyId).not.toBe(a.storyId);
  });
  it('different sentences of general news do not merge on shared common words', () => {
    const c = make();
    const a = c.assign(
      item('a', { title: 'The river flooded several villages after heavy rain.', language: 'en' }),
    );
    const b = c.assign(item('b', { title: 'The market reopened after heavy rain stopped.', language: 'en' }));
    expect(b.storyId).not.toBe(a.storyId);
  });
  it('items outside the window are forgotten by prune', () => {
    const c = make();
    c.assign(item('a', { title: 'x', publishedAt: '2025-01-01T00:00:00Z' }));
    expect(c.prune(new Date('2025-03-01T00:00:00Z'))).toBe(1);
    expect(c.has('a')).toBe(false);
  });
});
