// What the running process knows about itself beyond the store (start time, last poll, next scheduled runs), and
// the store check of /healthz. The operator's health report is jobs/health.ts.
import type { JobContext } from './context.ts';
import type { PollReport } from './poll.ts';

/** What the running process knows beyond the store. */
export interface RuntimeStatus {
  startedAt: string;
  lastPoll?: PollReport;
  nextRuns: Record<string, string | undefined>;
}

/** The store answers (for container health checks). */
export async function storeAnswers(ctx: JobContext): Promise<void> {
  await ctx.store.countItems({ limit: 1 });
}
