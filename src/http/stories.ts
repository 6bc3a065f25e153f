// The web view of the stories: /stories with the same filters as the feeds (?topic=trafficking&country=kg&lang=ru).
// Digests link here for "more stories on this topic"; it is the feed's content as one readable page, with each
// story's source, date, why it was chosen, its other languages and who else reported it.
import { escapeHtml } from '../core/html.ts';
import { feedRequest, sliceEntries, type FeedEntry } from '../jobs/publish.ts';
import { negotiateLocale, words, type PageWords } from './i18n.ts';
import { sendHtml, sendText } from './layout.ts';
import type { RequestContext } from './routes.ts';

function storyHtml(entry: FeedEntry, t: PageWords): string {
  const others = (label: string, links: FeedEntry['translations']): string =>
    links.length === 0
      ? ''
      : `<p class="also">${escapeHtml(label)}: ${links
          .map(
            (link) =>
              `<a href="${escapeHtml(link.url)}"${link.language ? ` hreflang="${escapeHtml(link.language)}"` : ''}>${escapeHtml(link.sourceName)}${link.language ? ` (${escapeHtml(link.language)})` : ''}</a>`,
          )
          .join(', ')}</p>`;
  return `<article${entry.language ? ` lang="${escapeHtml(entry.language)}"` : ''}>
<h2><a href="${escapeHtml(entry.link)}">${escapeHtml(entry.title)}</a></h2>
<p class="meta">${escapeHtml(entry.source.name)} · <time datetime="${escapeHtml(entry.published)}">${escapeHtml(entry.published.slice(0, 10))}</time> · ${entry.topics.map((topic) => escapeHtml(topic.name)).join(', ')}</p>
<p>${escapeHtml(entry.summary)}</p>
${others(t.alsoIn, entry.translations)}${others(t.alsoReportedBy, entry.alsoReportedBy)}<p class="why">${escapeHtml(t.why)}: ${escapeHtml(entry.why)}</p>
</article>`;
}

export async function storiesPage(r: RequestContext): Promise<void> {
  const config = r.app.config();
  const request = feedRequest(config, '/feeds/all.json', r.url.searchParams);
  if (!request || !request.ok) {
    sendText(r.res, 404, request && !request.ok ? request.message : 'Unknown filter.');
    return;
  }
  const locale = negotiateLocale(r.req);
  const t = words(locale);
  const entries = await sliceEntries(r.app, request.slice);
  const query = escapeHtml(request.slice.query);
  const filters = request.slice.query
    ? ` (${escapeHtml(request.slice.query.slice(1).replace(/&/g, ', '))})`
    : '';
  sendHtml(
    r.res,
    200,
    {
      locale,
      title: config.app.publish.title,
      head: `<link rel="alternate" type="application/atom+xml" href="/feeds/all.atom${query}">`,
      body: `<p>${escapeHtml(t.storyCount(entries.length))}${filters}. ${escapeHtml(t.feeds)}: <a href="/feeds/all.atom${query}">Atom</a> · <a href="/feeds/all.rss${query}">RSS</a> · <a href="/feeds/all.json${query}">JSON Feed</a></p>
${entries.map((entry) => storyHtml(entry, t)).join('\n')}`,
    },
    { 'Cache-Control': 'max-age=60' },
  );
}
