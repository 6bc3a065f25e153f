// `tipwire subscribers add|list|remove|import|export`: the operator's view of the subscriber list, a thin shell over
// jobs/subscribers.ts (the same rules and errors as the web pages). Operator-added and imported subscribers are
// active at once (the operator vouches for consent); --pending sends a confirmation mail instead. `set` changes an
// address's choices as its preferences page does. Without --time-zone a new subscriber gets the zone of the first
// chosen country (kg → Asia/Bishkek), else digest.timeZone; --day and --hour default to digest.schedule's. CSV
// columns: email,name,locale,timeZone,topics,countries,languages,frequency,status,sendDay,sendHour, lists separated
// by ";" — a bad row is reported with its line number and the rest are imported.
import { readFileSync } from 'node:fs';
import { TipwireError } from '../../core/errors.ts';
import {
  addSubscriber,
  changeSubscriber,
  deliveryOf,
  exportSubscribersCsv,
  importSubscribers,
  listSubscribers,
  removeSubscribers,
} from '../../jobs/subscribers.ts';
import { EXIT, defineCommand } from '../command.ts';
import { openJobs } from '../jobs.ts';
import { renderTable } from '../table.ts';

/** The choices both add and set take, checked by the one use-case (jobs/subscribers.ts checkChoices). */
const CHOICE_OPTIONS = {
  name: { type: 'string', value: 'NAME', description: 'display name' },
  locale: { type: 'string', value: 'en|ru', description: 'language of the digest (default en)' },
  'time-zone': {
    type: 'string',
    value: 'ZONE',
    description: "IANA zone of the send time, or auto (default: the first country's, else digest.timeZone)",
  },
  day: {
    type: 'string',
    value: 'DAY',
    description: "weekday of the weekly digest, 1–7 or monday…sunday (default digest.schedule's)",
  },
  hour: { type: 'string', value: 'HOUR', description: "hour of the send, 0–23 (default digest.schedule's)" },
  topic: { type: 'string', multiple: true, value: 'T', description: 'a topic id (none: all topics)' },
  country: {
    type: 'string',
    multiple: true,
    value: 'CC',
    description: 'a country code (none: all countries)',
  },
  language: {
    type: 'string',
    multiple: true,
    value: 'LL',
    description: 'a language code (none: all languages)',
  },
} as const;

export const subscribersAddCommand = defineCommand({
  name: 'subscribers add',
  summary: 'add a subscriber (active at once, or --pending to send a confirm mail)',
  usage:
    'EMAIL [--name N] [--locale en|ru] [--time-zone ZONE] [--day DAY] [--hour H] [--topic T]... [--country CC]... [--language LL]... [--daily] [--pending]',
  options: {
    ...CHOICE_OPTIONS,
    daily: { type: 'boolean', description: 'a daily digest instead of weekly' },
    pending: { type: 'boolean', description: 'send a confirmation mail; active only after the click' },
  },
  async run(args, ctx) {
    const email = args.positionals[0];
    if (!email) throw new TipwireError('USAGE', 'name the e-mail address to add');
    const v = args.values;
    const jobs = await openJobs(ctx, await ctx.loadConfig());
    try {
      const { subscriber, mailed } = await addSubscriber(jobs, {
        email,
        name: v.name,
        locale: v.locale,
        timeZone: v['time-zone'],
        sendDay: v.day,
        sendHour: v.hour,
        topics: v.topic,
        countries: v.country,
        languages: v.language,
        frequency: v.daily ? 'daily' : undefined,
        status: v.pending ? 'pending' : 'active',
      });
      ctx.stdout.write(`added ${subscriber.email} (${subscriber.id}, ${subscriber.status})\n`);
      if (mailed) {
        const config = jobs.config();
        ctx.stdout.write(
          `confirm mail sent (${jobs.mailer.kind === 'file' ? `file outbox ${config.app.paths.outbox}` : 'SMTP'})\n`,
        );
      }
      return EXIT.ok;
    } finally {
      await jobs.close();
    }
  },
});

