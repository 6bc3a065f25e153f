// `tipwire subscribers add|list|remove|import|export`: the operator's view of the subscriber list. Operator-added
// and imported subscribers are active at once (the operator vouches for consent); --pending sends a confirm mail
// instead. CSV columns: email,name,locale,timeZone,topics,countries,languages,frequency,status, lists separated by
// ";" — a bad row is reported with its line number and the rest are imported.
import { readFileSync } from 'node:fs';
import { TipwireError, describeError } from '../../core/errors.ts';
import type { SubscriberStatus } from '../../core/types.ts';
import type { Config } from '../../config/types.ts';
import type { NewSubscriber, SubscriberRecord } from '../../digest/port.ts';
import { createMailer } from '../../digest/mailer.ts';
import { isValidTimeZone } from '../../digest/schedule.ts';
import { isPlainEmail } from '../../http/subscribers.ts';
import { loadDigestTemplates, sendConfirmation } from '../../jobs/digest.ts';
import { EXIT, type Command } from '../command.ts';
import { renderTable } from '../table.ts';

const COLUMNS = [
  'email',
  'name',
  'locale',
  'timeZone',
  'topics',
  'countries',
  'languages',
  'frequency',
  'status',
] as const;
const STATUSES: SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced'];

/** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Returns rows with their first line. */
export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const rows: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i += 1) {
    const ch = body[i];
    if (quoted) {
      if (ch === '"' && body[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && body[i + 1] === '\n') i += 1;
      cells.push(cell);
      if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line += 1;
      rowLine = line;
    } else cell += ch;
  }
  cells.push(cell);
  if (cells.some((c) => c.trim() !== '')) rows.push({ line: rowLine, cells });
  return rows;
}

const csvCell = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
const list = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[;\s]+/)
    .map((v) => v.trim().toLowerCase())
    .filter(Boolean);

/** Validates one subscriber's fields; the message names the field. */
export function checkSubscriber(input: NewSubscriber, config: Config): NewSubscriber {
  if (!isPlainEmail(input.email))
    throw new TipwireError('USAGE', `email "${input.email}" is not one plain address`);
  if (!['en', 'ru'].includes(input.locale))
    throw new TipwireError('USAGE', `locale "${input.locale}" must be en or ru`);
  if (!isValidTimeZone(input.timeZone))
    throw new TipwireError('USAGE', `timeZone "${input.timeZone}" is not an IANA zone`);
  const known = new Set(config.topics.topics.map((t) => t.id));
  const unknown = input.topics.filter((t) => !known.has(t));
  if (unknown.length)
    throw new TipwireError(
      'USAGE',
      `topics: unknown ${unknown.join(', ')} (known: ${[...known].join(', ')})`,
    );
  for (const code of [...input.countries, ...input.languages]) {
    if (!/^[a-z]{2}$/.test(code))
      throw new TipwireError('USAGE', `"${code}" is not a two-letter country or language code`);
  }
  if (input.status && !STATUSES.includes(input.status))
    throw new TipwireError('USAGE', `status "${input.status}" is not one of ${STATUSES.join(', ')}`);
  return input;
}

