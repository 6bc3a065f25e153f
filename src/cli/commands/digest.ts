// `tipwire digest send` runs the digest job now (what the scheduler does at the send time): a progress bar on a
// terminal, a summary table at the end, exit code 1 when any digest failed or bounced. `--dry-run` composes and
// counts without writing or sending. `tipwire digest preview` writes the HTML and text one subscriber would get now.
import { writeFileSync } from 'node:fs';
import { TipwireError } from '../../core/errors.ts';
import type { Subscriber } from '../../core/types.ts';
import { previewDigest, runDigests } from '../../jobs/digest.ts';
import { summariseDigest, timedJob } from '../../jobs/health.ts';
import { EXIT, defineCommand } from '../command.ts';
import { openJobs } from '../jobs.ts';
import { renderTable } from '../table.ts';

function progressBar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}

export const digestSendCommand = defineCommand({
  name: 'digest send',
  summary: 'send the digests that are due now (or of --period), with a summary; --dry-run only counts',
  usage: '[--dry-run] [--period 2026-W48]',
  options: {
    'dry-run': { type: 'boolean', description: 'compose and count; write and send nothing' },
    period: {
      type: 'string',
      value: 'PERIOD',
      description: 'send this period (2026-W48, or 2026-11-29 for daily) instead of the latest due',
    },
  },
  async run(args, ctx) {
    const period = args.values.period;
    if (period !== undefined && !/^\d{4}-W\d{2}$|^\d{4}-\d{2}-\d{2}$/.test(period)) {
      throw new TipwireError(
        'USAGE',
        `--period "${period}" must be an ISO week (2026-W48) or, for daily digests, a day (2026-11-29)`,
      );
    }
    const config = await ctx.loadConfig();
    const jobs = await openJobs(ctx, config);
    const { store, mailer } = jobs;
    const tty = Boolean(ctx.stdout.isTTY);
    try {
      const templates = await jobs.templates();
      const send = () =>
        runDigests(
          { store, mailer, config, log: ctx.log, templates },
          {
            now: new Date(),
            dryRun: Boolean(args.values['dry-run']),
            period,
            onProgress: tty ? (done, total) => ctx.stdout.write(progressBar(done, total)) : undefined,
          },
        );
      // A real send from cron shows on the status page like the service's own digest runs.
      const summary = args.values['dry-run']
        ? await send()
        : await timedJob(store, 'digest', send, summariseDigest);
      if (tty) ctx.stdout.write('\n');
      ctx.stdout.write(
        renderTable(
          [
            args.values['dry-run'] ? 'would send' : 'sent',
            'empty (not sent)',
            'retry later',
            'failed',
            'bounced',
            'planned now',
          ],
          [
            [
              summary.sent,
              summary.skippedEmpty,
              summary.deferred,
              summary.failed,
              summary.bounced,
              summary.planned,
            ],
          ],
        ),
      );
      if (!args.values['dry-run']) {
        ctx.stdout.write(
          mailer.kind === 'file'
            ? `messages written to ${config.app.paths.outbox}\n`
            : 'messages sent by SMTP\n',
        );
      }
      // A message that could not be written or sent now (full disk, SMTP 4xx) is kept for a retry, but the run did
      // not do its job: say so and exit non-zero so that cron and the operator notice.
      if (summary.deferred > 0) {
        ctx.stderr.write(
          `${summary.deferred} digest(s) could not be ${mailer.kind === 'file' ? 'written' : 'sent'} and will be retried; see the log for why\n`,
        );
      }
      return summary.failed + summary.bounced + summary.deferred > 0 ? EXIT.failed : EXIT.ok;
    } finally {
      await jobs.close();
    }
  },
});

export const digestPreviewCommand = defineCommand({
  name: 'digest preview',
  summary: 'write the digest a subscriber would get now (HTML to --out, text beside it or to the terminal)',
  usage: '[--subscriber EMAIL] [--out FILE.html]',
  options: {
    subscriber: {
      type: 'string',
      value: 'EMAIL',
      description: 'whose digest (default: one who chose everything)',
    },
    out: { type: 'string', value: 'FILE.html', description: 'write the HTML here and the text beside it' },
  },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const jobs = await openJobs(ctx, config);
    const { store } = jobs;
    try {
      const email = args.values.subscriber;
      let subscriber: Subscriber & { cutoff?: string | undefined };
      if (email) {
        const found = await store.digest.getSubscriberByEmail(email);
        if (!found) throw new TipwireError('USAGE', `no subscriber ${email} (see tipwire subscribers list)`);
        subscriber = found;
      } else {
        subscriber = {
          id: 'preview',
          email: 'preview@example.org',
          locale: 'en',
          timeZone: config.app.digest.timeZone,
          topics: [],
          countries: [],
          languages: [],
          frequency: 'weekly',
          status: 'active',
          createdAt: new Date().toISOString(),
        };
      }
      const rendered = await previewDigest(
        { store, config, templates: await jobs.templates() },
        subscriber,
        new Date(),
      );
      const out = args.values.out;
      if (out) {
        writeFileSync(out, rendered.html);
        const textFile = out.replace(/\.html?$/i, '') + '.txt';
        writeFileSync(textFile, rendered.text);
        ctx.stdout.write(
          `${rendered.subject}\nHTML: ${out} (${Buffer.byteLength(rendered.html)} bytes)\ntext: ${textFile}\n`,
        );
      } else {
        ctx.stdout.write(`Subject: ${rendered.subject}\n\n${rendered.text}`);
      }
      return EXIT.ok;
    } finally {
      await jobs.close();
    }
  },
});
