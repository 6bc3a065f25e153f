// The poll job: for every due source, fetch → parse → store; then, for everything stored and not yet judged under
// the current rules, classify → cluster. Sources run concurrently under the host limiter, each inside its own
// try/catch: one broken feed records its error, backs off and never stops the others. Classification and clustering
// work from the store ("items not classified with this rules version", "matched items without a story"), so a crash
// between steps, or a topics.yaml edit, is caught up by the next run with no special path.
import { hostname } from 'node:os';
import type { Logger } from '../core/log.ts';
import type { Item, Source, SourceState } from '../core/types.ts';
import { describeError, isTipwireError, TipwireError } from '../core/errors.ts';
import { stableId } from '../core/hash.ts';
import type { Config } from '../config/types.ts';
import type { Store } from '../store/port.ts';
import { fetchFeed, nextPollAt, type FetchResult, type HostLimiter } from '../fetch/index.ts';
import { parseFeed, type ParsedFeed } from '../parse/index.ts';
import { classifyItem, detectLanguage, type CompiledRules } from '../classify/index.ts';
import { canonicalUrl, identityKey, withoutTracking, type StoryClusterer } from '../dedupe/index.ts';
import { clusterItems } from './cluster.ts';
import { describePoll, logSourceFailure, summarisePoll, type PollSummary } from './poll-summary.ts';

export type SourceOutcome =
  'changed' | 'unchanged' | 'not-modified' | 'failed' | 'skipped' | 'disabled' | 'leased';

export interface SourcePollResult {
  sourceId: string;
  outcome: SourceOutcome;
  httpStatus?: number;
  format?: string;
  encoding?: string;
  /** Entries in the feed as fetched. */
  entries: number;
  inserted: number;
  updated: number;
  error?: { code: string; message: string };
  /** Set when the feed answered with permanent redirects: the configured URL should be changed to this. */
  movedTo?: string;
  /** When the next poll of this source is due. */
  nextPollAt?: string;
  elapsedMs: number;
}

export interface PollReport {
  startedAt: string;
  finishedAt: string;
  sources: SourcePollResult[];
  classified: number;
  matched: number;
  storiesCreated: number;
  storiesJoined: number;
  pruned: number;
  /** Counts by outcome, including sources not yet due and those failing in backoff. */
  summary: PollSummary;
}

export interface PollDeps {
  store: Store;
  config: Config;
  rules: CompiledRules;
  limiter: HostLimiter;
  log: Logger;
  /** Kept by the run process between polls so clustering need not rebuild its index each time. */
  clusterer?: StoryClusterer;
}

export interface PollOptions {
  now?: () => Date;
  /** Only these sources (and poll them even if not due or disabled). */
  sourceIds?: string[];
  /** Poll every enabled source now, due or not. */
  force?: boolean;
  onSource?: (result: SourcePollResult) => void;
  signal?: AbortSignal;
}

const WORKER_ID = `${hostname()}:${process.pid}`;

/** Builds normalised Items from a parsed feed: identity (dedupe's chain), language, country, stable id. */
export function feedToItems(
  feed: ParsedFeed,
  source: Source,
  fetchedAt: string,
  trackingParams: string[],
): Item[] {
  const items: Item[] = [];
  for (const entry of feed.entries) {
    const url = entry.link ? canonicalUrl(entry.link, { trackingParams }) : undefined;
    const key = identityKey(
      { url, guid: entry.guid, title: entry.title, publishedAt: entry.publishedAt },
      source.id,
    );
    // A feed in one language says so by its source; a bilingual feed is told apart item by item.
    const declared = entry.language ?? (source.languages.length === 1 ? source.languages[0] : undefined);
    const language =
      declared ??
      detectLanguage(`${entry.title}\n${entry.summary}`, source.languages) ??
      feed.language ??
      source.languages[0];
    items.push({
      id: stableId(key),
      sourceId: source.id,
      url,
      // Readers follow this link from feeds, digests and pages: it leaves without the outlets' tracking tags.
      link: entry.link ? withoutTracking(entry.link, { trackingParams }) : undefined,
      guid: entry.guid,
      title: entry.title,
      summary: entry.summary,
      contentHtml: entry.contentHtml,
      author: entry.author,
      categories: entry.categories,
      publishedAt: entry.publishedAt,
      updatedAt: entry.updatedAt,
      dateGuessed: entry.dateGuessed,
      language,
      country: source.country,
      fetchedAt,
    });
  }
  // The same entry twice in one feed (it happens) must not count as an edit of itself.
  return [...new Map(items.map((item) => [item.id, item])).values()];
}

