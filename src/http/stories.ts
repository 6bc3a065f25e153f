// The web view of the stories: /stories with the same filters as the feeds (?topic=trafficking&country=kg&lang=ru).
// Digests link here for "more stories on this topic"; it is the feed's content as one readable page, with each
// story's source, date, why it was chosen, its other languages and who else reported it.
import { escapeHtml } from '../core/html.ts';
import {
  buildEntries,
  entryContext,
  parseFeedRequest,
  sliceStoryQuery,
  type FeedEntry,
} from '../publish/index.ts';
import type { RouteHandler } from './routes.ts';

function storyHtml(entry: FeedEntry): string {
  const others = (label: string, links: FeedEntry['translations']): string =>
    links.length === 0
      ? ''
      : `<p class="also">${label}: ${links
          .map(
            (link) =>
              `<a href="${escapeHtml(link.url)}"${link.language ? ` hreflang="${escapeHtml(link.language)}"` : ''}>${escapeHtml(link.sourceName)}${link.language ? ` (${escapeHtml(link.language)})` : ''}</a>`,
          )
          .join(', ')}</p>`;
  return `<article${entry.language ? ` lang="${escapeHtml(entry.language)}"` : ''}>
<h2><a href="${escapeHtml(entry.link)}">${escapeHtml(entry.title)}</a></h2>
<p class="meta">${escapeHtml(entry.source.name)} · <time datetime="${escapeHtml(entry.published)}">${escapeHtml(entry.published.slice(0, 10))}</time> · ${entry.topics.map((t) => escapeHtml(t.name)).join(', ')}</p>
<p>${escapeHtml(entry.summary)}</p>
${others('Also in', entry.translations)}${others('Also reported by', entry.alsoReportedBy)}<p class="why">Why: ${escapeHtml(entry.why)}</p>
</article>`;
}

export const storyRoutes: RouteHandler = async (req, res, url, ctx) => {
  if (url.pathname !== '/stories' || (req.method !== 'GET' && req.method !== 'HEAD')) return false;
  const config = ctx.config();
  const request = parseFeedRequest(
    '/feeds/all.json',
    url.searchParams,
    config.topics.topics.map((t) => t.id),
  );
  if (!request || !request.ok) {
    const message = request && !request.ok ? request.message : 'Unknown filter.';
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${message}\n`);
    return true;
  }
  const { publish, server } = config.app;
  const stories = await ctx.store.listStories(
    sliceStoryQuery(request.slice, {
      maxItems: publish.maxItems,
      windowDays: publish.windowDays,
      now: new Date(),
    }),
  );
  const entries = buildEntries(stories, entryContext(server.baseUrl, config.sources, config.topics.topics));
  const filters = request.slice.query
    ? ` (${escapeHtml(request.slice.query.slice(1).replace(/&/g, ', '))})`
    : '';
  const body = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(publish.title)}</title>
<link rel="alternate" type="application/atom+xml" href="/feeds/all.atom${escapeHtml(request.slice.query)}">
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}article{border-bottom:1px solid #ddd;padding:.5rem 0}.meta,.also,.why{color:#555;font-size:.9rem}</style>
</head><body><h1>${escapeHtml(publish.title)}</h1>
<p>${entries.length} ${entries.length === 1 ? 'story' : 'stories'}${filters}. Subscribe: <a href="/feeds/all.atom${escapeHtml(request.slice.query)}">Atom</a> · <a href="/feeds/all.rss${escapeHtml(request.slice.query)}">RSS</a> · <a href="/feeds/all.json${escapeHtml(request.slice.query)}">JSON Feed</a></p>
${entries.map(storyHtml).join('\n')}
</body></html>
`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'max-age=60',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
};
