// The poll job: for every due source, fetch → parse → classify → store (one transaction per feed); then catch-up
// and clustering. Contract and order:
// - Sources are claimed a few at a time, when a work slot is free (never all at the start), under a short lease
//   that this worker renews while it works and releases with the source's last write; a source another worker
//   holds, or has just polled, is left to it. A dead worker's sources are free within one lease period; those of a
//   dead predecessor on this machine at once (jobs/worker.ts).
// - Each source runs inside its own try/catch: one broken feed records its error, backs off and never stops the
//   others. At most poll.concurrency feeds are in flight, so memory is bounded by that, not by the source count.
// - A fetched feed's new and changed items are classified in memory and written once, classified, in one
//   transaction with the source's state; an unchanged item costs no write; a 304 or unchanged feed costs a share
//   of one batched state write.
// - Then, under the store's maintenance lock (one worker at a time): items not judged under the current rules (a
//   topics.yaml edit, an older writer) are classified in batches that read only their own rows; matched items
//   without a story (this poll's, or a crashed run's) are clustered; stories that lost items are dropped; old
//   unmatched items are pruned. A crash anywhere is caught up by the next poll through those queues.
import type { Logger } from '../core/log.ts';
import type { ClassifiedItem, Item, Source, SourceState } from '../core/types.ts';
import { describeError, isTipwireError, TipwireError } from '../core/errors.ts';
import type { Config } from '../config/types.ts';
import type { Judgement, Store } from '../store/port.ts';
import { fetchFeed, nextPollAt, type FetchResult, type HostLimiter } from '../fetch/index.ts';
import type { CompiledRules } from '../classify/index.ts';
import type { StoryClusterer } from '../dedupe/index.ts';
import { clusterItems } from './cluster.ts';
import { judgeWith } from './feed-items.ts';
import { createParsePool, judgementsOf, type ParsePool } from './parse-pool.ts';
import type { FeedChanges } from './publish.ts';
import { describePoll, logSourceFailure, summarisePoll, type PollSummary } from './poll-summary.ts';
import { deadOwners, processWorker, type WorkerIdentity } from './worker.ts';

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
  /** Which feed slices this poll changed, for the export that follows (publishFeeds renders only those). */
  feedChanges: FeedChanges;
}

export interface PollDeps {
  store: Store;
  config: Config;
  rules: CompiledRules;
  limiter: HostLimiter;
  log: Logger;
  /** Kept by the run process between polls so clustering need not rebuild its index each time. */
  clusterer?: StoryClusterer;
  /** Lease owner identity (default: this process). Tests give in-process workers identities of their own. */
  worker?: WorkerIdentity;
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

function isDue(source: Source, state: SourceState | undefined, now: Date): boolean {
  if (!state?.nextPollAt) return true;
  return Date.parse(state.nextPollAt) <= now.getTime();
}

/** Sources in an order that alternates hosts (politeness limits per host), starting at a per-worker offset. */
function interleaveByHost(sources: Source[], states: Map<string, SourceState>, offset: number): Source[] {
  const byHost = new Map<string, Source[]>();
  for (const source of sources) {
    let host: string;
    try {
      host = new URL(states.get(source.id)?.movedTo ?? source.url).hostname;
    } catch {
      host = source.url;
    }
    const list = byHost.get(host) ?? [];
    list.push(source);
    byHost.set(host, list);
  }
  const lists = [...byHost.values()];
  const out: Source[] = [];
  for (let round = 0; out.length < sources.length; round += 1) {
    for (const list of lists) if (round < list.length) out.push(list[round] as Source);
  }
  const start = out.length ? offset % out.length : 0;
  return [...out.slice(start), ...out.slice(0, start)];
}

/** Source states of 304s, unchanged feeds and failures, written in batches (their leases released in the same write). */
class StateWriter {
  private readonly pending: SourceState[] = [];
  private flushing: Promise<void> = Promise.resolve();
  private readonly store: Store;
  private readonly owner: string;

  constructor(store: Store, owner: string) {
    this.store = store;
    this.owner = owner;
  }

  add(state: SourceState): Promise<void> {
    this.pending.push(state);
    return this.pending.length >= 64 ? this.flush() : Promise.resolve();
  }

