// What one poll tells an operator: counts by outcome, including the sources that were not polled because they are not
// yet due (and how many of those were failing when last tried), so a restart in the middle of a backoff never reads
// "0 polled, 0 failed" as healthy; and one log line per failing source. Expected failures (the network, the remote
// server, the feed's content) are a WARN with their code and reason and no stack; the stack goes to DEBUG. Anything
// else is a defect of ours and keeps its stack at ERROR.
import type { Logger } from '../core/log.ts';
import { describeError, isTipwireError } from '../core/errors.ts';

/** The part of a source's poll result a summary needs (jobs/poll.ts SourcePollResult has these fields). */
export interface SummaryInput {
  sourceId: string;
  outcome: 'changed' | 'unchanged' | 'not-modified' | 'failed' | 'skipped' | 'disabled' | 'leased';
  inserted: number;
  updated: number;
  error?: { code: string; message: string } | undefined;
  nextPollAt?: string | undefined;
}

export interface PollSummary {
  /** Sources in the config. */
  sources: number;
  /** Fetched in this run. */
  polled: number;
  changed: number;
  /** Unchanged content or 304 Not Modified. */
  unchanged: number;
  failed: number;
  /** Of the failed: no answer at all (DNS, connection, timeout). */
  unreachable: number;
  /** Enabled but not due yet (their interval or backoff has not run out). */
  notDue: number;
  /** Of the not-due: the last poll failed, so they are in backoff. */
  failingNotDue: number;
  /** Off in sources.yaml or disabled after repeated failures. */
  disabled: number;
  /** Polled by another worker right now. */
  leased: number;
  inserted: number;
  updated: number;
  /** Failures by error code, this run and still-failing sources in backoff together. */
  errors: Record<string, number>;
  /** The earliest next poll among sources not polled now. */
  nextDueAt?: string;
}

const UNREACHABLE = new Set(['FETCH_NETWORK', 'FETCH_TIMEOUT']);

export function summarisePoll(results: readonly SummaryInput[]): PollSummary {
  const summary: PollSummary = {
    sources: results.length,
    polled: 0,
    changed: 0,
    unchanged: 0,
    failed: 0,
    unreachable: 0,
    notDue: 0,
    failingNotDue: 0,
    disabled: 0,
    leased: 0,
    inserted: 0,
    updated: 0,
    errors: {},
  };
  for (const result of results) {
    summary.inserted += result.inserted;
    summary.updated += result.updated;
    if (result.outcome === 'disabled') summary.disabled += 1;
    else if (result.outcome === 'leased') summary.leased += 1;
    else if (result.outcome === 'skipped') {
      summary.notDue += 1;
      if (result.error) summary.failingNotDue += 1;
      if (result.nextPollAt && (!summary.nextDueAt || result.nextPollAt < summary.nextDueAt))
        summary.nextDueAt = result.nextPollAt;
    } else {
      summary.polled += 1;
      if (result.outcome === 'changed') summary.changed += 1;
      else if (result.outcome === 'failed') {
        summary.failed += 1;
        if (result.error && UNREACHABLE.has(result.error.code)) summary.unreachable += 1;
      } else summary.unchanged += 1;
    }
    if (result.error && result.outcome !== 'disabled')
      summary.errors[result.error.code] = (summary.errors[result.error.code] ?? 0) + 1;
  }
  return summary;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** One line for the log and the CLI, e.g. "poll: 35 of 35 sources unreachable (FETCH_NETWORK 35); 0 new items". */
export function describePoll(
  summary: PollSummary,
  extra: { matched?: number; storiesCreated?: number } = {},
): string {
  const parts: string[] = [];
  const errorList = Object.entries(summary.errors)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code} ${n}`)
    .join(', ');
  const noneAnswered = summary.polled > 0 && summary.unreachable === summary.polled;
  if (noneAnswered) {
    parts.push(`${summary.unreachable} of ${plural(summary.polled, 'source')} unreachable (${errorList})`);
  } else {
    const detail = [
      summary.changed ? `${summary.changed} changed` : '',
      summary.unchanged ? `${summary.unchanged} unchanged` : '',
      summary.failed ? `${summary.failed} failing` : '',
    ].filter(Boolean);
    parts.push(`${plural(summary.polled, 'source')} polled${detail.length ? ` (${detail.join(', ')})` : ''}`);
  }
  if (summary.notDue > 0) {
    parts.push(
      `${summary.notDue} not yet due${summary.failingNotDue ? ` (${summary.failingNotDue} of them failing, in backoff)` : ''}` +
        (summary.nextDueAt ? `, next at ${summary.nextDueAt}` : ''),
    );
  }
  if (summary.disabled > 0) parts.push(`${summary.disabled} disabled`);
  if (summary.leased > 0) parts.push(`${summary.leased} polled by another worker`);
  let line = `poll: ${parts.join('; ')}; ${plural(summary.inserted, 'new item')}`;
  if (extra.matched !== undefined) line += `, ${extra.matched} on topic`;
  if (extra.storiesCreated !== undefined)
    line += `, ${plural(extra.storiesCreated, 'new story', 'new stories')}`;
  if (noneAnswered) line += '. No source answered: is this machine online, and does DNS work?';
  else if (errorList) line += ` (errors: ${errorList})`;
  return line;
}

/** Failures that are the world's doing, not ours: they need a line, not a stack. */
export function isExpectedFailure(err: unknown): boolean {
  return isTipwireError(err) && /^(FETCH|PARSE)_/.test(err.code);
}

/** The one log line of a failed source (sourceLog already binds job and source). */
export function logSourceFailure(
  sourceLog: Logger,
  err: unknown,
  facts: { failures: number; nextPollAt: string; disabledNow: boolean; sourceId: string },
): void {
  const { code, message } = describeError(err);
  const fields = { code, reason: message, failures: facts.failures, nextPollAt: facts.nextPollAt };
  if (facts.disabledNow) {
    sourceLog.error(
      fields,
      `${code}: ${message}; disabled after ${facts.failures} failures in a row (\`tipwire sources enable ${facts.sourceId}\` re-enables it)`,
    );
  } else if (isExpectedFailure(err)) {
    sourceLog.warn(
      fields,
      `${code}: ${message}; retry after ${facts.nextPollAt} (failure ${facts.failures})`,
    );
  } else {
    sourceLog.error({ ...fields, err }, `${code}: ${message}`);
    return;
  }
  sourceLog.debug({ err }, 'failure details');
}
