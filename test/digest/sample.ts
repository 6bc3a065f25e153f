// Deterministic sample stories and subscribers for the digest tests and the bench: English and Russian versions
// of the same news, copies from several outlets, three topics, the five Central Asian countries plus regional items,
// and a hostile title (markup that must come out escaped).
import type { ClassifiedItem, StoryView, Subscriber } from '../../src/core/types.ts';

export const TOPICS = [
  { id: 'trafficking', names: { en: 'Trafficking in persons', ru: 'Торговля людьми' } },
  { id: 'labour-migration', names: { en: 'Labour migration', ru: 'Трудовая миграция' } },
  { id: 'border', names: { en: 'Borders and asylum', ru: 'Границы и убежище' } },
];

export const SOURCES = [
  { id: '24kg-en', name: '24.kg', language: 'en' },
  { id: 'orient-ru', name: 'Orient', language: 'ru' },
  { id: 'fergana-ru', name: 'Fergana', language: 'ru' },
  { id: 'unodc', name: 'UNODC', language: 'en' },
  { id: 'azattyk-ky', name: 'Azattyk', language: 'ky' },
];

const COUNTRIES = ['kg', 'uz', 'tm', 'kz', 'tj'];
const HEADLINES_EN = [
  'UNODC trains prosecutors on trafficking in persons',
  'Remittances from Russia fall as labour migrants return',
  'New hotline for victims of forced labour opens',
  'Border guards detain group of migrants without documents',
  'Court sentences recruiter for luring women abroad',
  'IOM opens reintegration centre for returning migrants',
];
const HEADLINES_RU = [
  'УНП ООН обучает прокуроров противодействию торговле людьми',
  'Денежные переводы из России сокращаются',
  'Открыта горячая линия для пострадавших от принудительного труда',
  'Пограничники задержали группу мигрантов без документов',
  'Суд вынес приговор вербовщику, увозившему женщин за границу',
  'МОМ открыла центр реинтеграции для возвращающихся мигрантов',
];

function item(
  story: string,
  n: number,
  source: (typeof SOURCES)[number],
  title: string,
  publishedAt: string,
  country?: string,
): ClassifiedItem {
  return {
    id: `${story}-i${n}`,
    sourceId: source.id,
    url: `https://news.example/${source.id}/${story}`,
    link: `https://news.example/${source.id}/${story}?utm_source=rss`,
    title,
    summary:
      source.language === 'ru'
        ? `${title}. Подробности: встреча прошла в столице, участники обсудили защиту пострадавших, сотрудничество ведомств и помощь мигрантам, вернувшимся домой после работы за рубежом.`
        : `${title}. The meeting in the capital discussed protection of victims, cooperation between agencies and support for migrants who came home after working abroad.`,
    categories: [],
    publishedAt,
    language: source.language,
    country,
    fetchedAt: publishedAt,
    storyId: story,
  };
}

/** n stories with first-seen times spread evenly over [since, until). */
export function sampleStories(n: number, since: string, until: string): StoryView[] {
  const start = Date.parse(since);
  const step = (Date.parse(until) - start) / Math.max(1, n);
  const out: StoryView[] = [];
  for (let i = 0; i < n; i += 1) {
    const id = `s${String(i).padStart(4, '0')}`;
    const at = new Date(start + Math.floor(i * step)).toISOString();
    const topic = TOPICS[i % TOPICS.length]?.id ?? 'trafficking';
    const second = i % 4 === 0 ? [TOPICS[(i + 1) % TOPICS.length]?.id ?? 'border'] : [];
    const country = i % 6 === 5 ? undefined : COUNTRIES[i % COUNTRIES.length];
    const h = i % HEADLINES_EN.length;
    const en = SOURCES[i % 2 === 0 ? 0 : 3] ?? SOURCES[0]!;
    const items: ClassifiedItem[] = [];
    if (i % 3 !== 2) items.push(item(id, 0, en, `${HEADLINES_EN[h]} (${i})`, at, country));
    if (i % 3 !== 0) items.push(item(id, 1, SOURCES[1]!, `${HEADLINES_RU[h]} (${i})`, at, country));
    if (i % 5 === 0) items.push(item(id, 2, SOURCES[2]!, `${HEADLINES_RU[h]} (${i}, копия)`, at, country));
    const representative = items[0]!;
    out.push({
      id,
      representativeItemId: representative.id,
      topics: [topic, ...second],
      countries: country ? [country] : [],
      languages: [...new Set(items.map((x) => x.language ?? ''))],
      firstSeenAt: at,
      updatedAt: at,
      representative,
      items,
    });
  }
  return out;
}

/** A story whose title and summary try to inject markup. */
export function hostileStory(at: string): StoryView {
  const bad = item(
    'evil',
    0,
    SOURCES[0]!,
    '<script>alert(1)</script> Smugglers & "recruiters" <b>arrested</b>',
    at,
    'kg',
  );
  bad.link = 'javascript:alert(1)';
  bad.url = undefined;
  return {
    id: 'evil',
    representativeItemId: bad.id,
    topics: ['trafficking'],
    countries: ['kg'],
    languages: ['en'],
    firstSeenAt: at,
    updatedAt: at,
    representative: bad,
    items: [bad],
  };
}

export function subscriber(overrides: Partial<Subscriber> = {}): Subscriber {
  return {
    id: 'sub1',
    email: 'reader@example.org',
    name: 'Reader',
    locale: 'en',
    timeZone: 'Asia/Bishkek',
    topics: [],
    countries: [],
    languages: [],
    frequency: 'weekly',
    status: 'active',
    createdAt: '2026-10-01T00:00:00.000Z',
    confirmedAt: '2026-10-01T00:00:00.000Z',
    ...overrides,
  };
}