  flush(): Promise<void> {
    const batch = this.pending.splice(0);
    if (batch.length > 0)
      this.flushing = this.flushing.then(() => this.store.saveSourceStates(batch, this.owner));
    return this.flushing;
  }
}

interface PollContext extends PollDeps {
  owner: string;
  reader: ParsePool;
  judge: (item: Item) => Judgement;
  states: StateWriter;
  /** Matched items this poll wrote (new, or edited and still matched), for clustering. */
  fresh: Map<string, ClassifiedItem>;
  /** Stories that lost an item this poll (an edit that no longer matches). */
  emptied: Set<string>;
}

async function pollOne(
  ctx: PollContext,
  source: Source,
  previous: SourceState | undefined,
  now: Date,
): Promise<SourcePollResult> {
  const { store, config, log } = ctx;
  const started = Date.now();
  const sourceLog = log.child({ job: 'poll', source: source.id });
  const state: SourceState = previous ?? { sourceId: source.id, consecutiveFailures: 0 };
  const base = { sourceId: source.id, entries: 0, inserted: 0, updated: 0 };
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
      { ...config.app.fetch, limiter: ctx.limiter },
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
      await ctx.states.add({ ...state, ...common, nextPollAt: next.at.toISOString() });
      return {
        ...base,
        outcome: 'not-modified',
        httpStatus: 304,
        movedTo: common.movedTo,
        nextPollAt: next.at.toISOString(),
        elapsedMs: Date.now() - started,
      };
    }
    const feed = await ctx.reader.read({
      text: fetched.text,
      url: fetched.finalUrl,
      fetchedAt: now.toISOString(),
      contentType: fetched.contentType,
      sourceId: source.id,
    });
    const { items } = feed;
    const judged = judgementsOf(feed);
    let next = '';
    const stateFor = (changed: boolean): SourceState => {
      next = nextPollAt({
        ...policy,
        ...cache,
        ttlMinutes: feed.ttlMinutes,
        outcome: changed ? 'changed' : 'unchanged',
        consecutiveFailures: 0,
        lastChangedAt: changed ? now : policy.lastChangedAt,
      }).at.toISOString();
      return {
        ...state,
        ...common,
        lastChangedAt: changed ? now.toISOString() : state.lastChangedAt,
        nextPollAt: next,
        lastFormat: feed.format,
        lastEncoding: fetched?.kind === 'ok' ? fetched.encoding : undefined,
        lastItemCount: feed.entries,
        lastWarnings: sourceWarnings(
          fetched?.kind === 'ok' ? fetched.encodingWarning : undefined,
          feed.warnings,
        ),
      };
    };
    const results = await store.upsertItems(items, {
      classify: (item) => judged.get(item) ?? ctx.judge(item),
      state: stateFor,
      releaseLeaseOf: ctx.owner,
    });
    let inserted = 0;
    let updated = 0;
    results.forEach((result, index) => {
      if (result.outcome === 'unchanged') return;
      if (result.outcome === 'inserted') inserted += 1;
      else updated += 1;
      const item = items[index] as Item;
      const judgement = judged.get(item);
      if (!judgement) return;
      if (judgement.classification.topics.length > 0) {
        // A copy: the parsed strings are slices of the whole feed document, and would keep it alive until the end.
        ctx.fresh.set(
          result.id,
          structuredClone({
            ...item,
            id: result.id,
            classification: judgement.classification,
            storyId: result.storyId,
          }),
        );
      } else if (result.storyId) ctx.emptied.add(result.storyId);
    });
    const changed = inserted + updated > 0;
    if (feed.lenient) sourceLog.info({ warnings: feed.warnings }, 'feed is not well-formed; read leniently');
    sourceLog.debug({ entries: feed.entries, inserted, updated }, 'polled');
    return {
      ...base,
      outcome: changed ? 'changed' : 'unchanged',
      httpStatus: fetched.httpStatus,
      format: feed.format,
      encoding: fetched.encoding,
      entries: feed.entries,
      inserted,
      updated,
      movedTo: common.movedTo,
      nextPollAt: next,
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
    await ctx.states.add({
      ...state,
      lastPolledAt: now.toISOString(),
      consecutiveFailures: failures,
      lastError: error,
      lastFailureAt: now.toISOString(),
      lastFailure: error,
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
  }
}

/**
 * Classifies every item in the retention window not yet judged under these rules (after a topics.yaml edit, or
 * rows some other writer stored unjudged), 500 at a time; each batch reads only rows still to do.
 */
export async function classifyPending(
  deps: Pick<PollDeps, 'store' | 'config' | 'rules'>,
  now: Date,
): Promise<{ classified: number; matched: number; emptied: string[] }> {
  const { store, config, rules } = deps;
  const judge = judgeWith(rules, config.sources);
  const since = new Date(now.getTime() - config.app.poll.unmatchedRetentionDays * 86_400_000).toISOString();
  let classified = 0;
  let matched = 0;
  const emptied: string[] = [];
  for (;;) {
    const batch = await store.listUnclassified(rules.version, since, 500);
    if (batch.length === 0) break;
    const judged = batch.map((item) => ({ itemId: item.id, ...judge(item) }));
    await store.saveClassifications(judged);
    classified += batch.length;
    judged.forEach(({ classification }, index) => {
      if (classification.topics.length > 0) matched += 1;
      else if (batch[index]?.storyId) emptied.push(batch[index]?.storyId as string);
    });
  }
  return { classified, matched, emptied };
}

/** One poll of every due source (or the named ones), then catch-up, clustering and pruning. */
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
      : source.enabled &&
        !states.get(source.id)?.disabledAt &&
        (options.force || isDue(source, states.get(source.id), startedAt)),
  );
  const chosenIds = new Set(chosen.map((source) => source.id));
  const skipped = config.sources.filter((source) => !chosenIds.has(source.id) && !named);

