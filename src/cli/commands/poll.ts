// `tipwire poll`: one poll cycle now, a progress line per source on a terminal, a summary table at the end.
// Exit code 1 when any polled source failed, so cron wrappers and CI notice.
import { compileClassifier } from '../../jobs/classify.ts';
import { createPollLimiter } from '../../jobs/poll-setup.ts';
import { runPoll, type SourcePollResult } from '../../jobs/poll.ts';
import { describePoll } from '../../jobs/poll-summary.ts';
import { pruneHealth, recordPollHealth, timedJob } from '../../jobs/health.ts';
import { publishFeeds } from '../../jobs/publish.ts';
import { EXIT, defineCommand } from '../command.ts';
import { relativeTime, renderTable, truncate } from '../table.ts';

export function pollSummary(results: SourcePollResult[], now = new Date()): string {
  return renderTable(
    ['source', 'outcome', 'http', 'format', 'entries', 'new', 'updated', 'next poll', 'error'],
    results.map((r) => [
      r.sourceId,
      r.outcome,
      r.httpStatus,
      r.format,
      r.outcome === 'skipped' || r.outcome === 'disabled' ? '' : r.entries,
      r.inserted || '',
      r.updated || '',
      relativeTime(r.nextPollAt, now),
      r.error
        ? truncate(`${r.error.code}: ${r.error.message}`, 90)
        : r.movedTo
          ? `moved to ${r.movedTo}`
          : '',
    ]),
  );
}

export const pollCommand = defineCommand({
  name: 'poll',
  summary:
    'poll due sources once (or --all, or --source ID), classify and cluster, export feeds, print a summary',
  usage: '[--source ID]... [--all] [--no-publish]',
  options: {
    source: { type: 'string', multiple: true, value: 'ID', description: 'poll only this source' },
    all: { type: 'boolean', description: 'poll every source now, due or not' },
    'no-publish': { type: 'boolean', description: 'do not write the feeds afterwards' },
  },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const rules = compileClassifier(config);
    const store = await ctx.openStore(config);
    try {
      const sourceIds = args.values.source;
      const tty = Boolean(ctx.stdout.isTTY);
      let done = 0;
      const total = sourceIds?.length ?? config.sources.filter((source) => source.enabled).length;
      // A poll from cron records its run and its health events like the service's own polls.
      const before = await store.listSourceStates();
      const report = await timedJob(
        store,
        'poll',
        () =>
          runPoll(
            {
              store,
              config,
              rules,
              log: ctx.log,
              limiter: createPollLimiter(config),
            },
            {
              sourceIds,
              force: Boolean(args.values.all),
              onSource: (result) => {
                done += 1;
                if (tty) {
                  const detail = result.error
                    ? ` ${result.error.code}`
                    : result.inserted
                      ? ` +${result.inserted}`
                      : '';
                  ctx.stdout.write(`[${done}/${total}] ${result.sourceId}: ${result.outcome}${detail}\n`);
                }
              },
            },
          ),
        (polled) =>
          describePoll(polled.summary, { matched: polled.matched, storiesCreated: polled.storiesCreated }),
      );
      await recordPollHealth(store, config, before, new Date());
      await pruneHealth(store, config, new Date());
      ctx.stdout.write(`\n${pollSummary(report.sources)}`);
      const failed = report.summary.failed;
      ctx.stdout.write(
        `\n${describePoll(report.summary, { matched: report.matched, storiesCreated: report.storiesCreated })}\n`,
      );
      if (!args.values['no-publish']) {
        const published = await timedJob(
          store,
          'publish',
          () =>
            publishFeeds(store, config, {
              now: new Date(),
              log: ctx.log,
              changes: report.feedChanges,
            }),
          (feeds) => `${feeds.written} of ${feeds.files} feed files changed`,
        );
        ctx.stdout.write(
          published.files > 0
            ? `feeds: ${published.files} files written to ${config.app.paths.feeds}\n`
            : `feeds: no story changed, ${config.app.paths.feeds} left as it is\n`,
        );
      }
      return failed > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await store.close();
    }
  },
});