export const subscribersAddCommand: Command = {
  name: 'subscribers add',
  summary: 'add a subscriber (active at once, or --pending to send a confirm mail)',
  usage:
    'EMAIL [--name N] [--locale en|ru] [--time-zone ZONE] [--topic T]... [--country CC]... [--language LL]... [--daily] [--pending]',
  options: {
    name: { type: 'string' },
    locale: { type: 'string' },
    'time-zone': { type: 'string' },
    topic: { type: 'string', multiple: true },
    country: { type: 'string', multiple: true },
    language: { type: 'string', multiple: true },
    daily: { type: 'boolean' },
    pending: { type: 'boolean' },
  },
  async run(args, ctx) {
    const email = args.positionals[0];
    if (!email) throw new TipwireError('USAGE', 'name the e-mail address to add');
    const config = await ctx.loadConfig();
    const v = args.values;
    const input = checkSubscriber(
      {
        email,
        name: v.name as string | undefined,
        locale: (v.locale as string | undefined) ?? 'en',
        timeZone: (v['time-zone'] as string | undefined) ?? config.app.digest.timeZone,
        topics: ((v.topic as string[] | undefined) ?? []).map((t) => t.toLowerCase()),
        countries: ((v.country as string[] | undefined) ?? []).map((c) => c.toLowerCase()),
        languages: ((v.language as string[] | undefined) ?? []).map((l) => l.toLowerCase()),
        frequency: v.daily ? 'daily' : 'weekly',
        status: v.pending ? 'pending' : 'active',
        confirmedAt: v.pending ? undefined : new Date().toISOString(),
      },
      config,
    );
    const store = await ctx.openStore(config);
    try {
      const added = await store.digest.addSubscriber(input);
      ctx.stdout.write(`added ${added.email} (${added.id}, ${added.status})\n`);
      if (added.status === 'pending') {
        const mailer = createMailer(config, ctx.log);
        try {
          await sendConfirmation(
            { mailer, config, templates: await loadDigestTemplates(config) },
            added,
            new Date(),
          );
          ctx.stdout.write(
            `confirm mail sent (${mailer.kind === 'file' ? `file outbox ${config.app.paths.outbox}` : 'SMTP'})\n`,
          );
        } finally {
          await mailer.close();
        }
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

function rowsOf(subscribers: SubscriberRecord[]): string[][] {
  return subscribers.map((s) => [
    s.email,
    s.name ?? '',
    s.locale,
    s.timeZone,
    s.topics.join(';'),
    s.countries.join(';'),
    s.languages.join(';'),
    s.frequency,
    s.status,
  ]);
}

export const subscribersListCommand: Command = {
  name: 'subscribers list',
  summary: 'list subscribers with their choices, status and last digest cutoff',
  usage: '[--status pending|active|unsubscribed|bounced]',
  options: { status: { type: 'string' } },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const store = await ctx.openStore(config);
    try {
      const status = args.values.status as SubscriberStatus | undefined;
      const subscribers = await store.digest.listSubscribers(status ? { status } : {});
      ctx.stdout.write(
        renderTable(
          ['email', 'status', 'locale', 'zone', 'topics', 'countries', 'languages', 'freq', 'last cutoff'],
          subscribers.map((s) => [
            s.email,
            s.status,
            s.locale,
            s.timeZone,
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
      await store.close();
    }
  },
};

export const subscribersRemoveCommand: Command = {
  name: 'subscribers remove',
  summary: 'delete a subscriber and their digest history',
  usage: 'EMAIL...',
  async run(args, ctx) {
    if (args.positionals.length === 0)
      throw new TipwireError('USAGE', 'name the e-mail address(es) to remove');
    const config = await ctx.loadConfig();
    const store = await ctx.openStore(config);
    let missing = 0;
    try {
      for (const email of args.positionals) {
        const found = await store.digest.getSubscriberByEmail(email);
        if (found && (await store.digest.removeSubscriber(found.id)))
          ctx.stdout.write(`removed ${found.email}\n`);
        else {
          missing += 1;
          ctx.stderr.write(`not found: ${email}\n`);
        }
      }
      return missing === 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await store.close();
    }
  },
};

export const subscribersImportCommand: Command = {
  name: 'subscribers import',
  summary:
    'add subscribers from a CSV file (header: email,name,locale,timeZone,topics,countries,languages,frequency,status)',
  usage: 'FILE.csv',
  async run(args, ctx) {
    const file = args.positionals[0];
    if (!file) throw new TipwireError('USAGE', 'name the CSV file to import');
    const config = await ctx.loadConfig();
    const rows = parseCsv(readFileSync(file, 'utf8'));
    const header = (rows.shift()?.cells ?? []).map((h) => h.trim());
    if (!header.includes('email'))
      throw new TipwireError('USAGE', `${file}: the first line must name the columns, with at least "email"`);
    const store = await ctx.openStore(config);
    let added = 0;
    let skipped = 0;
    let bad = 0;
    try {
      for (const row of rows) {
        const get = (name: (typeof COLUMNS)[number]): string | undefined => {
          const index = header.indexOf(name);
          const value = index === -1 ? undefined : row.cells[index]?.trim();
          return value === '' ? undefined : value;
        };
        try {
          const status = (get('status') ?? 'active') as SubscriberStatus;
          const input = checkSubscriber(
            {
              email: get('email') ?? '',
              name: get('name'),
              locale: get('locale') ?? 'en',
              timeZone: get('timeZone') ?? config.app.digest.timeZone,
              topics: list(get('topics')),
              countries: list(get('countries')),
              languages: list(get('languages')),
              frequency: get('frequency') === 'daily' ? 'daily' : 'weekly',
              status,
              confirmedAt: status === 'active' ? new Date().toISOString() : undefined,
            },
            config,
          );
          if (await store.digest.getSubscriberByEmail(input.email)) {
            skipped += 1;
            continue;
          }
          await store.digest.addSubscriber(input);
          added += 1;
        } catch (err) {
          bad += 1;
          ctx.stderr.write(`${file}:${row.line}: ${describeError(err).message}\n`);
        }
      }
      ctx.stdout.write(`${added} added, ${skipped} already present, ${bad} refused\n`);
      return bad === 0 ? EXIT.ok : EXIT.failed;
    } finally {
      await store.close();
    }
  },
};

export const subscribersExportCommand: Command = {
  name: 'subscribers export',
  summary: 'print every subscriber as CSV (the format import reads)',
  usage: '',
  async run(_args, ctx) {
    const config = await ctx.loadConfig();
    const store = await ctx.openStore(config);
    try {
      const subscribers = await store.digest.listSubscribers();
      ctx.stdout.write(`${COLUMNS.join(',')}\r\n`);
      for (const row of rowsOf(subscribers)) ctx.stdout.write(`${row.map(csvCell).join(',')}\r\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