  const worker = deps.worker ?? processWorker;
  const leaseMs = config.app.poll.leaseSeconds * 1000;
  // Threads pay for their start (about the time of reading a few dozen feeds) only in a large poll.
  const reader = await createParsePool({
    threads: chosen.length >= 32 ? config.app.poll.parseThreads : 0,
    rules: deps.rules,
    classifier: { topics: config.topics, model: config.model },
    sources: config.sources,
    trackingParams: config.app.dedupe.trackingParams,
  });
  if (reader.threads > 0)
    log.debug({ job: 'poll', threads: reader.threads }, 'reading feeds in worker threads');
  const ctx: PollContext = {
    ...deps,
    owner: worker.owner,
    reader,
    judge: judgeWith(deps.rules, config.sources),
    states: new StateWriter(store, worker.owner),
    fresh: new Map(),
    emptied: new Set(),
  };
  const takeOver = deadOwners(new Set((await store.listLeases()).map((lease) => lease.owner)), worker);
  if (takeOver.length > 0)
    log.info({ job: 'poll', owners: takeOver }, 'taking over the leases of dead workers');
  const renew = setInterval(() => {
    store
      .renewLeases(worker.owner, new Date(clock().getTime() + leaseMs).toISOString())
      .catch((err: unknown) => log.warn({ err, job: 'poll' }, 'renewing leases failed'));
  }, leaseMs / 3);
  renew.unref();

  // Claims a few sources at a time, in host-alternating order from a per-worker starting point, so that several
  // workers start on different sources and each claim is one statement for a handful of sources.
  const queue = interleaveByHost(chosen, states, worker.pid + Number.parseInt(worker.nonce, 16));
  const claimBatch = 4;
  const claimed: Source[] = [];
  const results: SourcePollResult[] = [];
  let cursor = 0;
  let claiming: Promise<void> | undefined;
  const report = (result: SourcePollResult): void => {
    results.push(result);
    options.onSource?.(result);
  };
  const claimMore = async (): Promise<void> => {
    while (claimed.length === 0 && cursor < queue.length && !options.signal?.aborted) {
      const batch = queue.slice(cursor, cursor + claimBatch);
      cursor += batch.length;
      const now = clock();
      const got = new Set(
        await store.claimSources(
          batch.map((source) => source.id),
          {
            owner: worker.owner,
            until: new Date(now.getTime() + leaseMs).toISOString(),
            now: now.toISOString(),
            force: Boolean(named) || options.force,
            takeOver,
          },
        ),
      );
      for (const source of batch) {
        if (got.has(source.id)) claimed.push(source);
        else report({ ...emptyResult(source.id), outcome: 'leased' });
      }
    }
  };
  const nextSource = async (): Promise<Source | undefined> => {
    while (claimed.length === 0 && cursor < queue.length && !options.signal?.aborted) {
      claiming ??= claimMore().finally(() => (claiming = undefined));
      await claiming;
    }
    return claimed.shift();
  };
  const work = async (): Promise<void> => {
    for (let source = await nextSource(); source; source = await nextSource()) {
      let result: SourcePollResult;
      try {
        result = await pollOne(ctx, source, states.get(source.id), clock());
      } catch (err) {
        // Only the store can fail here (pollOne catches everything else): report it and let the others go on.
        log.error({ err, source: source.id }, 'poll bookkeeping failed');
        result = { ...emptyResult(source.id), outcome: 'failed', error: describeError(err) };
      }
      report(result);
    }
  };
  try {
    await Promise.all(Array.from({ length: config.app.poll.concurrency }, work));
    await ctx.states.flush();
  } finally {
    clearInterval(renew);
    await reader.close();
    // A clean end (or an abort) frees whatever this worker still holds: sources never started after an abort.
    await store
      .releaseLeases(worker.owner)
      .catch((err: unknown) => log.warn({ err }, 'releasing leases failed'));
  }
  for (const source of queue.slice(cursor)) report({ ...emptyResult(source.id), outcome: 'skipped' });
  for (const source of claimed.splice(0)) report({ ...emptyResult(source.id), outcome: 'skipped' });
  for (const source of skipped) {
    const state = states.get(source.id);
    results.push({
      ...emptyResult(source.id),
      outcome: !source.enabled || state?.disabledAt ? 'disabled' : 'skipped',
      // A source in backoff still fails: the summary counts it and the table shows why.
      error: state?.disabledAt || state?.consecutiveFailures ? state.lastError : undefined,
      nextPollAt: state?.nextPollAt,
    });
  }