export const subscribersSetCommand = defineCommand({
  name: 'subscribers set',
  summary: "change a subscriber's choices (what the preferences page changes); the rest stays",
  usage:
    'EMAIL [--locale en|ru] [--time-zone ZONE|auto] [--day DAY] [--hour H] [--topic T]... [--all-topics] [--country CC]... [--all-countries] [--language LL]... [--all-languages] [--weekly|--daily]',
  options: {
    ...CHOICE_OPTIONS,
    'all-topics': { type: 'boolean', description: 'every topic (clears --topic choices)' },
    'all-countries': { type: 'boolean', description: 'every country' },
    'all-languages': { type: 'boolean', description: 'every language' },
    weekly: { type: 'boolean', description: 'a weekly digest' },
    daily: { type: 'boolean', description: 'a daily digest' },
  },
  async run(args, ctx) {
    const email = args.positionals[0];
    if (!email) throw new TipwireError('USAGE', 'name the e-mail address to change');
    const v = args.values;
    if (v.weekly && v.daily) throw new TipwireError('USAGE', 'choose --weekly or --daily, not both');
    const list = (values: string[] | undefined, all: boolean | undefined): string[] | undefined =>
      all ? [] : values;
    const jobs = await openJobs(ctx, await ctx.loadConfig());
    try {
      const changed = await changeSubscriber(jobs, email, {
        name: v.name,
        locale: v.locale,
        timeZone: v['time-zone'],
        sendDay: v.day,
        sendHour: v.hour,
        topics: list(v.topic, v['all-topics']),
        countries: list(v.country, v['all-countries']),
        languages: list(v.language, v['all-languages']),
        frequency: v.daily ? 'daily' : v.weekly ? 'weekly' : undefined,
      });
      if (!changed) {
        ctx.stderr.write(`not found: ${email}\n`);
        return EXIT.failed;
      }
      const d = deliveryOf(changed, jobs.config());
      ctx.stdout.write(
        `changed ${changed.email}: ${changed.frequency}, ${sendsAt(d)} ${d.timeZone}; topics ${changed.topics.join(',') || 'all'}, countries ${changed.countries.join(',') || 'all'}, languages ${changed.languages.join(',') || 'all'}\n`,
      );
      return EXIT.ok;
    } finally {
      await jobs.close();
    }
  },
});

const WEEKDAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** "Mon 07:00" (weekly) or "07:00" (daily). */
function sendsAt(d: ReturnType<typeof deliveryOf>): string {
  const time = `${String(d.hour).padStart(2, '0')}:${String(d.minute).padStart(2, '0')}`;
  return d.frequency === 'daily' ? time : `${WEEKDAY_NAMES[d.weekday - 1] ?? '?'} ${time}`;
}

export const subscribersListCommand = defineCommand({
  name: 'subscribers list',
  summary: 'list subscribers with their choices, status and last digest cutoff',
  usage: '[--status pending|active|unsubscribed|bounced]',
  options: {
    status: { type: 'string', value: 'STATUS', description: 'only pending, active, unsubscribed or bounced' },
  },
  async run(args, ctx) {
    const jobs = await openJobs(ctx, await ctx.loadConfig());
    try {
      const subscribers = await listSubscribers(jobs, args.values.status);
      ctx.stdout.write(
        renderTable(
          [
            'email',
            'status',
            'locale',
            'zone',
            'sends',
            'topics',
            'countries',
            'languages',
            'freq',
            'last cutoff',
          ],
          subscribers.map((s) => [
            s.email,
            s.status,
            s.locale,
            s.timeZone,
            sendsAt(deliveryOf(s, jobs.config())),
            s.topics.join(',') || 'all',
            s.countries.join(',') || 'all',
            s.languages.join(',') || 'all',
            s.frequency,
            s.cutoff?.slice(0, 16).replace('T', ' ') ?? '',
          ]),
        ),
      );
      ctx.stdout.write(`${subscribers.length} subscriber(s)\n`);
      return EXIT.ok;
    } finally {
      await jobs.close();
    }
  },
});

export const subscribersRemoveCommand = defineCommand({
  name: 'subscribers remove',
  summary: 'delete a subscriber and their digest history',
  usage: 'EMAIL...',
  async run(args, ctx) {
    if (args.positionals.length === 0)
      throw new TipwireError('USAGE', 'name the e-mail address(es) to remove');
    const jobs = await openJobs(ctx, await ctx.loadConfig());
    try {
      const { removed, missing } = await removeSubscribers(jobs, args.positionals);
      for (const email of removed) ctx.stdout.write(`removed ${email}\n`);
      for (const email of missing) ctx.stderr.write(`not found: ${email}\n`);
      return missing.length === 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await jobs.close();
    }
  },
});

export const subscribersImportCommand = defineCommand({
  name: 'subscribers import',
  summary:
    'add subscribers from a CSV file (header: email,name,locale,timeZone,topics,countries,languages,frequency,status,sendDay,sendHour)',
  usage: 'FILE.csv',
  async run(args, ctx) {
    const file = args.positionals[0];
    if (!file) throw new TipwireError('USAGE', 'name the CSV file to import');
    const jobs = await openJobs(ctx, await ctx.loadConfig());
    try {
      const report = await importSubscribers(jobs, readFileSync(file, 'utf8'), file);
      for (const problem of report.problems)
        ctx.stderr.write(`${file}:${problem.line}: ${problem.message}\n`);
      ctx.stdout.write(
        `${report.added} added, ${report.present} already present, ${report.problems.length} refused\n`,
      );
      return report.problems.length === 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await jobs.close();
    }
  },
});

export const subscribersExportCommand = defineCommand({
  name: 'subscribers export',
  summary: 'print every subscriber as CSV (the format import reads)',
  usage: '',
  async run(_args, ctx) {
    const jobs = await openJobs(ctx, await ctx.loadConfig());
    try {
      ctx.stdout.write(await exportSubscribersCsv(jobs));
      return EXIT.ok;
    } finally {
      await jobs.close();
    }
  },
});
