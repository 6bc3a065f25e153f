// The reader site: one function per page, each reading the request, calling the use-cases of jobs/site.ts and
// rendering through the one layout and i18n. No script anywhere: filters and search are GET forms, the charts are
// inline SVG. Every text from a feed is escaped here, at the output (jobs/site.ts has made it plain text).
//
//   /                       latest stories, with filters (topic, country, language, period) and the charts
//   /topic/<id>, /country/<cc>, /lang/<ll>   the same for one slice, with its feeds announced
//   /story/<id>             one story: every version and copy, why it is here, its countries and languages
//   /search?q=…             search with the same filters; /search.atom?q=… the same as a feed
//   /feeds, /feeds.opml     every feed the site offers, as a page and as OPML
//   /stories                the old list: a permanent redirect to /
import { countryName, languageName } from '../core/intl.ts';
import { escapeHtml as esc } from '../core/html.ts';
import {
  PERIODS,
  feedLinks,
  latestStories,
  readReaderQuery,
  readerQueryString,
  searchFeed,
  searchStories,
  storyDetail,
  storyTags,
  weeklyCounts,
  type FeedLinks,
  type Period,
  type QueryProblem,
  type ReaderQuery,
  type StoryCard,
  type StoryDetail,
  type StoryList,
  type StoryTags,
  type WeeklyCounts,
} from '../jobs/site.ts';
import { feedsOpml, type FeedsIndex, feedsIndex } from '../jobs/site.ts';
import type { Locale } from '../jobs/subscribers.ts';
import { renderWeeklyChart, type ChartWeek } from './chart.ts';
import type { SiteWords } from './i18n-site.ts';
import { negotiateLocale, words, type PageWords } from './i18n.ts';
import { sendHtml } from './layout.ts';
import type { Handler, RequestContext } from './routes.ts';

type SliceKind = 'topic' | 'country' | 'lang';

/** Facets and chart counts change with each poll, not each request: kept this long per process. */
const CACHE_MS = 60_000;

export interface SitePages {
  home: Handler;
  slice: (kind: SliceKind) => Handler;
  story: Handler;
  search: Handler;
  searchAtom: Handler;
  feeds: Handler;
  feedsOpml: Handler;
  storiesRedirect: Handler;
}

// --- small pieces ----------------------------------------------------------------------------------------------

const attr = (name: string, value: string | undefined): string => (value ? ` ${name}="${esc(value)}"` : '');

function dateHtml(iso: string, guessed: boolean, s: SiteWords): string {
  const text = s.date(iso);
  return `<time datetime="${esc(iso)}">${esc(guessed ? s.guessed(text) : text)}</time>`;
}

function topicLinks(card: StoryCard): string {
  return card.topics.map((topic) => `<a href="/topic/${esc(topic.id)}">${esc(topic.name)}</a>`).join(', ');
}

function otherLinks(label: string, links: StoryCard['translations']): string {
  if (links.length === 0) return '';
  const items = links.map((link) => {
    const name = `${link.sourceName}${link.language ? ` (${languageName(link.language)})` : ''}`;
    return link.url
      ? `<a href="${esc(link.url)}"${attr('hreflang', link.language)}>${esc(name)}</a>`
      : esc(name);
  });
  return `<p class="also">${esc(label)}: ${items.join(', ')}</p>`;
}

function storyCardHtml(card: StoryCard, s: SiteWords): string {
  const lang = attr('lang', card.language);
  return `<article>
<h2${lang}><a href="/story/${encodeURIComponent(card.id)}">${esc(card.title)}</a></h2>
<p class="meta">${esc(card.sourceName)} · ${dateHtml(card.published, card.guessed, s)}${card.topics.length ? ` · ${topicLinks(card)}` : ''}</p>
${card.summary ? `<p${lang}>${esc(card.summary)}</p>\n` : ''}${otherLinks(s.alsoIn, card.translations)}${otherLinks(s.copies, card.copies)}</article>`;
}

function listHtml(list: StoryList, s: SiteWords, empty: string): string {
  if (list.cards.length === 0) return `<p role="status">${esc(empty)}</p>`;
  return list.cards.map((card) => storyCardHtml(card, s)).join('\n');
}

