// Runs the jobs on their node-cron schedules inside the `run` process. A job never overlaps itself (a slow poll
// makes the next tick wait, not pile up); a config reload re-creates only the tasks whose schedule changed; stop()
// lets running jobs finish (they see the abort signal and wind down) before it resolves.
import { createTask, validate, type ScheduledTask } from 'node-cron';
import type { Logger } from '../core/log.ts';

export interface ScheduledJob {
  name: string;
  cron: string;
  timeZone?: string;
  run(signal: AbortSignal): Promise<void>;
}

export class Scheduler {
  private readonly log: Logger;
  private readonly tasks = new Map<string, { job: ScheduledJob; task: ScheduledTask }>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly abort = new AbortController();

  constructor(log: Logger) {
    this.log = log.child({ component: 'scheduler' });
  }

  /** Adds or replaces jobs; a job whose cron and zone are unchanged keeps its task (and its next tick). */
  set(jobs: ScheduledJob[]): void {
    const wanted = new Set(jobs.map((job) => job.name));
    for (const [name, entry] of this.tasks) {
      if (!wanted.has(name)) {
        void entry.task.destroy();
        this.tasks.delete(name);
      }
    }
    for (const job of jobs) {
      if (!validate(job.cron))
        throw new Error(`scheduler: "${job.cron}" is not a valid cron expression for ${job.name}`);
      const current = this.tasks.get(job.name);
      if (current && current.job.cron === job.cron && current.job.timeZone === job.timeZone) {
        current.job = job;
        continue;
      }
      if (current) void current.task.destroy();
      const task = createTask(job.cron, () => this.trigger(job.name), {
        timezone: job.timeZone,
        name: job.name,
        noOverlap: true,
      });
      void task.start();
      this.tasks.set(job.name, { job, task });
      this.log.info(
        {
          job: job.name,
          cron: job.cron,
          timeZone: job.timeZone ?? 'local',
          next: task.getNextRun()?.toISOString(),
        },
        'scheduled',
      );
    }
  }

  /** Runs a job now unless it is already running (then waits for that run). */
  trigger(name: string): Promise<void> {
    const inFlight = this.running.get(name);
    if (inFlight) return inFlight;
    const entry = this.tasks.get(name);
    if (!entry || this.abort.signal.aborted) return Promise.resolve();
    const run = (async () => {
      const started = Date.now();
      try {
        await entry.job.run(this.abort.signal);
      } catch (err) {
        this.log.error({ err, job: name }, 'job failed');
      } finally {
        this.running.delete(name);
        this.log.debug({ job: name, ms: Date.now() - started }, 'job done');
      }
    })();
    this.running.set(name, run);
    return run;
  }

  nextRuns(): Record<string, string | undefined> {
    return Object.fromEntries(
      [...this.tasks].map(([name, { task }]) => [name, task.getNextRun()?.toISOString()]),
    );
  }

  /** No new runs; running jobs are told to stop and awaited up to graceMs. */
  async stop(graceMs = 30_000): Promise<void> {
    this.abort.abort();
    for (const { task } of this.tasks.values()) await task.destroy();
    this.tasks.clear();
    const running = Promise.allSettled([...this.running.values()]);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>(
      (resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)),
    );
    const outcome = await Promise.race([running.then(() => 'done' as const), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout')
      this.log.warn({ jobs: [...this.running.keys()] }, 'jobs still running at shutdown; abandoned');
  }
}