  const now = clock();
  const maintenance = await store.withLock('poll-maintenance', async () => {
    const caughtUp = await classifyPending(deps, now);
    // The clustering queue: this poll's matched items (in memory), plus any a crash or another worker left.
    const pendingIds = await store.listUnclusteredIds();
    const missing = pendingIds.filter((id) => !ctx.fresh.has(id));
    const leftOver = missing.length > 0 ? await store.getItems(missing) : [];
    const pending = new Set(pendingIds);
    const items = [
      ...[...ctx.fresh.values()].filter((item) => pending.has(item.id) || item.storyId !== undefined),
      ...leftOver,
    ];
    const clustered =
      items.length > 0
        ? await clusterItems(store, items, {
            dedupe: config.app.dedupe,
            sources: config.sources,
            now,
            clusterer: deps.clusterer,
          })
        : undefined;
    const deleted = await store.deleteEmptyStories([...ctx.emptied, ...caughtUp.emptied]);
    const cutoff = new Date(
      now.getTime() - config.app.poll.unmatchedRetentionDays * 86_400_000,
    ).toISOString();
    const pruned = await store.pruneUnmatched(cutoff);
    // A re-classification may change what entries say without touching a story record: export everything then.
    const feedChanges: FeedChanges =
      deleted > 0 || caughtUp.classified > 0
        ? { kind: 'all' }
        : clustered && clustered.saved > 0
          ? { kind: 'slices', ...clustered.touched }
          : { kind: 'none' };
    return { ...caughtUp, clustered: clustered ?? { created: 0, joined: 0 }, pruned, feedChanges };
  });
  const freshlyJudged = results.reduce((n, r) => n + r.inserted + r.updated, 0);
  const classified = freshlyJudged + maintenance.classified;
  const matched = ctx.fresh.size + maintenance.matched;

  const order = new Map(config.sources.map((source, index) => [source.id, index]));
  results.sort((a, b) => (order.get(a.sourceId) ?? 0) - (order.get(b.sourceId) ?? 0));
  const pollReport: PollReport = {
    startedAt: startedAt.toISOString(),
    finishedAt: clock().toISOString(),
    sources: results,
    classified,
    matched,
    storiesCreated: maintenance.clustered.created,
    storiesJoined: maintenance.clustered.joined,
    pruned: maintenance.pruned,
    summary: summarisePoll(results),
    feedChanges: maintenance.feedChanges,
  };
  const { errors, ...counts } = pollReport.summary;
  const storiesCreated = maintenance.clustered.created;
  log.info(
    { job: 'poll', ...counts, errors, classified, matched, storiesCreated },
    describePoll(pollReport.summary, { matched, storiesCreated }),
  );
  return pollReport;
}

function emptyResult(sourceId: string): SourcePollResult {
  return { sourceId, outcome: 'skipped', entries: 0, inserted: 0, updated: 0, elapsedMs: 0 };
}

/** The notes kept in a source's state: the decoder's first, then the parser's, at most 20; none → undefined. */
function sourceWarnings(decoding: string | undefined, parsing: string[]): string[] | undefined {
  const all = decoding === undefined ? parsing : [decoding, ...parsing];
  return all.length === 0 ? undefined : all.slice(0, 20);
}