function pagerHtml(path: string, query: ReaderQuery, more: boolean, s: SiteWords): string {
  if (query.page === 1 && !more) return '';
  const link = (page: number, text: string, rel: string): string =>
    `<a rel="${rel}" href="${esc(path + readerQueryString({ ...query, page }))}">${esc(text)}</a>`;
  return `<nav class="pager" aria-label="${esc(s.pages)}"><span>${query.page > 1 ? link(query.page - 1, s.newer, 'prev') : ''}</span><span>${esc(s.pageOf(query.page))}</span><span>${more ? link(query.page + 1, s.older, 'next') : ''}</span></nav>`;
}

function problemsHtml(problems: QueryProblem[], s: SiteWords): string {
  return problems
    .map((p) => `<p class="note" role="status">${esc(s.unknownFilter(p.param, p.value))}</p>`)
    .join('\n');
}

/** "Follow this list: Atom · RSS · JSON Feed" and the matching <link rel=alternate> lines for the head. */
function feedBlock(links: FeedLinks, title: string, label: string): { body: string; head: string } {
  return {
    body: `<p class="feeds">${esc(label)}: <a href="${esc(links.atom)}" type="application/atom+xml">Atom</a> <a href="${esc(links.rss)}" type="application/rss+xml">RSS</a> <a href="${esc(links.json)}" type="application/feed+json">JSON Feed</a></p>`,
    head: [
      `<link rel="alternate" type="application/atom+xml" title="${esc(title)}" href="${esc(links.atom)}">`,
      `<link rel="alternate" type="application/rss+xml" title="${esc(title)}" href="${esc(links.rss)}">`,
      `<link rel="alternate" type="application/feed+json" title="${esc(title)}" href="${esc(links.json)}">`,
    ].join('\n'),
  };
}

/** Adds the slice's filters to a feed URL (the feeds read ?topic=&country=&lang=). */
function withFilters(links: FeedLinks, query: ReaderQuery): FeedLinks {
  const extra = readerQueryString({ topic: query.topic, country: query.country, language: query.language });
  return { atom: links.atom + extra, rss: links.rss + extra, json: links.json + extra };
}

interface Choice {
  value: string;
  label: string;
}

function selectHtml(
  name: string,
  label: string,
  choices: Choice[],
  current: string | undefined,
  any: string,
): string {
  const options = [`<option value="">${esc(any)}</option>`]
    .concat(
      choices.map(
        (c) =>
          `<option value="${esc(c.value)}"${c.value === current ? ' selected' : ''}>${esc(c.label)}</option>`,
      ),
    )
    .join('');
  return `<p><label for="f-${name}">${esc(label)}</label><select id="f-${name}" name="${name}">${options}</select></p>`;
}

function choices(tags: StoryTags, query: ReaderQuery, locale: Locale, topicNames: Map<string, string>) {
  const keep = (values: string[], current: string | undefined): string[] =>
    current && !values.includes(current) ? [...values, current] : values;
  const byLabel = (a: Choice, b: Choice): number => a.label.localeCompare(b.label, locale);
  return {
    topics: [...topicNames].map(([value, label]) => ({ value, label })),
    countries: keep(tags.countries, query.country)
      .map((value) => ({ value, label: countryName(value, locale) }))
      .sort(byLabel),
    languages: keep(tags.languages, query.language)
      .map((value) => ({ value, label: languageName(value) }))
      .sort(byLabel),
  };
}