function isDue(source: Source, state: SourceState | undefined, now: Date): boolean {
  if (!state?.nextPollAt) return true;
  return Date.parse(state.nextPollAt) <= now.getTime();
}

async function pollOne(
  deps: PollDeps,
  source: Source,
  now: Date,
  explicit: boolean,
): Promise<SourcePollResult> {
  const { store, config, log } = deps;
  const started = Date.now();
  const sourceLog = log.child({ job: 'poll', source: source.id });
  const previous = await store.getSourceState(source.id);
  const state: SourceState = previous ?? { sourceId: source.id, consecutiveFailures: 0 };
  const base = { sourceId: source.id, entries: 0, inserted: 0, updated: 0 };
  if (state.disabledAt && !explicit) {
    return { ...base, outcome: 'disabled', error: state.lastError, elapsedMs: 0 };
  }
  const leaseMs = (config.app.fetch.totalTimeoutMs + 60_000) * 2;
  const leased = await store.tryLeaseSource(
    source.id,
    WORKER_ID,
    new Date(now.getTime() + leaseMs).toISOString(),
    now.toISOString(),
  );
  if (!leased) return { ...base, outcome: 'leased', elapsedMs: 0 };

  const poll = config.app.poll;
  const policy = {
    now,
    intervalMinutes: source.intervalMinutes ?? poll.defaultIntervalMinutes,
    minIntervalMinutes: poll.minIntervalMinutes,
    maxIntervalMinutes: poll.maxIntervalMinutes,
    consecutiveFailures: state.consecutiveFailures,
    lastChangedAt: state.lastChangedAt ? new Date(state.lastChangedAt) : undefined,
  };
  let fetched: FetchResult | undefined;
  try {
    const url = state.movedTo ?? source.url;
    fetched = await fetchFeed(
      { url, etag: state.etag, lastModified: state.lastModified },
      { ...config.app.fetch, limiter: deps.limiter },
    );
    const common = {
      lastPolledAt: now.toISOString(),
      lastSuccessAt: now.toISOString(),
      consecutiveFailures: 0,
      disabledAt: undefined,
      lastError: undefined,
      lastStatus: fetched.httpStatus,
      etag: fetched.etag ?? state.etag,
      lastModified: fetched.lastModified ?? state.lastModified,
      movedTo: fetched.permanentRedirectTo ?? state.movedTo,
    };
    const cache = {
      maxAgeSeconds: fetched.maxAgeSeconds,
      expiresAt: fetched.expiresAt ? new Date(fetched.expiresAt) : undefined,
    };
    if (fetched.permanentRedirectTo && fetched.permanentRedirectTo !== state.movedTo) {
      sourceLog.warn(
        { from: source.url, to: fetched.permanentRedirectTo },
        'feed moved permanently: update its url in sources.yaml',
      );
    }
    if (fetched.kind === 'not-modified') {
      const next = nextPollAt({ ...policy, ...cache, outcome: 'unchanged', consecutiveFailures: 0 });
      await store.saveSourceState({ ...state, ...common, nextPollAt: next.at.toISOString() });
      return {
        ...base,
        outcome: 'not-modified',
        httpStatus: 304,
        movedTo: common.movedTo,
        nextPollAt: next.at.toISOString(),
        elapsedMs: Date.now() - started,
      };
    }
    const feed = await parseFeed(fetched.text, {
      url: fetched.finalUrl,
      fetchedAt: now.toISOString(),
      contentType: fetched.contentType,
    });
    const items = feedToItems(feed, source, now.toISOString(), config.app.dedupe.trackingParams);
    const results = await store.upsertItems(items);
    const inserted = results.filter((r) => r.outcome === 'inserted').length;
    const updated = results.filter((r) => r.outcome === 'updated').length;
    const changed = inserted + updated > 0;
    const next = nextPollAt({
      ...policy,
      ...cache,
      ttlMinutes: feed.ttlMinutes,
      outcome: changed ? 'changed' : 'unchanged',
      consecutiveFailures: 0,
      lastChangedAt: changed ? now : policy.lastChangedAt,
    });
    await store.saveSourceState({
      ...state,
      ...common,
      lastChangedAt: changed ? now.toISOString() : state.lastChangedAt,
      nextPollAt: next.at.toISOString(),
      lastFormat: feed.format,
      lastEncoding: fetched.encoding,
      lastItemCount: feed.entries.length,
      lastWarnings: sourceWarnings(fetched.encodingWarning, feed.warnings),
    });
    if (feed.lenient) sourceLog.info({ warnings: feed.warnings }, 'feed is not well-formed; read leniently');
    sourceLog.debug({ entries: feed.entries.length, inserted, updated }, 'polled');
    return {
      ...base,
      outcome: changed ? 'changed' : 'unchanged',
      httpStatus: fetched.httpStatus,
      format: feed.format,
      encoding: fetched.encoding,
      entries: feed.entries.length,
      inserted,
      updated,
      movedTo: common.movedTo,
      nextPollAt: next.at.toISOString(),
      elapsedMs: Date.now() - started,
    };
  } catch (err) {
    const error = describeError(err);
    const failures = state.consecutiveFailures + 1;
    const retryAfterSeconds = isTipwireError(err)
      ? (err.details.retryAfterSeconds as number | undefined)
      : undefined;
    const httpStatus = isTipwireError(err)
      ? (err.details.httpStatus as number | undefined)
      : fetched?.httpStatus;
    const next = nextPollAt({
      ...policy,
      outcome: 'failed',
      consecutiveFailures: failures,
      retryAfterSeconds,
    });
    const disable = failures >= config.app.poll.maxConsecutiveFailures;
    await store.saveSourceState({
      ...state,
      lastPolledAt: now.toISOString(),
      consecutiveFailures: failures,
      lastError: error,
      lastStatus: httpStatus,
      nextPollAt: next.at.toISOString(),
      disabledAt: disable ? (state.disabledAt ?? now.toISOString()) : state.disabledAt,
    });
    logSourceFailure(sourceLog, err, {
      failures,
      nextPollAt: next.at.toISOString(),
      disabledNow: disable && !state.disabledAt,
      sourceId: source.id,
    });
    return {
      ...base,
      outcome: 'failed',
      httpStatus,
      error,
      nextPollAt: next.at.toISOString(),
      elapsedMs: Date.now() - started,
    };
  } finally {
    await store.releaseSource(source.id, WORKER_ID);
  }
}

