// The operator's health views, as data: what needs attention per source (failing, stale, moved, disabled), what
// happened (health events: a source started failing, recovered, went stale, moved, was disabled; a config edit was
// rejected) and what ran (job runs with durations). The status page, /status.json, /status.atom, /metrics and the
// weekly operator report all read from here; nothing here renders.
//
// Events come from comparing each source's state before and after a poll, so the poll itself stays as it is; every
// event's id is a hash of what happened (the source and the time of the transition), so two workers, or a poll
// command beside the service, recording the same transition store it once.
import { stableId } from '../core/hash.ts';
import { describeError } from '../core/errors.ts';
import type { IsoDate, Source, SourceState } from '../core/types.ts';
import type { Config } from '../config/types.ts';
import type { ConfigRejection } from '../config/watch.ts';
import type { HealthEvent, JobRun, SourceItemCounts, Store } from '../store/port.ts';
import type { JobContext } from './context.ts';
import type { RuntimeStatus } from './status.ts';

/** Why a source is shown as needing attention (or, for `new`, as not yet tried). */
export type SourceMark = 'failing' | 'disabled' | 'moved' | 'stale' | 'off' | 'new';

const DAY = 86_400_000;

/** The marks of one source now: failing, disabled, moved permanently, stale (no new item for staleDays), off, new. */
export function sourceMarks(
  source: Pick<Source, 'enabled'>,
  state: SourceState | undefined,
  now: Date,
  staleDays: number,
): SourceMark[] {
  if (!source.enabled) return ['off'];
  if (!state?.lastPolledAt) return ['new'];
  const marks: SourceMark[] = [];
  if (state.disabledAt) marks.push('disabled');
  else if (state.consecutiveFailures > 0) marks.push('failing');
  if (state.movedTo) marks.push('moved');
  if (state.lastSuccessAt && isStale(state, now, staleDays)) marks.push('stale');
  return marks;
}

/** No new or changed item for staleDays (a feed that answers but has gone quiet, or never had an item). */
function isStale(state: SourceState, now: Date, staleDays: number): boolean {
  const since = state.lastChangedAt ?? state.lastSuccessAt;
  return since !== undefined && now.getTime() - Date.parse(since) >= staleDays * DAY;
}

function event(
  kind: HealthEvent['kind'],
  key: string,
  fields: Omit<HealthEvent, 'id' | 'kind'>,
): HealthEvent {
  return { id: stableId(`${kind}\u0000${key}`), kind, ...fields };
}

const describe = (error: { code: string; message: string } | undefined): string =>
  error ? `${error.code}: ${error.message}` : 'no error recorded';

/** The events that the change from `before` to `after` states means, at `now`. */
export function healthEvents(
  config: Config,
  before: ReadonlyMap<string, SourceState>,
  after: readonly SourceState[],
  now: Date,
): HealthEvent[] {
  const names = new Map(config.sources.map((source) => [source.id, source]));
  const staleDays = config.app.health.staleDays;
  const events: HealthEvent[] = [];
  for (const state of after) {
    const source = names.get(state.sourceId);
    if (!source?.enabled) continue;
    const was = before.get(state.sourceId);
    const id = state.sourceId;
    const at = now.toISOString();
    const wasFailing = (was?.consecutiveFailures ?? 0) > 0;
    if (state.consecutiveFailures > 0 && !wasFailing && state.lastFailureAt) {
      events.push(
        event('source-failing', `${id}\u0000${state.lastFailureAt}`, {
          at: state.lastFailureAt,
          sourceId: id,
          title: `${id} is failing: ${state.lastError?.code ?? 'error'}`,
          detail: `${source.name} (${source.url}): ${describe(state.lastError)}. It is retried with backoff and disabled after ${config.app.poll.maxConsecutiveFailures} failures in a row.`,
        }),
      );
    }
    if (state.consecutiveFailures === 0 && wasFailing && state.lastSuccessAt) {
      events.push(
        event('source-recovered', `${id}\u0000${state.lastSuccessAt}`, {
          at: state.lastSuccessAt,
          sourceId: id,
          title: `${id} recovered`,
          detail: `${source.name} answers again after ${was?.consecutiveFailures ?? 0} failed polls; the last failure was ${describe(was?.lastError ?? state.lastFailure)}.`,
        }),
      );
    }
    if (state.disabledAt && !was?.disabledAt) {
      events.push(
        event('source-disabled', `${id}\u0000${state.disabledAt}`, {
          at: state.disabledAt,
          sourceId: id,
          title: `${id} disabled after ${state.consecutiveFailures} failures`,
          detail: `${source.name} (${source.url}): ${describe(state.lastError)}. \`tipwire sources enable ${id}\` brings it back once the feed works.`,
        }),
      );
    }
    if (state.movedTo && state.movedTo !== was?.movedTo) {
      events.push(
        event('source-moved', `${id}\u0000${state.movedTo}`, {
          at,
          sourceId: id,
          title: `${id} moved permanently`,
          detail: `${source.url} redirects permanently to ${state.movedTo}: update its url in sources.yaml.`,
        }),
      );
    }
    if (!state.disabledAt && state.lastSuccessAt && isStale(state, now, staleDays)) {
      const since = state.lastChangedAt ?? state.lastSuccessAt;
      // One event per quiet spell: the key is when the feed last changed.
      events.push(
        event('source-stale', `${id}\u0000${state.lastChangedAt ?? 'never'}`, {
          at,
          sourceId: id,
          title: `${id} is stale: no new item for ${Math.floor((now.getTime() - Date.parse(since)) / DAY)} days`,
          detail: `${source.name} (${source.url}) answers, but ${state.lastChangedAt ? `nothing new has come since ${state.lastChangedAt}` : 'it has not had an item yet'}. Check that the feed address is still the outlet's current feed.`,
        }),
      );
    }
  }
  return events;
}