/** The filter form: a GET form, so it works with no script; the path's own filter is not offered again. */
function filterForm(
  action: string,
  query: ReaderQuery,
  fixed: SliceKind | undefined,
  tags: StoryTags,
  locale: Locale,
  topicNames: Map<string, string>,
  t: PageWords,
  search: boolean,
): string {
  const s = t.site;
  const c = choices(tags, query, locale, topicNames);
  const periods = (Object.keys(PERIODS) as Period[]).map((value) => ({ value, label: s.periods[value] }));
  const fields = [
    search
      ? `<p class="q"><label for="f-q">${esc(s.searchWords)}</label><input type="search" id="f-q" name="q" value="${esc(query.q)}" aria-describedby="search-hint"></p>`
      : '',
    fixed === 'topic' ? '' : selectHtml('topic', s.topic, c.topics, query.topic, s.any),
    fixed === 'country' ? '' : selectHtml('country', s.country, c.countries, query.country, s.any),
    fixed === 'lang' ? '' : selectHtml('lang', s.language, c.languages, query.language, s.any),
    selectHtml('period', s.period, periods, query.period, s.any),
    search
      ? selectHtml(
          'sort',
          s.sort,
          [{ value: 'relevance', label: s.relevance }],
          query.sort === 'relevance' ? 'relevance' : undefined,
          s.newest,
        )
      : '',
  ].join('');
  const active = query.topic || query.country || query.language || query.period;
  const clear = active || (search && query.q) ? ` <a href="${esc(action)}">${esc(s.clear)}</a>` : '';
  return `<form method="get" action="${esc(action)}" role="search" aria-label="${esc(search ? s.searchLabel : s.filters)}">
<fieldset><legend>${esc(search ? s.searchLabel : s.filters)}</legend><div class="filters">${fields}<p class="actions"><button type="submit">${esc(search ? s.searchButton : s.apply)}</button>${clear}</p></div>
${search ? `<p class="note" id="search-hint">${esc(s.searchHint)}</p>` : ''}</fieldset>
</form>`;
}

function chartHtml(
  id: string,
  title: string,
  counts: WeeklyCounts,
  name: (value: string) => string,
  s: SiteWords,
): string {
  const weeks: ChartWeek[] = counts.weeks.map((start, w) => ({
    start,
    label: s.weekLabel(start),
    tick:
      w === 0 || start.slice(5, 7) !== (counts.weeks[w - 1] ?? '').slice(5, 7)
        ? s.monthLabel(start)
        : undefined,
  }));
  const last = counts.weeks[counts.weeks.length - 1] ?? '';
  return renderWeeklyChart(
    id,
    weeks,
    counts.series.map((series) => ({ label: name(series.value), counts: series.counts })),
    {
      title,
      range: s.chartRange(s.date(counts.weeks[0] ?? last), s.date(last)),
      total: s.chartTotal,
      busiest: s.chartBusiest,
      none: s.noStories,
      tableSummary: s.chartTable,
      week: s.chartWeek,
    },
  );
}

// --- the pages -------------------------------------------------------------------------------------------------

