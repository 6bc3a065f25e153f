// /metrics in the Prometheus text format (prom-client). Counters and histograms are fed by what the jobs report
// (poll reports, digest summaries, job durations); gauges that describe the stored state (sources by health, items)
// are read from the store at scrape time, so a `serve` process beside a cron-driven `poll` still shows them. One
// registry per process, never prom-client's global one, so tests and several servers in one process do not mix.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Config } from '../config/types.ts';
import type { Store } from '../store/port.ts';
import type { DigestRunSummary } from './digest.ts';
import { sourceMarks } from './health.ts';
import type { PollReport } from './poll.ts';

export interface Metrics {
  readonly registry: Registry;
  /** A poll's fetches, items and stories. */
  observePoll(report: PollReport): void;
  observeDigest(summary: DigestRunSummary): void;
  /** Any job run: how long, and whether it failed. */
  observeJob(job: string, seconds: number, ok: boolean): void;
  /** The text a scrape gets; reads the store for the gauges first. */
  render(store: Store, config: Config, now?: Date): Promise<string>;
  readonly contentType: string;
}

const FETCH_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900];

export function createMetrics(options: { processMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'tipwire_' });
  const registers = [registry];
  const polls = new Counter({
    name: 'tipwire_polls_total',
    help: 'Poll cycles run, by outcome (failed: the cycle itself threw, not a source).',
    labelNames: ['outcome'],
    registers,
  });
  const fetches = new Counter({
    name: 'tipwire_fetches_total',
    help: 'Feed fetches by outcome (changed, unchanged, not-modified, failed) and HTTP status ("none" without an answer).',
    labelNames: ['outcome', 'status'],
    registers,
  });
  const fetchErrors = new Counter({
    name: 'tipwire_fetch_errors_total',
    help: 'Failed fetches by error code (FETCH_NETWORK, FETCH_HTTP_STATUS, PARSE_NOT_A_FEED…).',
    labelNames: ['code'],
    registers,
  });
  const fetchSeconds = new Histogram({
    name: 'tipwire_fetch_duration_seconds',
    help: 'Time to fetch, parse and store one feed.',
    labelNames: ['outcome'],
    buckets: FETCH_BUCKETS,
    registers,
  });
  const itemsStored = new Counter({
    name: 'tipwire_items_stored_total',
    help: 'Items written by polls: new (inserted) or changed (updated).',
    labelNames: ['change'],
    registers,
  });
  const itemsClassified = new Counter({
    name: 'tipwire_items_classified_total',
    help: 'Items classified under the current topic rules.',
    registers,
  });
  const itemsMatched = new Counter({
    name: 'tipwire_items_matched_total',
    help: 'Classified items that matched at least one topic.',
    registers,
  });
  const stories = new Counter({
    name: 'tipwire_stories_total',
    help: 'Matched items clustered: into a new story (created) or an existing one (joined).',
    labelNames: ['result'],
    registers,
  });
  const digests = new Counter({
    name: 'tipwire_digests_total',
    help: 'Digest e-mails by result: sent, failed (gave up), bounced, deferred (will retry), empty (not sent).',
    labelNames: ['result'],
    registers,
  });
  const jobSeconds = new Histogram({
    name: 'tipwire_job_duration_seconds',
    help: 'Duration of job runs (poll, publish, digest, health-report) by job and outcome.',
    labelNames: ['job', 'outcome'],
    buckets: JOB_BUCKETS,
    registers,
  });
  const sources = new Gauge({
    name: 'tipwire_sources',
    help: 'Configured sources by state: ok, failing, disabled, off, new; a source can also be stale or moved.',
    labelNames: ['state'],
    registers,
  });
  const items = new Gauge({
    name: 'tipwire_items',
    help: 'Items in the store, and how many are on topic.',
    labelNames: ['kind'],
    registers,
  });
  // Every label value a dashboard may filter on exists from the start (at 0), not only after its first event.
  for (const result of ['sent', 'failed', 'bounced', 'deferred', 'empty']) digests.inc({ result }, 0);
  for (const outcome of ['ok', 'failed']) polls.inc({ outcome }, 0);
  for (const change of ['inserted', 'updated']) itemsStored.inc({ change }, 0);
  for (const result of ['created', 'joined']) stories.inc({ result }, 0);

  return {
    registry,
    contentType: registry.contentType,
    observePoll(report) {
      for (const source of report.sources) {
        if (!['changed', 'unchanged', 'not-modified', 'failed'].includes(source.outcome)) continue;
        fetches.inc({ outcome: source.outcome, status: String(source.httpStatus ?? 'none') });
        fetchSeconds.observe({ outcome: source.outcome }, source.elapsedMs / 1000);
        if (source.error) fetchErrors.inc({ code: source.error.code });
        itemsStored.inc({ change: 'inserted' }, source.inserted);
        itemsStored.inc({ change: 'updated' }, source.updated);
      }
      itemsClassified.inc(report.classified);
      itemsMatched.inc(report.matched);
      stories.inc({ result: 'created' }, report.storiesCreated);
      stories.inc({ result: 'joined' }, report.storiesJoined);
    },
    observeDigest(summary) {
      digests.inc({ result: 'sent' }, summary.sent);
      digests.inc({ result: 'failed' }, summary.failed);
      digests.inc({ result: 'bounced' }, summary.bounced);
      digests.inc({ result: 'deferred' }, summary.deferred);
      digests.inc({ result: 'empty' }, summary.skippedEmpty);
    },
    observeJob(job, seconds, ok) {
      jobSeconds.observe({ job, outcome: ok ? 'ok' : 'failed' }, seconds);
      if (job === 'poll') polls.inc({ outcome: ok ? 'ok' : 'failed' });
    },
    async render(store, config, now = new Date()) {
      const states = new Map((await store.listSourceStates()).map((state) => [state.sourceId, state]));
      const byState = new Map<string, number>(
        ['ok', 'failing', 'disabled', 'off', 'new', 'stale', 'moved'].map((state) => [state, 0]),
      );
      for (const source of config.sources) {
        const marks = sourceMarks(source, states.get(source.id), now, config.app.health.staleDays);
        const main = marks.find((mark) => ['off', 'new', 'disabled', 'failing'].includes(mark)) ?? 'ok';
        byState.set(main, (byState.get(main) ?? 0) + 1);
        for (const extra of marks.filter((mark) => mark === 'stale' || mark === 'moved'))
          byState.set(extra, (byState.get(extra) ?? 0) + 1);
      }
      for (const [state, count] of byState) sources.set({ state }, count);
      items.set({ kind: 'all' }, await store.countItems());
      items.set({ kind: 'matched' }, await store.countItems({ matched: true }));
      return registry.metrics();
    },
  };
}