/** Records the events of a poll (states before it, read again now); returns the ones that are new. */
export async function recordPollHealth(
  store: Store,
  config: Config,
  before: readonly SourceState[],
  now: Date,
): Promise<HealthEvent[]> {
  const after = await store.listSourceStates();
  const events = healthEvents(config, new Map(before.map((state) => [state.sourceId, state])), after, now);
  const added: HealthEvent[] = [];
  for (const one of events) if (await store.health.addEvent(one)) added.push(one);
  return added;
}

/** A config edit the running service refused, with every problem. */
export async function recordConfigRejection(store: Store, rejection: ConfigRejection): Promise<HealthEvent> {
  // The loader's message is a header line ("config: 2 problems:") and one line per problem.
  const lines = rejection.message
    .split('\n')
    .filter((line) => !/^config: \d+ problems?:$/.test(line))
    .map((line) => line.trim())
    .filter(Boolean);
  const count = rejection.problems.length || lines.length;
  const one = event('config-rejected', `${rejection.at}\u0000${rejection.message}`, {
    at: rejection.at,
    title: `config edit rejected: ${count} problem${count === 1 ? '' : 's'}; the previous config stays in force`,
    detail: lines.join('\n'),
  });
  await store.health.addEvent(one);
  return one;
}

/** One run of a job, however it was started (the service's scheduler, a CLI command). */
export async function recordJobRun(store: Store, run: Omit<JobRun, 'id'>): Promise<void> {
  await store.health.addJobRun({
    id: stableId(`${run.job}\u0000${run.startedAt}\u0000${process.pid}`),
    ...run,
  });
}

/** Drops events and runs older than the retention. */
export async function pruneHealth(store: Store, config: Config, now: Date): Promise<number> {
  return store.health.prune(new Date(now.getTime() - config.app.health.retentionDays * DAY).toISOString());
}

export interface SourceHealthRow {
  id: string;
  name: string;
  url: string;
  marks: SourceMark[];
  lastSuccessAt: IsoDate | null;
  lastFailureAt: IsoDate | null;
  lastFailure: { code: string; message: string } | null;
  consecutiveFailures: number;
  /** Items fetched in the last 7 days, and how many of them are on topic. */
  week: { seen: number; matched: number };
  nextPollAt: IsoDate | null;
  lastChangedAt: IsoDate | null;
  movedTo: string | null;
  disabledAt: IsoDate | null;
  lastStatus: number | null;
}

export interface HealthReport {
  generatedAt: IsoDate;
  startedAt: string;
  configVersion: string;
  items: number;
  matchedItems: number;
  nextRuns: Record<string, string | undefined>;
  /** Sources needing attention first (failing, disabled, moved, stale), then the rest in config order. */
  sources: SourceHealthRow[];
  attention: number;
  /** The last rejected config edits, newest first. */
  rejectedEdits: HealthEvent[];
  /** The last job runs, newest first. */
  jobRuns: JobRun[];
  /** The last events of every kind, newest first. */
  events: HealthEvent[];
}

const ATTENTION: SourceMark[] = ['failing', 'disabled', 'moved', 'stale'];