/** Classifies every item not yet judged under these rules, within the retention window. */
export async function classifyPending(
  deps: Pick<PollDeps, 'store' | 'config' | 'rules'>,
  now: Date,
): Promise<{ classified: number; matched: number }> {
  const { store, config, rules } = deps;
  const languagesOf = new Map(config.sources.map((source) => [source.id, source.languages]));
  const since = new Date(now.getTime() - config.app.poll.unmatchedRetentionDays * 86_400_000).toISOString();
  let classified = 0;
  let matched = 0;
  for (;;) {
    const batch = await store.listItems({
      notClassifiedWith: rules.version,
      fetchedSince: since,
      limit: 500,
    });
    if (batch.length === 0) break;
    for (const item of batch) {
      const result = classifyItem(rules, {
        title: item.title,
        summary: item.summary,
        language: item.language,
        allowedLanguages: languagesOf.get(item.sourceId),
      });
      // The source's own country always counts; the text may name others (a Kyrgyz outlet on Russia's rules).
      const countries = [...new Set([...(item.country ? [item.country] : []), ...result.countries])];
      await store.saveClassification(item.id, { ...result, countries }, rules.version);
      classified += 1;
      if (result.topics.length > 0) matched += 1;
    }
  }
  return { classified, matched };
}

/** One poll of every due source (or the named ones), then classification and clustering of what arrived. */
export async function runPoll(deps: PollDeps, options: PollOptions = {}): Promise<PollReport> {
  const clock = options.now ?? (() => new Date());
  const startedAt = clock();
  const { config, store, log } = deps;
  const named = options.sourceIds ? new Set(options.sourceIds) : undefined;
  if (named) {
    const unknown = [...named].filter((id) => !config.sources.some((source) => source.id === id));
    if (unknown.length > 0)
      throw new TipwireError(
        'USAGE',
        `no source with id ${unknown.map((id) => `"${id}"`).join(', ')} in sources.yaml`,
      );
  }
  const states = new Map((await store.listSourceStates()).map((state) => [state.sourceId, state]));
  const chosen = config.sources.filter((source) =>
    named
      ? named.has(source.id)
      : source.enabled && (options.force || isDue(source, states.get(source.id), startedAt)),
  );
  const skipped = named ? [] : config.sources.filter((source) => !chosen.includes(source));

  const results = await Promise.all(
    chosen.map(async (source) => {
      if (options.signal?.aborted)
        return {
          sourceId: source.id,
          outcome: 'skipped' as const,
          entries: 0,
          inserted: 0,
          updated: 0,
          elapsedMs: 0,
        };
      let result: SourcePollResult;
      try {
        result = await pollOne(deps, source, clock(), named !== undefined);
      } catch (err) {
        // Only the store can fail here (pollOne catches everything else): report it and let the others go on.
        log.error({ err, source: source.id }, 'poll bookkeeping failed');
        result = {
          sourceId: source.id,
          outcome: 'failed',
          entries: 0,
          inserted: 0,
          updated: 0,
          error: describeError(err),
          elapsedMs: 0,
        };
      }
      options.onSource?.(result);
      return result;
    }),
  );
  for (const source of skipped) {
    const state = states.get(source.id);
    results.push({
      sourceId: source.id,
      outcome: !source.enabled || state?.disabledAt ? 'disabled' : 'skipped',
      entries: 0,
      inserted: 0,
      updated: 0,
      // A source in backoff still fails: the summary counts it and the table shows why.
      error: state?.disabledAt || state?.consecutiveFailures ? state.lastError : undefined,
      nextPollAt: state?.nextPollAt,
      elapsedMs: 0,
    });
  }

  const now = clock();
  const { classified, matched } = await classifyPending(deps, now);
  const pending = await store.listItems({ matched: true, withoutStory: true });
  const clustered =
    pending.length > 0
      ? await clusterItems(store, pending, {
          dedupe: config.app.dedupe,
          sources: config.sources,
          now,
          clusterer: deps.clusterer,
        })
      : { created: 0, joined: 0 };
  await store.deleteEmptyStories();
  const cutoff = new Date(now.getTime() - config.app.poll.unmatchedRetentionDays * 86_400_000).toISOString();
  const pruned = await store.pruneUnmatched(cutoff);

  const order = new Map(config.sources.map((source, index) => [source.id, index]));
  results.sort((a, b) => (order.get(a.sourceId) ?? 0) - (order.get(b.sourceId) ?? 0));
  const report: PollReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    sources: results,
    classified,
    matched,
    storiesCreated: clustered.created,
    storiesJoined: clustered.joined,
    pruned,
    summary: summarisePoll(results),
  };
  const { errors, ...counts } = report.summary;
  log.info(
    { job: 'poll', ...counts, errors, classified, matched, storiesCreated: clustered.created },
    describePoll(report.summary, { matched, storiesCreated: clustered.created }),
  );
  return report;
}

/** The notes kept in a source's state: the decoder's first, then the parser's, at most 20; none → undefined. */
function sourceWarnings(decoding: string | undefined, parsing: string[]): string[] | undefined {
  const all = decoding === undefined ? parsing : [decoding, ...parsing];
  return all.length === 0 ? undefined : all.slice(0, 20);
}
