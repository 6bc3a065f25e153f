// The operator's view of health, as data: every source with its state and last error, the last poll, the next
// scheduled runs. The HTTP status pages render it; the CLI can print it.
import type { SourceState } from '../core/types.ts';
import type { JobContext } from './context.ts';
import type { PollReport } from './poll.ts';

/** What the running process knows beyond the store. */
export interface RuntimeStatus {
  startedAt: string;
  lastPoll?: PollReport;
  nextRuns: Record<string, string | undefined>;
}

export type SourceHealth = 'off' | 'disabled' | 'failing' | 'ok' | 'new';

export interface SourceStatus {
  id: string;
  name: string;
  url: string;
  health: SourceHealth;
  lastPolledAt: string | null;
  lastSuccessAt: string | null;
  nextPollAt: string | null;
  consecutiveFailures: number;
  lastStatus: number | null;
  lastError: { code: string; message: string } | null;
  movedTo: string | null;
  lastItemCount: number | null;
}

export interface StatusReport {
  startedAt: string;
  configVersion: string;
  items: number;
  matchedItems: number;
  nextRuns: Record<string, string | undefined>;
  lastPoll: {
    startedAt: string;
    finishedAt: string;
    classified: number;
    matched: number;
    storiesCreated: number;
  } | null;
  sources: SourceStatus[];
}

function health(state: SourceState | undefined, enabled: boolean): SourceHealth {
  if (!enabled) return 'off';
  if (state?.disabledAt) return 'disabled';
  if (state?.lastError) return 'failing';
  return state?.lastSuccessAt ? 'ok' : 'new';
}

export async function statusReport(ctx: JobContext, runtime: RuntimeStatus): Promise<StatusReport> {
  const config = ctx.config();
  const states = new Map((await ctx.store.listSourceStates()).map((state) => [state.sourceId, state]));
  const poll = runtime.lastPoll;
  return {
    startedAt: runtime.startedAt,
    configVersion: config.version,
    items: await ctx.store.countItems(),
    matchedItems: await ctx.store.countItems({ matched: true }),
    nextRuns: runtime.nextRuns,
    lastPoll: poll
      ? {
          startedAt: poll.startedAt,
          finishedAt: poll.finishedAt,
          classified: poll.classified,
          matched: poll.matched,
          storiesCreated: poll.storiesCreated,
        }
      : null,
    sources: config.sources.map((source) => {
      const state = states.get(source.id);
      return {
        id: source.id,
        name: source.name,
        url: source.url,
        health: health(state, source.enabled),
        lastPolledAt: state?.lastPolledAt ?? null,
        lastSuccessAt: state?.lastSuccessAt ?? null,
        nextPollAt: state?.nextPollAt ?? null,
        consecutiveFailures: state?.consecutiveFailures ?? 0,
        lastStatus: state?.lastStatus ?? null,
        lastError: state?.lastError ?? null,
        movedTo: state?.movedTo ?? null,
        lastItemCount: state?.lastItemCount ?? null,
      };
    }),
  };
}

/** The store answers (for container health checks). */
export async function storeAnswers(ctx: JobContext): Promise<void> {
  await ctx.store.countItems({ limit: 1 });
}