/** What an operator reads about; `report-sent` is the weekly report's own bookkeeping. */
export const NEWS_KINDS: HealthEvent['kind'][] = [
  'source-failing',
  'source-recovered',
  'source-disabled',
  'source-moved',
  'source-stale',
  'config-rejected',
];

export function needsAttention(row: Pick<SourceHealthRow, 'marks'>): boolean {
  return row.marks.some((mark) => ATTENTION.includes(mark));
}

export async function healthReport(
  ctx: Pick<JobContext, 'store' | 'config' | 'now'>,
  runtime: RuntimeStatus,
  options: { events?: number; runs?: number } = {},
): Promise<HealthReport> {
  const config = ctx.config();
  const now = ctx.now();
  const { store } = ctx;
  const states = new Map((await store.listSourceStates()).map((state) => [state.sourceId, state]));
  const counts = new Map<string, SourceItemCounts>(
    (await store.health.countItemsBySource(new Date(now.getTime() - 7 * DAY).toISOString())).map((c) => [
      c.sourceId,
      c,
    ]),
  );
  const rows = config.sources.map((source): SourceHealthRow => {
    const state = states.get(source.id);
    const count = counts.get(source.id);
    return {
      id: source.id,
      name: source.name,
      url: source.url,
      marks: sourceMarks(source, state, now, config.app.health.staleDays),
      lastSuccessAt: state?.lastSuccessAt ?? null,
      lastFailureAt: state?.lastFailureAt ?? (state?.lastError ? (state.lastPolledAt ?? null) : null),
      lastFailure: state?.lastFailure ?? state?.lastError ?? null,
      consecutiveFailures: state?.consecutiveFailures ?? 0,
      week: { seen: count?.seen ?? 0, matched: count?.matched ?? 0 },
      nextPollAt: state?.nextPollAt ?? null,
      lastChangedAt: state?.lastChangedAt ?? null,
      movedTo: state?.movedTo ?? null,
      disabledAt: state?.disabledAt ?? null,
      lastStatus: state?.lastStatus ?? null,
    };
  });
  const order = (row: SourceHealthRow): number => {
    const index = ATTENTION.findIndex((mark) => row.marks.includes(mark));
    return index === -1 ? ATTENTION.length : index;
  };
  const sorted = rows
    .map((row, index) => ({ row, index }))
    .sort((a, b) => order(a.row) - order(b.row) || a.index - b.index)
    .map(({ row }) => row);
  return {
    generatedAt: now.toISOString(),
    startedAt: runtime.startedAt,
    configVersion: config.version,
    items: await store.countItems(),
    matchedItems: await store.countItems({ matched: true }),
    nextRuns: runtime.nextRuns,
    sources: sorted,
    attention: rows.filter(needsAttention).length,
    rejectedEdits: await store.health.listEvents({ kinds: ['config-rejected'], limit: 5 }),
    jobRuns: await store.health.listJobRuns({ limit: options.runs ?? 20 }),
    events: await store.health.listEvents({ kinds: NEWS_KINDS, limit: options.events ?? 50 }),
  };
}

/** One line for a digest run (job runs, logs). */
export function summariseDigest(done: {
  sent: number;
  failed: number;
  bounced: number;
  deferred: number;
  skippedEmpty: number;
}): string {
  return `${done.sent} sent, ${done.failed} failed, ${done.bounced} bounced, ${done.deferred} deferred, ${done.skippedEmpty} empty`;
}

/**
 * Runs a job and records the run (start, duration, outcome, one-line summary) for the status page and the job
 * duration histogram; a job that throws is recorded as failed with its error and the error goes on.
 */
export async function timedJob<T>(
  store: Store,
  job: string,
  run: () => Promise<T>,
  summarise: (result: T) => string,
  observe?: (job: string, seconds: number, ok: boolean) => void,
): Promise<T> {
  const startedAt = new Date();
  const started = performance.now();
  let result: T;
  try {
    result = await run();
  } catch (err) {
    const ms = Math.round(performance.now() - started);
    observe?.(job, ms / 1000, false);
    const { code, message } = describeError(err);
    await recordJobRun(store, {
      job,
      startedAt: startedAt.toISOString(),
      ms,
      outcome: 'failed',
      summary: `${code}: ${message}`,
    }).catch(() => undefined);
    throw err;
  }
  const ms = Math.round(performance.now() - started);
  observe?.(job, ms / 1000, true);
  await recordJobRun(store, {
    job,
    startedAt: startedAt.toISOString(),
    ms,
    outcome: 'ok',
    summary: summarise(result),
  });
  return result;
}
