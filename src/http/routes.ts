// Every URL the server answers, in one table: a reader finds any page here, and the function that renders it.
// A route is a path (exact, or a prefix ending in "/*") and one handler per method; HEAD is answered by GET's
// handler (node:http drops the body), other methods get 405 with Allow (server.ts). Handlers are thin: they read
// the request, call a use-case in src/jobs, and render through the one layout (layout.ts) and i18n (i18n.ts).
//
//   GET  /                        latest stories, filters (?topic=&country=&lang=&period=), charts   site.ts
//   GET  /topic/*, /country/*, /lang/*   one slice's stories, its feeds announced, its chart        site.ts
//   GET  /story/*                 one story: versions, copies, why it is here                   site.ts
//   GET  /search?q=, /search.atom  search with the same filters, as a page and as a feed      site.ts
//   GET  /feeds, /feeds.opml      every feed the site offers                                    site.ts
//   GET  /stories                 the old list: 301 to / with its filters                       site.ts
//   GET  /feeds/*                 RSS, Atom, JSON Feed per slice; OPTIONS for CORS            feeds.ts
//   GET  /sources.opml            the sources as OPML (also /feeds/sources.opml)             feeds.ts
//   GET  /subscribe, POST         sign-up form → pending subscriber + confirmation mail       pages.ts
//   GET  /confirm?token=          double opt-in: a page with one button; POST confirms        pages.ts
//   GET  /unsubscribe?token=      a page with one button; POST acts (also RFC 8058 one-click)  pages.ts
//   GET  /preferences?token=, POST   change topics, countries, languages, locale, frequency,
//                                 time zone, day and hour                                     pages.ts
//   GET  /digest                  the digest archive: every sent period                       archive.ts
//   GET  /digest/PERIOD           one period's digest (?view= a mail's own; ?topic=&country=&language=) archive.ts
//   GET  /status, /status.json    sources' health and marks, rejected config edits, job runs  status.ts
//   GET  /status.atom             health events as Atom (failing, recovered, stale, moved…)   status.ts
//   GET  /metrics                 Prometheus text format                                      status.ts
//   GET  /healthz                 for container health checks: the store answers             status.ts
//   GET  /site.css                the one stylesheet                                          layout.ts
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JobContext } from '../jobs/context.ts';
import { createClientLimiter, type ClientLimiter } from '../jobs/subscribers.ts';
import type { RuntimeStatus } from '../jobs/status.ts';
import { createArchivePages } from './archive.ts';
import { createFeedPages, type FeedPages } from './feeds.ts';
import { STYLESHEET } from './layout.ts';
import {
  confirmForm,
  confirmSubmit,
  preferencesForm,
  preferencesSubmit,
  sameSiteOnly,
  subscribeForm,
  subscribeSubmit,
  unsubscribeForm,
  unsubscribeSubmit,
} from './pages.ts';
import { createMetrics, type Metrics } from '../jobs/metrics.ts';
import { healthz, metrics, statusAtom, statusJson, statusPage } from './status.ts';
import { createSitePages, type SitePages } from './site.ts';

export const METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS'] as const;
export type Method = Exclude<(typeof METHODS)[number], 'HEAD'>;

/** One request as a handler sees it: the raw request and response, the parsed URL, and the use-cases' context. */
export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  app: JobContext;
}

export type Handler = (r: RequestContext) => Promise<void>;

export type Route = { path: string } & Partial<Record<Method, Handler>>;

export interface RouteDeps {
  /** The feed renderer with its cache (tests and the bench read its render count). */
  feeds?: FeedPages;
  /** Sign-ups per client: one limiter per server. */
  signups?: ClientLimiter;
  /** What the running process knows beyond the store: start time, last poll, next scheduled runs. */
  runtime?: () => RuntimeStatus;
  /** The process's metrics (the jobs feed them); a server alone gets its own, with the store's gauges. */
  metrics?: Metrics;
  /** The reader site's pages with their cache of facets and chart counts. */
  site?: SitePages;
}

export function createRoutes(deps: RouteDeps = {}): Route[] {
  const feeds = deps.feeds ?? createFeedPages();
  const signups = deps.signups ?? createClientLimiter();
  const startedAt = new Date().toISOString();
  const runtime = deps.runtime ?? (() => ({ startedAt, nextRuns: {} }));
  // A server without jobs gets its own metrics (the store's gauges and process figures), made on the first scrape.
  let registry = deps.metrics;
  const archive = createArchivePages();
  const site = deps.site ?? createSitePages();
  return [
    { path: '/', GET: site.home },
    { path: '/topic/*', GET: site.slice('topic') },
    { path: '/country/*', GET: site.slice('country') },
    { path: '/lang/*', GET: site.slice('lang') },
    { path: '/story/*', GET: site.story },
    { path: '/search', GET: site.search },
    { path: '/search.atom', GET: site.searchAtom },
    { path: '/feeds', GET: site.feeds },
    { path: '/feeds.opml', GET: site.feedsOpml },
    { path: '/stories', GET: site.storiesRedirect },
    { path: '/feeds/*', GET: feeds.feed, OPTIONS: feeds.preflight },
    { path: '/sources.opml', GET: feeds.feed, OPTIONS: feeds.preflight },
    { path: '/subscribe', GET: subscribeForm, POST: sameSiteOnly((r) => subscribeSubmit(r, signups)) },
    { path: '/confirm', GET: confirmForm, POST: sameSiteOnly(confirmSubmit) },
    { path: '/unsubscribe', GET: unsubscribeForm, POST: unsubscribeSubmit },
    { path: '/preferences', GET: preferencesForm, POST: sameSiteOnly(preferencesSubmit) },
    { path: '/digest', GET: archive.index },
    { path: '/digest/*', GET: archive.edition },
    { path: '/status', GET: (r) => statusPage(r, runtime()) },
    { path: '/status.json', GET: (r) => statusJson(r, runtime()) },
    { path: '/status.atom', GET: statusAtom },
    { path: '/metrics', GET: (r) => metrics(r, (registry ??= createMetrics())) },
    { path: '/healthz', GET: healthz },
    { path: '/site.css', GET: stylesheet },
  ];
}

async function stylesheet({ res }: RequestContext): Promise<void> {
  res.writeHead(200, {
    'Content-Type': 'text/css; charset=utf-8',
    'Content-Length': Buffer.byteLength(STYLESHEET),
    'Cache-Control': 'public, max-age=3600',
  });
  res.end(STYLESHEET);
}
