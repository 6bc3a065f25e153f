// Templates are code: MJML strict validation of every template, composition rules per preferences (table tests),
// escaping of hostile feed text, subjects in English and Russian, the size budget, and the text part as a golden file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { composeDigest, type Preferences } from '../../src/digest/compose.ts';
import {
  compileMjml,
  compileTemplates,
  renderConfirm,
  renderDigest,
  twoLines,
  type DigestTemplates,
  type RenderContext,
} from '../../src/digest/render.ts';
import { periodLabel } from '../../src/digest/i18n.ts';
import { hostileStory, sampleStories, SOURCES, subscriber, TOPICS } from './sample.ts';

const TEMPLATES = join(import.meta.dirname, '../../templates');
const SINCE = '2026-11-23T01:00:00.000Z';
const UNTIL = '2026-11-30T01:00:00.000Z';

function context(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    subscriber: subscriber(),
    timeZone: 'Asia/Bishkek',
    firstDay: '2026-11-23',
    lastDay: '2026-11-29',
    topicOrder: TOPICS.map((t) => t.id),
    topicNames: new Map(TOPICS.map((t) => [t.id, t.names])),
    sourceNames: new Map(SOURCES.map((s) => [s.id, s.name])),
    links: {
      preferences: 'https://tipwire.example/preferences?token=p',
      unsubscribe: 'https://tipwire.example/unsubscribe?token=u',
      view: 'https://tipwire.example/digest/2026-W48?view=v',
      topic: (id) => `https://tipwire.example/stories?topic=${id}`,
    },
    maxPerTopic: 8,
    maxHtmlBytes: 95_000,
    ...overrides,
  };
}

