// `tipwire run`: the long-running service. Polls on schedule, exports feeds after each poll, sends digests when
// due, serves feeds, subscriber pages and the status page, reloads edited config without a restart, and shuts
// down cleanly on SIGINT/SIGTERM (running jobs finish or are abandoned at their next step; the database is closed).
import type { CompiledRules } from '../../jobs/poll-setup.ts';
import { compileClassifier } from '../../jobs/classify.ts';
import type { Config } from '../../config/types.ts';
import { watchConfig } from '../../config/watch.ts';
import { createPollLimiter } from '../../jobs/poll-setup.ts';
import { runPoll, type PollReport } from '../../jobs/poll.ts';
import { createClusterer } from '../../jobs/cluster.ts';
import { publishFeeds } from '../../jobs/publish.ts';
import { runDigests, digestWakeSchedule } from '../../jobs/digest.ts';
import { Scheduler, type ScheduledJob } from '../../jobs/scheduler.ts';
import { createRoutes } from '../../http/routes.ts';
import { startServer } from '../../http/server.ts';
import { withListenAddress } from '../../config/deployment.ts';
import {
  pruneHealth,
  recordConfigRejection,
  recordPollHealth,
  summariseDigest,
  timedJob,
} from '../../jobs/health.ts';
import { sendHealthReport } from '../../jobs/health-report.ts';
import { createMetrics } from '../../jobs/metrics.ts';
import { describePoll } from '../../jobs/poll-summary.ts';
import { EXIT, defineCommand } from '../command.ts';
import { openJobs } from '../jobs.ts';
import { stopSignal } from '../signals.ts';
import { announceStart } from '../startup.ts';

export const runCommand = defineCommand({
  name: 'run',
  summary: 'run the service: scheduled polls, feed export, digests, HTTP server, config hot reload',
  usage: '[--no-server] [--no-initial-poll]',
  options: {
    'no-server': { type: 'boolean', description: 'no HTTP server (jobs only)' },
    'no-initial-poll': { type: 'boolean', description: 'wait for the schedule instead of polling at start' },
  },
  async run(args, ctx) {
    // Listening before anything slow starts, so a signal during start-up is not lost.
    const stopped = stopSignal(ctx.log);
    const log = ctx.log;
    let config: Config = await ctx.loadConfig();
    let rules: CompiledRules = compileClassifier(config);
    // The store and the mailer are opened once for the life of the process; the config is read per use.
    const app = await openJobs(ctx, () => config);
    const { store, mailer } = app;
    // MJML compiles once here, never per subscriber.
    const templates = await app.templates();
    // The clustering index lives as long as the process, so each poll only adds to it (rebuilt on a config change).
    let clusterer = createClusterer(config.app.dedupe);
    let limiter = createPollLimiter(config);
    const status: { startedAt: string; lastPoll?: PollReport } = { startedAt: new Date().toISOString() };
    const scheduler = new Scheduler(log);
    let exportAll = true;
    const metrics = createMetrics();
    const runtime = () => ({ ...status, nextRuns: scheduler.nextRuns() });
    const observe = metrics.observeJob;

    const jobs = (current: Config): ScheduledJob[] => {
      const digestWake = digestWakeSchedule(current);
      return [
        {
          name: 'poll',
          cron: current.app.poll.schedule,
          run: async (signal) => {
            // The states before the poll: comparing them with the states after tells what changed (health events).
            const before = await store.listSourceStates();
            const report = await timedJob(
              store,
              'poll',
              () => runPoll({ store, config, rules, limiter, log, clusterer }, { signal }),
              (done) =>
                describePoll(done.summary, { matched: done.matched, storiesCreated: done.storiesCreated }),
              observe,
            );
            status.lastPoll = report;
            metrics.observePoll(report);
            await recordPollHealth(store, config, before, new Date());
            await pruneHealth(store, config, new Date());
            // The first export after a start or a config change renders everything (titles, sources may differ).
            const changes = exportAll ? undefined : report.feedChanges;
            exportAll = false;
            await timedJob(
              store,
              'publish',
              () => publishFeeds(store, config, { now: new Date(), log, published: app.published, changes }),
              (done) => `${done.written} of ${done.files} feed files changed`,
              observe,
            );
          },
        },
        {
          name: 'digest',
          cron: digestWake.cron,
          timeZone: digestWake.timeZone,
          run: async (signal) => {
            const summary = await timedJob(
              store,
              'digest',
              () => runDigests({ store, mailer, config, log, templates }, { now: new Date(), signal }),
              summariseDigest,
              observe,
            );
            metrics.observeDigest(summary);
          },
        },
        ...(current.app.health.reportTo
          ? [
              {
                name: 'health-report',
                cron: current.app.health.reportSchedule,
                timeZone: current.app.digest.timeZone,
                run: async () => {
                  const sent = await timedJob(
                    store,
                    'health-report',
                    () => sendHealthReport(app, runtime()),
                    (done) => `${done.outcome} (${done.week})${done.subject ? `: ${done.subject}` : ''}`,
                    observe,
                  );
                  log.info({ job: 'health-report', outcome: sent.outcome, week: sent.week }, 'health report');
                },
              },
            ]
          : []),
      ];
    };
    scheduler.set(jobs(config));

    /** Where the server really listens, once it does (links follow it unless a base URL is configured). */
    let listening: { port: number } | undefined;
    const watcher = watchConfig(config, {
      log,
      env: ctx.env,
      // The same loader as at start: topic-rule problems are rejected with their file:line:col.
      load: () => ctx.loadConfig(),
      accept: (next) => void compileClassifier(next),
      onReject: (rejection) => void recordConfigRejection(store, rejection),
      onChange: async (next) => {
        config = listening ? withListenAddress(next, listening) : next;
        rules = compileClassifier(next);
        exportAll = true;
        clusterer = createClusterer(next.app.dedupe);
        limiter = createPollLimiter(next);
        scheduler.set(jobs(next));
        // New rules re-classify the retention window at the next poll; new sources are due at once.
        void scheduler.trigger('poll');
      },
    });

    const server = args.values['no-server']
      ? undefined
      : await startServer(app, {
          host: config.app.server.host,
          port: config.app.server.port,
          routes: createRoutes({ runtime, metrics }),
        });
    // Port 0 means "any": links must name the port the system chose.
    if (server) {
      listening = { port: Number(new URL(server.url).port) };
      config = withListenAddress(config, listening);
    }
    const firstRun = (await store.listSourceStates()).length === 0;
    announceStart(log, config, { url: server?.url, firstRun, mode: 'run' });
    if (!args.values['no-initial-poll']) void scheduler.trigger('poll');

    const signal = await stopped;
    log.info({ signal }, 'shutting down: finishing running jobs');
    watcher.close();
    await scheduler.stop(config.app.fetch.totalTimeoutMs + 5_000);
    await server?.close();
    await app.close();
    log.info('stopped');
    return EXIT.ok;
  },
});
