// The publish job: every feed slice that has stories, in RSS, Atom and JSON Feed, plus sources.opml, written to
// config.app.paths.feeds so any static host or CDN can serve them. Contract:
// - which slices exist comes from the store (topics, countries and languages of stories updated within
//   publish.windowDays); each slice's stories come from the one slice query (jobs/stories.ts), the same the HTTP
//   feeds and the digest use; each story's entry is built once for all slices;
// - atomic: each file is written to a temp file in the same folder and renamed over the old one, so a reader never
//   sees half a file; a file whose bytes did not change is not rewritten (its mtime stays, static hosts keep
//   their ETags);
// - a slice that had a file and has no stories now gets an empty feed, never a stale one;
// - with publish.websubHub set, the hub is told about every feed URL whose file changed (failures are logged);
// - the publish marker is bumped, so the HTTP feed cache of the same process (`tipwire run`) serves the new feeds at
//   once.
import { access, mkdir, readFile, readdir, rename, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../core/log.ts';
import type { Config } from '../config/types.ts';
import type { Store } from '../store/port.ts';
import { countryName, languageName } from '../core/intl.ts';
import {
  CONTENT_TYPES,
  FEED_FORMATS,
  buildEntries,
  entryContext,
  exportSlices,
  feedUrl,
  makeSlice,
  parseFeedRequest,
  renderEntries,
  renderOpml,
  type PublishedEntry,
  type OutputFormat,
  type FeedMeta,
  type FeedRequest,
  type FeedSlice,
  type SliceKind,
} from '../publish/index.ts';
import type { JobContext, PublishMarker } from './context.ts';
import { feedWindow, storiesInSlice } from './stories.ts';

export type { PublishedEntry, OutputFormat, FeedSlice };

export interface PublishReport {
  /** Files the export consists of (every slice × format, and sources.opml). */
  files: number;
  /** Of those, how many had new bytes and were replaced. */
  written: number;
  unchanged: number;
  /** Feed URLs the WebSub hub was told about. */
  pinged: number;
  ms: number;
}

// --- meta shared with the HTTP server ----------------------------------------------------------------------------

/** Title, links and labels of one slice's feed, from the configuration in force. */
export function feedMetaFor(config: Config, slice: FeedSlice): FeedMeta {
  const publish = config.app.publish;
  const topicName = (id: string): string => {
    const topic = config.topics.topics.find((t) => t.id === id);
    return topic?.names['en'] ?? Object.values(topic?.names ?? {})[0] ?? id;
  };
  const labels: string[] = [];
  if (slice.kind === 'topic' && slice.value) labels.push(topicName(slice.value));
  if (slice.kind === 'country' && slice.value) labels.push(countryName(slice.value));
  if (slice.kind === 'lang' && slice.value) labels.push(languageName(slice.value));
  if (slice.query) {
    if (slice.kind !== 'topic' && slice.topics.length) labels.push(slice.topics.map(topicName).join(', '));
    if (slice.kind !== 'country' && slice.countries.length)
      labels.push(slice.countries.map((c) => countryName(c)).join(', '));
    if (slice.kind !== 'lang' && slice.languages.length)
      labels.push(slice.languages.map(languageName).join(', '));
  }
  return {
    baseUrl: config.app.server.baseUrl,
    htmlUrl: slicePageUrl(config.app.server.baseUrl, slice),
    title: labels.length ? `${publish.title} — ${labels.join(' · ')}` : publish.title,
    description: publish.description,
    path: slice.path,
    query: slice.query,
    language: slice.languages.length === 1 ? slice.languages[0] : undefined,
    hub: publish.websubHub,
    sources: config.sources,
    topics: config.topics.topics,
    slice,
  };
}

/**
 * The site's page that shows a slice (the feed's rel="alternate"): / for everything, /topic/<id>, /country/<cc>,
 * /lang/<ll>, with single-valued query filters kept (the pages filter by one value of each kind).
 */
export function slicePageUrl(baseUrl: string, slice: FeedSlice): string {
  const path = slice.kind === 'all' || !slice.value ? '/' : `/${slice.kind}/${slice.value}`;
  const single = [slice.topics, slice.countries, slice.languages].every((values) => values.length <= 1);
  return `${baseUrl.replace(/\/+$/, '')}${path}${single ? slice.query : ''}`;
}

// --- feeds on demand (the HTTP server) ----------------------------------------------------------------------------

/** Reads a request path under /feeds/ against the topics in force (see publish/slices.ts parseFeedRequest). */
export function feedRequest(
  config: Config,
  pathname: string,
  params: URLSearchParams,
): FeedRequest | undefined {
  return parseFeedRequest(
    pathname,
    params,
    config.topics.topics.map((t) => t.id),
  );
}

export interface RenderedFeed {
  text: string;
  contentType: string;
  /** Newest change among the stories (milliseconds), for Last-Modified. */
  lastModified: number;
}

/** One slice's feed in one format, from the store now. */
export async function renderSliceFeed(
  ctx: JobContext,
  slice: FeedSlice,
  format: OutputFormat,
): Promise<RenderedFeed> {
  const config = ctx.config();
  const stories = await storiesInSlice(ctx.store, slice, feedWindow(ctx.now(), config.app.publish));
  const sliceMeta = feedMetaFor(config, slice);
  // A language feed shows each story in that language and leaves out stories with no version in it.
  const entries = buildEntries(
    stories,
    entryContext(config.app.server.baseUrl, config.sources, config.topics.topics),
    undefined,
    sliceMeta.language,
  );
  // A feed with no entry is dated by the store's creation, not the epoch, and stays the same bytes while empty.
  const created = entries.length === 0 ? await ctx.store.createdAt() : undefined;
  const meta = { ...sliceMeta, updated: created };
  let newest = 0;
  for (const story of created ? [] : stories) {
    newest = Math.max(
      newest,
      Date.parse(story.updatedAt) || 0,
      Date.parse(story.representative.publishedAt) || 0,
    );
  }
  return {
    text: renderEntries(entries, meta, format),
    contentType: CONTENT_TYPES[format],
    lastModified: created ? Date.parse(created) : newest,
  };
}

export function sourcesOpml(config: Config): string {
  return renderOpml(config.sources, { title: config.app.publish.title, baseUrl: config.app.server.baseUrl });
}

// --- files -------------------------------------------------------------------------------------------------------

/** Writes bytes atomically unless the file already holds exactly them. */
export async function writeIfChanged(
  path: string,
  content: string | Buffer,
): Promise<'written' | 'unchanged'> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  try {
    const existing = await readFile(path);
    if (existing.equals(bytes)) return 'unchanged';
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  await mkdir(dirname(path), { recursive: true });
  // Same folder as the target, so rename() is atomic (never a cross-device copy); dot-prefixed so static hosts
  // that list folders do not show it; unique so two exporters never share one.
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.${process.pid}.tmp`);
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
  return 'written';
}

function slicePathOnDisk(dir: string, slice: FeedSlice, format: OutputFormat): string {
  return join(dir, `${slice.path.slice('/feeds/'.length)}.${format}`);
}

async function existingFile(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** Slices that have files from an earlier export (so they can be emptied, not left stale). */
async function existingSlices(dir: string): Promise<FeedSlice[]> {
  const found: FeedSlice[] = [];
  for (const kind of ['topic', 'country', 'lang'] as const satisfies readonly SliceKind[]) {
    let names: string[];
    try {
      names = await readdir(join(dir, kind));
    } catch {
      continue;
    }
    const values = new Set(
      names
        .map((name) => /^([a-z0-9][a-z0-9-]*)\.(rss|atom|json)$/.exec(name)?.[1])
        .filter((v): v is string => v !== undefined),
    );
    for (const value of values) found.push(makeSlice(kind, value));
  }
  return found;
}

// --- WebSub ------------------------------------------------------------------------------------------------------

/**
 * Tells a WebSub hub that feeds changed: one `hub.mode=publish&hub.url=…` POST per URL (hubs differ in whether
 * they accept several URLs in one request; one each works with all). Returns how many the hub accepted (2xx).
 */
export async function pingHub(
  hub: string,
  urls: readonly string[],
  options: { log: Logger; timeoutMs?: number },
): Promise<number> {
  let accepted = 0;
  for (const url of urls) {
    try {
      const response = await fetch(hub, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ 'hub.mode': 'publish', 'hub.url': url }).toString(),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) accepted += 1;
      else
        options.log.warn(
          { hub, url, status: response.status },
          `websub: hub ${hub} answered ${response.status} for ${url}`,
        );
    } catch (err) {
      options.log.warn({ hub, url, err }, `websub: pinging hub ${hub} for ${url} failed`);
    }
  }
  return accepted;
}

// --- the job -----------------------------------------------------------------------------------------------------

/**
 * What changed since the last export, as the poll saw it: nothing (the export is skipped, unless it never ran),
 * the stories of some topics, countries and languages (only those slices and the whole feed are rendered), or
 * anything (everything is rendered; the default, and after a config change).
 */
export type FeedChanges =
  | { kind: 'none' }
  | { kind: 'slices'; topics: string[]; countries: string[]; languages: string[] }
  | { kind: 'all' };

export async function publishFeeds(
  store: Store,
  config: Config,
  options: { now: Date; log: Logger; published?: PublishMarker; changes?: FeedChanges },
): Promise<PublishReport> {
  const started = performance.now();
  const log = options.log.child({ job: 'publish' });
  const publish = config.app.publish;
  const dir = resolve(config.app.paths.feeds);
  const topicIds = config.topics.topics.map((t) => t.id);
  const changes = options.changes ?? { kind: 'all' };
  if (changes.kind === 'none' && (await existingFile(join(dir, 'all.atom')))) {
    log.debug({ dir }, 'publish: no story changed; feed files left as they are');
    return { files: 0, written: 0, unchanged: 0, pinged: 0, ms: Math.round(performance.now() - started) };
  }
  const changed =
    changes.kind === 'slices'
      ? {
          topic: new Set(changes.topics),
          country: new Set(changes.countries),
          lang: new Set(changes.languages),
        }
      : undefined;
  const wanted = (slice: FeedSlice): boolean =>
    !changed ||
    slice.kind === 'all' ||
    (slice.kind in changed && changed[slice.kind as keyof typeof changed].has(slice.value ?? ''));

  const window = feedWindow(options.now, publish);
  const ctx = entryContext(config.app.server.baseUrl, config.sources, config.topics.topics);
  const memo = new Map<string, PublishedEntry>();
  let createdAt: string | undefined;
  const created = async (): Promise<string> => (createdAt ??= await store.createdAt());

  const slices = exportSlices(await store.listStoryTags(window.updatedSince ?? ''), topicIds);
  const known = new Set(slices.map((s) => s.path));
  for (const old of await existingSlices(dir)) {
    if (!known.has(old.path)) slices.push(old);
  }

  const report: PublishReport = { files: 0, written: 0, unchanged: 0, pinged: 0, ms: 0 };
  const changedUrls: string[] = [];
  let storyCount = 0;
  const record = (outcome: 'written' | 'unchanged'): void => {
    report.files += 1;
    report[outcome] += 1;
  };
  for (const slice of slices.filter(wanted)) {
    // Newest first, the order every feed uses.
    const stories = await storiesInSlice(store, slice, window);
    storyCount = Math.max(storyCount, stories.length);
    const entries = buildEntries(stories, ctx, memo, feedMetaFor(config, slice).language);
    const meta = {
      ...feedMetaFor(config, slice),
      updated: entries.length === 0 ? await created() : undefined,
    };
    for (const format of FEED_FORMATS) {
      const outcome = await writeIfChanged(
        slicePathOnDisk(dir, slice, format),
        renderEntries(entries, meta, format),
      );
      record(outcome);
      if (outcome === 'written') changedUrls.push(feedUrl(meta, format));
    }
  }
  record(await writeIfChanged(join(dir, 'sources.opml'), sourcesOpml(config)));

  options.published?.bump();
  if (publish.websubHub && changedUrls.length)
    report.pinged = await pingHub(publish.websubHub, changedUrls, { log });
  report.ms = Math.round(performance.now() - started);
  log.info(
    {
      files: report.files,
      written: report.written,
      unchanged: report.unchanged,
      pinged: report.pinged,
      stories: storyCount,
      ms: report.ms,
    },
    `publish: ${report.written} of ${report.files} feed files changed in ${dir}`,
  );
  return report;
}