describe('MJML templates', () => {
  const files = [
    'digest.mjml',
    'confirm.mjml',
    ...readdirSync(join(TEMPLATES, 'partials')).map((name) => `partials/${name}`),
  ];
  it.each(files)('%s passes strict validation', async (file) => {
    const result = await compileMjml(join(TEMPLATES, file), TEMPLATES);
    expect(result.errors).toEqual([]);
    expect(result.html).toContain('<!doctype html>');
  });

  it('compiles the digest once into a fill with every part present', async () => {
    const templates = await compileTemplates(TEMPLATES);
    const html = templates.digest({
      topics: [],
      emptyNote: 'EMPTY',
      heading: 'H',
      unsubscribeUrl: 'https://u',
    });
    expect(html).toContain('EMPTY');
    expect(html).toContain('href="https://u"');
    expect(html).not.toMatch(/\{\{/);
  });
});

describe('composeDigest', () => {
  const stories = sampleStories(30, SINCE, UNTIL);
  const order = TOPICS.map((t) => t.id);
  const run = (prefs: Partial<Preferences>, cap = 100) =>
    composeDigest(
      stories,
      { topics: [], countries: [], languages: [], ...prefs },
      { topicOrder: order, cap },
    );
  const ids = (content: ReturnType<typeof run>) =>
    content.topics.flatMap((t) => t.countries.flatMap((c) => c.stories.map((s) => s.story.id)));

  it.each([
    ['everything', {}, 30],
    [
      'one topic',
      { topics: ['trafficking'] },
      stories.filter((s) => s.topics.includes('trafficking')).length,
    ],
    ['one country', { countries: ['kg'] }, stories.filter((s) => s.countries.includes('kg')).length],
    ['Kyrgyz language only (none in the sample)', { languages: ['ky'] }, 0],
    [
      'Russian only',
      { languages: ['ru'] },
      stories.filter((s) => s.items.some((i) => i.language === 'ru')).length,
    ],
  ])('selects %s', (_name, prefs, expected) => {
    const content = run(prefs);
    expect(content.total).toBe(expected);
    expect(new Set(ids(content)).size).toBe(ids(content).length); // nothing twice
  });

  it('groups by topic in the operator order, regional stories last, newest first', () => {
    const content = run({});
    expect(content.topics.map((t) => t.topic)).toEqual(order);
    for (const topic of content.topics) {
      expect(topic.countries.at(-1)?.country === undefined || topic.countries.every((c) => c.country)).toBe(
        true,
      );
      for (const group of topic.countries) {
        const dates = group.stories.map((s) => s.item.publishedAt);
        expect(dates).toEqual([...dates].sort().reverse());
      }
    }
  });

  it('shows the version in a chosen language and lists the others', () => {
    const content = run({ languages: ['ru'] });
    const all = content.topics.flatMap((t) => t.countries.flatMap((c) => c.stories));
    expect(all.every((s) => s.item.language === 'ru')).toBe(true);
    const withEnglish = all.find((s) => s.others.some((o) => o.language === 'en'));
    expect(withEnglish).toBeDefined();
  });

  it('shows a Russian reader the Russian version of a bilingual story, all languages chosen', () => {
    const bilingual = stories.filter(
      (s) => s.items.some((i) => i.language === 'ru') && s.representative.language !== 'ru',
    );
    expect(bilingual.length).toBeGreaterThan(0);
    const picked = run({ locale: 'ru' }).topics.flatMap((t) => t.countries.flatMap((c) => c.stories));
    for (const story of bilingual) {
      expect(picked.find((p) => p.story.id === story.id)?.item.language).toBe('ru');
    }
    const english = run({ locale: 'en' }).topics.flatMap((t) => t.countries.flatMap((c) => c.stories));
    expect(english.find((p) => p.story.id === bilingual[0]?.id)?.item.id).toBe(
      bilingual[0]?.representative.id,
    );
  });

  it('caps each topic and counts the rest', () => {
    const content = run({}, 2);
    for (const topic of content.topics) expect(topic.shown).toBe(Math.min(2, topic.total));
    expect(content.shown).toBe(6);
    expect(content.total).toBe(30);
  });
});

describe('renderDigest', () => {
  let templates: DigestTemplates;
  beforeAll(async () => {
    templates = await compileTemplates(TEMPLATES);
  });

  it('escapes hostile feed text and drops javascript: links', () => {
    const out = renderDigest([hostileStory('2026-11-25T10:00:00.000Z')], templates, context());
    expect(out.html).not.toContain('<script>alert(1)</script>');
    expect(out.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out.html).not.toContain('javascript:');
    expect(out.text).toContain('<script>alert(1)</script> Smugglers'); // plain text is not HTML: shown as written
  });

  it.each([
    ['en', 'Trafficking & migration digest, 23–29 Nov 2026: 14 stories'],
    ['ru', 'Дайджест о торговле людьми и миграции, 23–29 ноября 2026 г.: 14 материалов'],
  ])('subject with period and count in %s', (locale, subject) => {
    const out = renderDigest(
      sampleStories(14, SINCE, UNTIL),
      templates,
      context({ subscriber: subscriber({ locale }) }),
    );
    expect(out.subject).toBe(subject);
    expect(out.total).toBe(14);
    expect(out.html).toContain(`lang="${locale}"`);
  });

  it('keeps the HTML under the budget by shrinking the per-topic cap, with "more" links', () => {
    const many = sampleStories(600, SINCE, UNTIL);
    const out = renderDigest(many, templates, context({ maxPerTopic: 200 }));
    expect(Buffer.byteLength(out.html)).toBeLessThanOrEqual(95_000);
    expect(out.cap).toBeLessThan(200);
    expect(out.cap).toBeGreaterThan(5);
    expect(out.total).toBe(600);
    expect(out.html).toContain('more stories on Trafficking in persons in the web view');
    expect(out.text).toContain('https://tipwire.example/stories?topic=trafficking');
  });

  it('a story with a 1 MB title is shortened; no section is emptied and every announced story is listed or linked', () => {
    const stories = sampleStories(45, SINCE, UNTIL);
    const giant = stories[42]!; // among the newest, so the cap keeps it
    giant.representative.title = `Trafficking ring ${'very '.repeat(200_000)}long`;
    giant.items[0]!.title = giant.representative.title;
    const out = renderDigest(stories, templates, context());
    expect(Buffer.byteLength(out.html)).toBeLessThanOrEqual(95_000);
    expect(out.html).not.toContain('very '.repeat(100));
    // Every topic with stories shows at least one; what is not shown is counted in its "more" link.
    const content = composeDigest(stories, subscriber(), {
      topicOrder: TOPICS.map((t) => t.id),
      cap: out.cap,
    });
    for (const topic of content.topics) expect(topic.shown).toBeGreaterThan(0);
    expect(out.shown).toBeGreaterThanOrEqual(content.topics.length);
    expect(out.html).toContain('Trafficking ring very very');
  });

  it('writes a text part that reads on its own (golden file)', async () => {
    const out = renderDigest(sampleStories(7, SINCE, UNTIL), templates, context({ maxPerTopic: 2 }));
    await expect(out.text).toMatchFileSnapshot('../fixtures/digest/digest.en.txt');
    const ru = renderDigest(
      sampleStories(7, SINCE, UNTIL),
      templates,
      context({ maxPerTopic: 2, subscriber: subscriber({ locale: 'ru', languages: ['ru'] }) }),
    );
    await expect(ru.text).toMatchFileSnapshot('../fixtures/digest/digest.ru.txt');
  });

  it('renders the confirm mail with its link, escaped', () => {
    const out = renderConfirm(templates, {
      locale: 'ru',
      email: 'a"b@example.org',
      confirmUrl: 'https://t.example/confirm?token=a.b&c',
    });
    expect(out.subject).toBe('Подтвердите подписку на дайджест tipwire');
    expect(out.html).toContain('href="https://t.example/confirm?token=a.b&amp;c"');
    expect(out.html).toContain('a&quot;b@example.org');
    expect(out.text).toContain('https://t.example/confirm?token=a.b&c');
  });
});

describe('words', () => {
  it.each([
    ['same month', '2026-11-23', '2026-11-29', 'en', '23–29 Nov 2026'],
    ['two months', '2026-11-30', '2026-12-06', 'en', '30 Nov – 6 Dec 2026'],
    ['two years', '2026-12-28', '2027-01-03', 'ru', '28 декабря 2026 г. – 3 января 2027 г.'],
    ['two years in English', '2026-12-28', '2027-01-03', 'en', '28 Dec 2026 – 3 Jan 2027'],
    ['one day', '2026-11-29', '2026-11-29', 'ru', '29 ноября 2026 г.'],
    ['given backwards', '2026-11-29', '2026-11-23', 'en', '23–29 Nov 2026'],
  ])('period label: %s', (_name, first, last, locale, label) =>
    expect(periodLabel(first, last, locale as 'en')).toBe(label),
  );

  it.each([
    ['short text unchanged', 'Short.', 'Short.'],
    ['long text cut at a word', `${'word '.repeat(60)}`, `${'word '.repeat(44).trim()}…`],
  ])('twoLines: %s', (_name, input, expected) => expect(twoLines(input)).toBe(expected));
});