export function createSitePages(): SitePages {
  /** Values that change slowly, per process: facets for the filter forms, chart counts. */
  const cache = new Map<string, { at: number; value: Promise<unknown> }>();
  const cached = <T>(r: RequestContext, key: string, make: () => Promise<T>): Promise<T> => {
    const now = Date.now();
    const full = `${r.app.published.generation}|${key}`;
    const hit = cache.get(full);
    if (hit && now - hit.at < CACHE_MS) return hit.value as Promise<T>;
    const value = make();
    value.catch(() => cache.delete(full));
    if (cache.size > 200) cache.clear();
    cache.set(full, { at: now, value });
    return value;
  };

  const topicNames = (r: RequestContext, locale: Locale): Map<string, string> =>
    new Map(
      r.app
        .config()
        .topics.topics.map((topic) => [topic.id, topic.names[locale] ?? topic.names['en'] ?? topic.id]),
    );

  const charts = async (
    r: RequestContext,
    kinds: ('topic' | 'country')[],
    slice: Pick<ReaderQuery, 'topic' | 'country' | 'language'>,
    locale: Locale,
    s: SiteWords,
  ): Promise<string> => {
    const names = topicNames(r, locale);
    const parts = await Promise.all(
      kinds.map(async (kind) => {
        const counts = await cached(
          r,
          `chart|${kind}|${slice.topic}|${slice.country}|${slice.language}`,
          () => weeklyCounts(r.app, kind, slice),
        );
        return kind === 'topic'
          ? chartHtml('chart-topic', s.chartByTopic, counts, (v) => names.get(v) ?? v, s)
          : chartHtml('chart-country', s.chartByCountry, counts, (v) => countryName(v, locale), s);
      }),
    );
    return parts.join('\n');
  };

  /** Home and the slice pages: one list with its filters, feeds and charts. */
  const listPage = async (
    r: RequestContext,
    fixed: { kind: SliceKind; value: string; title: string; description?: string } | undefined,
  ): Promise<void> => {
    const locale = negotiateLocale(r.req);
    const t = words(locale);
    const s = t.site;
    const config = r.app.config();
    const { query, problems } = readReaderQuery(config, r.url.searchParams);
    if (fixed?.kind === 'topic') query.topic = fixed.value;
    if (fixed?.kind === 'country') query.country = fixed.value;
    if (fixed?.kind === 'lang') query.language = fixed.value;
    const [list, tags] = await Promise.all([
      latestStories(r.app, query, locale),
      cached(r, 'tags', () => storyTags(r.app)),
    ]);
    const path = fixed ? `/${fixed.kind}/${fixed.value}` : '/';
    const title = fixed?.title ?? s.homeTitle;
    const links = fixed
      ? withFilters(feedLinks(config, fixed.kind, fixed.value), {
          ...query,
          topic: fixed.kind === 'topic' ? undefined : query.topic,
          country: fixed.kind === 'country' ? undefined : query.country,
          language: fixed.kind === 'lang' ? undefined : query.language,
        })
      : withFilters(feedLinks(config, 'all'), query);
    const feeds = feedBlock(links, `${config.app.publish.title} — ${title}`, s.follow);
    const chartKinds: ('topic' | 'country')[] =
      fixed?.kind === 'topic' ? ['country'] : fixed?.kind === 'country' ? ['topic'] : ['topic', 'country'];
    const chartSection =
      query.page === 1 && !query.period
        ? await charts(
            r,
            chartKinds,
            { topic: query.topic, country: query.country, language: query.language },
            locale,
            s,
          )
        : '';
    const intro = fixed
      ? fixed.description
        ? `<p>${esc(fixed.description)}</p>`
        : ''
      : `<p>${esc(s.homeIntro)}</p>`;
    const body = [
      intro,
      filterForm(path, query, fixed?.kind, tags, locale, topicNames(r, locale), t, false),
      problemsHtml(problems, s),
      feeds.body,
      listHtml(list, s, s.noStories),
      pagerHtml(path, query, list.more, s),
      chartSection,
    ]
      .filter(Boolean)
      .join('\n');
    sendHtml(
      r.res,
      200,
      { locale, title, body, head: feeds.head },
      { 'Cache-Control': 'public, max-age=60' },
    );
  };

  const notFound = (r: RequestContext, message: string): void => {
    const locale = negotiateLocale(r.req);
    const s = words(locale).site;
    sendHtml(r.res, 404, { locale, title: s.notFound, body: `<p role="alert">${esc(message)}</p>` });
  };

  const slice =
    (kind: SliceKind): Handler =>
    async (r) => {
      const locale = negotiateLocale(r.req);
      const value = decodeURIComponent(r.url.pathname.slice(`/${kind}/`.length)).toLowerCase();
      const config = r.app.config();
      if (kind === 'topic') {
        const topic = config.topics.topics.find((t) => t.id === value);
        if (!topic) return notFound(r, words(locale).notFound(r.url.pathname));
        return listPage(r, {
          kind,
          value,
          title: topic.names[locale] ?? topic.names['en'] ?? topic.id,
          description: topic.description,
        });
      }
      if (!/^[a-z]{2}$/.test(value)) return notFound(r, words(locale).notFound(r.url.pathname));
      return listPage(r, {
        kind,
        value,
        title: kind === 'country' ? countryName(value, locale) : languageName(value),
      });
    };

  const story: Handler = async (r) => {
    const locale = negotiateLocale(r.req);
    const t = words(locale);
    const s = t.site;
    let id: string;
    try {
      id = decodeURIComponent(r.url.pathname.slice('/story/'.length));
    } catch {
      return notFound(r, s.noStory(r.url.pathname));
    }
    const detail = id ? await storyDetail(r.app, id, locale) : undefined;
    if (!detail) return notFound(r, s.noStory(id));
    sendHtml(
      r.res,
      200,
      { locale, title: detail.card.title, body: storyBody(detail, s, locale) },
      { 'Cache-Control': 'public, max-age=60' },
    );
  };

  const search: Handler = async (r) => {
    const locale = negotiateLocale(r.req);
    const t = words(locale);
    const s = t.site;
    const config = r.app.config();
    const { query, problems } = readReaderQuery(config, r.url.searchParams);
    const [result, tags] = await Promise.all([
      searchStories(r.app, query, locale),
      cached(r, 'tags', () => storyTags(r.app)),
    ]);
    const base = config.app.server.baseUrl.replace(/\/+$/, '');
    const feedUrl = `${base}/search.atom${readerQueryString({ ...query, page: 1, period: undefined, sort: 'newest' })}`;
    const head = query.q
      ? `<link rel="alternate" type="application/atom+xml" title="${esc(`${config.app.publish.title} — ${query.q}`)}" href="${esc(feedUrl)}">`
      : '';
    const results = query.q
      ? [
          result.sources.length ? `<p>${esc(s.fromSources(result.sources))}</p>` : '',
          `<p role="status">${esc(result.cards.length || query.page > 1 ? s.found(result.cards.length + (query.page - 1) * 50, result.more) : s.noResults)}</p>`,
          `<p class="feeds">${esc(s.followSearch)}: <a href="${esc(feedUrl)}" type="application/atom+xml">Atom</a></p>`,
          result.cards.length ? listHtml(result, s, s.noResults) : '',
          pagerHtml('/search', query, result.more, s),
        ]
      : [];
    const body = [
      filterForm('/search', query, undefined, tags, locale, topicNames(r, locale), t, true),
      problemsHtml(problems, s),
      ...results,
    ]
      .filter(Boolean)
      .join('\n');
    sendHtml(
      r.res,
      200,
      { locale, title: s.searchTitle(query.q), body, head, noindex: Boolean(query.q) },
      { 'Cache-Control': 'public, max-age=60' },
    );
  };

  const searchAtom: Handler = async (r) => {
    const { query } = readReaderQuery(r.app.config(), r.url.searchParams);
    const text = await searchFeed(r.app, query);
    r.res.writeHead(200, {
      'Content-Type': 'application/atom+xml; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    });
    r.res.end(text);
  };

  const feeds: Handler = async (r) => {
    const locale = negotiateLocale(r.req);
    const s = words(locale).site;
    const index = feedsIndex(r.app.config(), await cached(r, 'tags', () => storyTags(r.app)));
    sendHtml(
      r.res,
      200,
      { locale, title: s.feedsTitle, body: feedsBody(index, s, locale) },
      { 'Cache-Control': 'public, max-age=300' },
    );
  };

  const opml: Handler = async (r) => {
    const text = feedsOpml(r.app.config(), await cached(r, 'tags', () => storyTags(r.app)));
    r.res.writeHead(200, {
      'Content-Type': 'text/x-opml; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    });
    r.res.end(text);
  };

  /** The list used to live at /stories (digests and bookmarks link there): the same filters, on the home page. */
  const storiesRedirect: Handler = async (r) => {
    const params = new URLSearchParams();
    for (const key of ['topic', 'country', 'lang', 'period', 'page']) {
      const value = r.url.searchParams.get(key);
      if (value) params.set(key, value.split(',')[0] ?? value);
    }
    const target = `/${params.size ? `?${params.toString()}` : ''}`;
    r.res.writeHead(301, { Location: target, 'Content-Length': 0, 'Cache-Control': 'public, max-age=86400' });
    r.res.end();
  };

  return {
    home: (r) => listPage(r, undefined),
    slice,
    story,
    search,
    searchAtom,
    feeds,
    feedsOpml: opml,
    storiesRedirect,
  };
}

function storyBody(detail: StoryDetail, s: SiteWords, locale: Locale): string {
  const { card } = detail;
  const lang = attr('lang', card.language);
  const read = card.link
    ? `<p><a href="${esc(card.link)}"${attr('hreflang', card.language)}>${esc(s.read(card.sourceName))}</a></p>`
    : '';
  const tags = (label: string, items: string[]): string =>
    items.length ? `<p class="meta">${esc(label)}: ${items.join(', ')}</p>` : '';
  const versions = detail.versions
    .map(
      (
        v,
      ) => `<dt>${esc(s.roles[v.role])} · ${esc(v.sourceName)}${v.language ? ` · ${esc(languageName(v.language))}` : ''} · ${dateHtml(v.published, v.guessed, s)}</dt>
<dd${attr('lang', v.language)}>${v.url ? `<a href="${esc(v.url)}"${attr('hreflang', v.language)}>${esc(v.title)}</a>` : esc(v.title)}${v.summary ? `<br>${esc(v.summary.length > 600 ? `${v.summary.slice(0, 600)}…` : v.summary)}` : ''}</dd>`,
    )
    .join('\n');
  const reasons = detail.reasons
    .map((reason) => {
      const found = (list: typeof reason.found): string =>
        list
          .map((f) => `<li><q${attr('lang', f.language)}>${esc(f.words)}</q> ${esc(s.inField[f.field])}</li>`)
          .join('');
      const features = (label: string, list: typeof reason.featuresFor): string =>
        list.length
          ? `<p>${esc(label)}:</p><ul>${list.map((f) => `<li>${esc(s.feature(f))}</li>`).join('')}</ul>`
          : '';
      return `<section aria-labelledby="why-${esc(reason.id)}">
<h3 id="why-${esc(reason.id)}"><a href="/topic/${esc(reason.id)}">${esc(reason.name)}</a></h3>
${reason.description ? `<p class="note">${esc(reason.description)}</p>` : ''}
${reason.found.length ? `<p>${esc(s.found_)}:</p><ul>${found(reason.found)}</ul>` : ''}
${reason.against.length ? `<p>${esc(s.against)}:</p><ul>${found(reason.against)}</ul>` : ''}
${reason.relevance !== undefined ? `<p>${esc(s.model(Math.round(reason.relevance * 100)))}</p>` : ''}
${features(s.featuresFor, reason.featuresFor)}${features(s.featuresAgainst, reason.featuresAgainst)}
</section>`;
    })
    .join('\n');
  return [
    `<p class="meta">${esc(card.sourceName)} · ${dateHtml(card.published, card.guessed, s)}</p>`,
    card.summary ? `<p${lang}>${esc(card.summary)}</p>` : '',
    read,
    detail.follows
      ? `<p>${esc(s.follows)} <a href="/story/${encodeURIComponent(detail.follows.id)}">${esc(detail.follows.title)}</a></p>`
      : '',
    tags(
      s.topics,
      card.topics.map((topic) => `<a href="/topic/${esc(topic.id)}">${esc(topic.name)}</a>`),
    ),
    tags(
      s.countries,
      card.countries.map((code) => `<a href="/country/${esc(code)}">${esc(countryName(code, locale))}</a>`),
    ),
    tags(
      s.languages,
      card.languages.map((code) => `<a href="/lang/${esc(code)}">${esc(languageName(code))}</a>`),
    ),
    `<section aria-labelledby="versions"><h2 id="versions">${esc(s.versions)}</h2><dl class="versions">${versions}</dl></section>`,
    `<section aria-labelledby="why"><h2 id="why">${esc(s.why)}</h2>${reasons}</section>`,
  ]
    .filter(Boolean)
    .join('\n');
}

function feedsBody(index: FeedsIndex, s: SiteWords, locale: Locale): string {
  const row = (name: string, page: string, links: FeedLinks): string =>
    `<tr><th scope="row"><a href="${esc(page)}">${esc(name)}</a></th><td><a href="${esc(links.atom)}" type="application/atom+xml">Atom</a></td><td><a href="${esc(links.rss)}" type="application/rss+xml">RSS</a></td><td><a href="${esc(links.json)}" type="application/feed+json">JSON Feed</a></td></tr>`;
  const table = (caption: string, rows: string[]): string =>
    rows.length
      ? `<div class="table-scroll"><table><caption>${esc(caption)}</caption><tbody>${rows.join('')}</tbody></table></div>`
      : '';
  return [
    `<p>${esc(s.feedsIntro)}</p>`,
    table(s.everything, [row(s.everything, '/', index.all)]),
    table(
      s.byTopic,
      index.topics.map((topic) =>
        row(topic.names[locale] ?? topic.names['en'] ?? topic.id, `/topic/${topic.id}`, topic.links),
      ),
    ),
    table(
      s.byCountry,
      index.countries
        .map((c) => ({ ...c, name: countryName(c.value, locale) }))
        .sort((a, b) => a.name.localeCompare(b.name, locale))
        .map((c) => row(c.name, `/country/${c.value}`, c.links)),
    ),
    table(
      s.byLanguage,
      index.languages.map((l) => row(languageName(l.value), `/lang/${l.value}`, l.links)),
    ),
    `<p><a href="/feeds.opml" type="text/x-opml">${esc(s.opml)}</a> · <a href="/sources.opml" type="text/x-opml">${esc(s.sourcesOpml)}</a></p>`,
  ].join('\n');
}
