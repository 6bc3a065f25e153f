// The digest archive's pages: /digest lists the editions, /digest/PERIOD shows one (jobs/archive.ts decides what is
// in it). The page is the mail's view model (digest/render.ts digestView) written as the site's HTML: the same
// heading, period, counts and sections, through the one layout, so the strict CSP holds (no inline style: the bars
// of the counts are <meter> elements). A page reached through a mail's view token is that subscriber's digest and is
// kept out of search engines; the public edition can be narrowed with ?topic=&country=&language= (a plain GET form).
import { escapeHtml as esc } from '../core/html.ts';
import { countryName, languageName } from '../core/intl.ts';
import {
  createEditionMemo,
  listEditions,
  readEdition,
  type Edition,
  type EditionFilter,
} from '../jobs/archive.ts';
import { invalidChoice, subscriberOptions, type Locale } from '../jobs/subscribers.ts';
import { choiceName, negotiateLocale, words } from './i18n.ts';
import { sendHtml } from './layout.ts';
import type { Handler, RequestContext } from './routes.ts';

export interface ArchivePages {
  index: Handler;
  edition: Handler;
}

function countsTable(view: Edition['view']): string {
  const counts = view.counts;
  if (!counts) return '';
  const largest = Math.max(1, ...counts.rows.map((row) => row.count));
  const rows = counts.rows
    .map(
      (row) =>
        `<tr><td>${row.count > 0 ? `<a href="#topic-${esc(encodeURIComponent(row.id))}">${esc(row.name)}</a>` : esc(row.name)}</td><td>${row.count} <meter min="0" max="${largest}" value="${row.count}">${row.count}</meter></td></tr>`,
    )
    .join('\n');
  return `<table class="counts">
<caption>${esc(counts.caption)}</caption>
<thead><tr><th scope="col">${esc(counts.topicColumn)}</th><th scope="col">${esc(counts.storiesColumn)}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}

function sections(view: Edition['view']): string {
  if (view.topics.length === 0) return `<p>${esc(view.emptyNote)}</p>`;
  return view.topics
    .map(
      (topic) => `<section aria-labelledby="topic-${esc(topic.id)}">
<h2 id="topic-${esc(topic.id)}">${esc(topic.name)}</h2>
${topic.countries
  .map(
    (country) => `<h3>${esc(country.name)}</h3>
${country.stories
  .map(
    (story) => `<article>
<h4><a href="${esc(story.url)}">${esc(story.title)}</a></h4>
<p class="meta">${esc(story.source)} · ${esc(story.date)}${story.language ? ` · ${esc(story.language)}` : ''}</p>
${story.summary ? `<p>${esc(story.summary)}</p>\n` : ''}${story.places ? `<p class="also">${esc(view.placesLabel)} ${esc(story.places.text)}</p>\n` : ''}${story.also ? `<p class="also">${esc(view.alsoLabel)} ${esc(story.also.text)}</p>\n` : ''}</article>`,
  )
  .join('\n')}`,
  )
  .join('\n')}
</section>`,
    )
    .join('\n');
}

/** The plain GET form that narrows a public edition: one topic, country, language (or all). */
function filterForm(r: RequestContext, locale: Locale, period: string, filter: EditionFilter): string {
  const t = words(locale);
  const options = subscriberOptions(r.app.config());
  const select = (name: string, label: string, values: { value: string; label: string }[], current: string) =>
    `<label for="f-${name}">${esc(label)}</label>
<select id="f-${name}" name="${name}"><option value="">${esc(t.anyValue)}</option>${values
      .map(
        (v) =>
          `<option value="${esc(v.value)}"${v.value === current ? ' selected' : ''}>${esc(v.label)}</option>`,
      )
      .join('')}</select>`;
  return `<form method="get" action="/digest/${esc(encodeURIComponent(period))}" class="filters">
<fieldset><legend>${esc(t.filterLegend)}</legend>
${select(
  'topic',
  t.topics,
  options.topics.map((topic) => ({
    value: topic.id,
    label: topic.names[locale] ?? topic.names.en ?? topic.id,
  })),
  filter.topics[0] ?? '',
)}
${select(
  'country',
  t.countries,
  options.countries.map((c) => ({ value: c, label: countryName(c, locale) })),
  filter.countries[0] ?? '',
)}
${select(
  'language',
  t.languages,
  options.languages.map((l) => ({ value: l, label: languageName(l) })),
  filter.languages[0] ?? '',
)}
<p><button type="submit">${esc(t.filterButton)}</button></p>
</fieldset>
</form>`;
}

const values = (params: URLSearchParams, name: string): string[] =>
  params.getAll(name).filter((value) => value.trim() !== '');

export function createArchivePages(): ArchivePages {
  const memo = createEditionMemo();

  const index: Handler = async (r) => {
    const locale = negotiateLocale(r.req);
    const t = words(locale);
    const editions = await listEditions(r.app, locale, memo);
    const list = (frequency: 'weekly' | 'daily', heading: string): string => {
      const items = editions.filter((e) => e.frequency === frequency);
      if (items.length === 0) return '';
      return `<h2>${esc(heading)}</h2>
<ul>
${items.map((e) => `<li><a href="${esc(e.path)}">${esc(e.label)}</a> · ${esc(t.storyCount(e.stories))}</li>`).join('\n')}
</ul>`;
    };
    sendHtml(
      r.res,
      200,
      {
        locale,
        title: t.archiveTitle,
        body: `<p>${esc(t.archiveIntro)} <a href="/subscribe">${esc(t.subscribe)}</a></p>
${editions.length === 0 ? `<p>${esc(t.archiveEmpty)}</p>` : `${list('weekly', t.weeklyEditions)}\n${list('daily', t.dailyEditions)}`}`,
      },
      { 'Cache-Control': 'max-age=300' },
    );
  };

  const edition: Handler = async (r) => {
    const period = decodeURIComponent(r.url.pathname.slice('/digest/'.length));
    const locale = negotiateLocale(r.req);
    const t = words(locale);
    let found: Edition | undefined;
    try {
      found = await readEdition(r.app, period, {
        view: r.url.searchParams.get('view') ?? undefined,
        topics: values(r.url.searchParams, 'topic'),
        countries: values(r.url.searchParams, 'country'),
        languages: values(r.url.searchParams, 'language'),
        locale,
      });
    } catch (err) {
      const problem = invalidChoice(err);
      if (!problem) throw err;
      sendHtml(r.res, 400, {
        locale,
        title: t.archiveTitle,
        body: `<p role="alert">${esc(t.invalidChoice(problem, choiceName(problem.field, locale)))}</p>
<p><a href="/digest">${esc(t.archiveTitle)}</a></p>`,
        noindex: true,
      });
      return;
    }
    if (!found) {
      sendHtml(r.res, 404, {
        locale,
        title: t.archiveTitle,
        body: `<p role="alert">${esc(t.notFound(r.url.pathname))}</p>\n<p><a href="/digest">${esc(t.archiveTitle)}</a></p>`,
        noindex: true,
      });
      return;
    }
    const view = found.view;
    const pageLocale = view.lang;
    const pageWords = words(pageLocale);
    const filtered =
      found.filter.topics.length + found.filter.countries.length + found.filter.languages.length > 0;
    const intro = found.personal
      ? `<p class="note">${esc(pageWords.personalEdition)} ${esc(view.choicesLabel)} ${esc(view.choices)}.</p>`
      : `${filterForm(r, pageLocale, found.period, found.filter)}${filtered ? `\n<p><a href="/digest/${esc(encodeURIComponent(found.period))}">${esc(pageWords.wholeEdition)}</a></p>` : ''}`;
    sendHtml(
      r.res,
      200,
      {
        locale: pageLocale,
        title: `${view.heading}, ${view.periodLabel}`,
        body: `<p>${esc(view.periodLabel)} · ${esc(view.countLabel)} · <a href="/digest">${esc(pageWords.archiveTitle)}</a></p>
${intro}
${countsTable(view)}
${sections(view)}`,
        noindex: found.personal,
      },
      { 'Cache-Control': found.personal ? 'no-store' : 'max-age=300' },
    );
  };

  return { index, edition };
}
