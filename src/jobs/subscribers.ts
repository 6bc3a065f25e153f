// The subscriber lifecycle, one use-case per user action, called by every entry point: the web pages
// (http/pages.ts), the CLI (cli/commands/subscribers.ts) and the digest job run the same functions with the same
// rules and the same errors. Rule order for any input: the address (one plain address, no display name, no control
// characters) → each choice against what exists (topics configured; countries and languages tipwire can tag) → the
// locale, zone, frequency, send day and hour. A zone left empty (or "auto") is the zone of the first chosen country
// (kg → Asia/Bishkek), else a guess from the browser's languages (web sign-ups), else digest.timeZone. Bad input throws TipwireError SUBSCRIBER_INVALID whose details name the field, the
// values refused and the values that exist, so the CLI prints them and the pages show them in the reader's language.
// Sign-up never reveals whether an address is known: the answer is the same for new, pending, active and bounced
// addresses; a confirmation mail goes only to pending ones, at most one per address per hour, the gap doubling
// after each (stored, so it holds across processes and restarts), and at most CLIENT_LIMIT sign-ups per client
// (an IP address) per CLIENT_WINDOW_MS.
// Bounces are recorded by the digest job through the outbox (store.digest.recordDigestFailure).
import { TipwireError } from '../core/errors.ts';
import { countryName, isValidTimeZone, languageName } from '../core/intl.ts';
import { zoneOfCountries, zoneOfLanguages } from '../core/zones.ts';
import type { Subscriber, SubscriberStatus } from '../core/types.ts';
import type { Config } from '../config/types.ts';
import { LANGUAGES } from '../classify/index.ts';
import type { NewSubscriber, SubscriberRecord } from '../digest/port.ts';
import { renderConfirm } from '../digest/render.ts';
import { parseSendTime, type SendTime } from '../digest/schedule.ts';
import { signToken, verifyToken, type TokenPurpose } from '../digest/tokens.ts';
import type { JobContext } from './context.ts';

/** Locales the digest and the pages are written in. */
export const LOCALES = ['en', 'ru'] as const;
export type Locale = (typeof LOCALES)[number];
export const FREQUENCIES = ['weekly', 'daily'] as const;
export const STATUSES: readonly SubscriberStatus[] = ['pending', 'active', 'unsubscribed', 'bounced'];

/** tipwire's first region (DESIGN.md): always offered, whatever the sources say. */
const REGION_COUNTRIES = ['kg', 'kz', 'tj', 'tm', 'uz'];

const CONFIRM_MAX_AGE_SECONDS = 7 * 86_400;
/** A pending address gets its next confirmation mail after an hour, then 2 h, 4 h … at most a day. */
export const CONFIRM_MAIL_POLICY = { firstGapSeconds: 3600, maxGapSeconds: 86_400 };
const CLIENT_LIMIT = 10;
const CLIENT_WINDOW_MS = 3_600_000;

export const asLocale = (value: string | undefined): Locale => (value === 'ru' ? 'ru' : 'en');

// --- what a subscriber can choose ----------------------------------------------------------------------------------

export interface SubscriberOptions {
  topics: { id: string; names: Record<string, string> }[];
  countries: string[];
  languages: string[];
}

/** What exists to choose from: configured topics; the region's and the sources' countries; the languages tagged. */
export function subscriberOptions(config: Config): SubscriberOptions {
  const countries = new Set(REGION_COUNTRIES);
  const languages = new Set<string>(LANGUAGES);
  for (const source of config.sources) {
    if (source.country) countries.add(source.country.toLowerCase());
    for (const language of source.languages) languages.add(language.toLowerCase());
  }
  return {
    topics: config.topics.topics.map((topic) => ({ id: topic.id, names: topic.names })),
    countries: [...countries].sort(),
    languages: [...languages].sort(),
  };
}

export type ChoiceField =
  | 'email'
  | 'topics'
  | 'countries'
  | 'languages'
  | 'locale'
  | 'timeZone'
  | 'frequency'
  | 'sendDay'
  | 'sendHour'
  | 'status';

/** The details of a SUBSCRIBER_INVALID error: what the pages need to say it in the reader's language. */
export interface InvalidChoice {
  field: ChoiceField;
  values: string[];
  known: string[];
}

function invalid(field: ChoiceField, values: string[], known: string[], message: string): TipwireError {
  return new TipwireError('SUBSCRIBER_INVALID', message, {
    details: { field, values, known } satisfies InvalidChoice,
  });
}

export function invalidChoice(err: unknown): InvalidChoice | undefined {
  if (!(err instanceof TipwireError) || err.code !== 'SUBSCRIBER_INVALID') return undefined;
  return err.details as unknown as InvalidChoice;
}

/** Addresses we accept: one plain address, no display name, no spaces or control characters (no header injection). */
export function isPlainEmail(value: string): boolean {
  if (value.length > 254 || [...value].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127))
    return false;
  return /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i.test(
    value,
  );
}

export function checkEmail(raw: string): string {
  const email = raw.trim();
  if (!isPlainEmail(email))
    throw invalid('email', [raw], [], `email "${raw}" is not one plain address like name@example.org`);
  return email;
}

/** What an entry point may supply; anything left out keeps its current value (or the default). */
export interface ChoicesInput {
  name?: string | undefined;
  locale?: string | undefined;
  /** An IANA zone; "" or "auto": from the chosen countries, else browserLanguages, else digest.timeZone. */
  timeZone?: string | undefined;
  /** The browser's Accept-Language, for an automatic zone (the web pages run no script, so this is all they know). */
  browserLanguages?: string | undefined;
  topics?: readonly string[] | undefined;
  countries?: readonly string[] | undefined;
  languages?: readonly string[] | undefined;
  frequency?: string | undefined;
  /** 1–7 (Monday … Sunday) or a day's English name or its first three letters; "" keeps the current one. */
  sendDay?: string | undefined;
  /** 0–23, or "07:00"; "" keeps the current one. */
  sendHour?: string | undefined;
}

export type Choices = Pick<
  Subscriber,
  'name' | 'locale' | 'timeZone' | 'topics' | 'countries' | 'languages' | 'frequency' | 'sendDay' | 'sendHour'
>;

const DAY_NAMES = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];

function checkDay(raw: string): number {
  const value = raw.trim().toLowerCase();
  const day = /^[1-7]$/.test(value)
    ? Number(value)
    : value.length >= 3
      ? DAY_NAMES.findIndex((name) => name.startsWith(value)) + 1
      : 0;
  if (day < 1)
    throw invalid(
      'sendDay',
      [raw],
      ['1', '2', '3', '4', '5', '6', '7'],
      `sendDay "${raw}" must be a weekday: 1 (Monday) … 7 (Sunday), or its name`,
    );
  return day;
}

function checkHour(raw: string): number {
  const match = /^(\d{1,2})(?::00)?$/.exec(raw.trim());
  const hour = match ? Number(match[1]) : NaN;
  if (!(hour >= 0 && hour <= 23))
    throw invalid(
      'sendHour',
      [raw],
      Array.from({ length: 24 }, (_, h) => String(h)),
      `sendHour "${raw}" must be an hour of the day, 0 … 23 (or "07:00")`,
    );
  return hour;
}

/** The zone an automatic choice gives: the first chosen country's, else the browser's, else the installation's. */
export function automaticZone(
  config: Config,
  countries: readonly string[],
  browserLanguages?: string,
): string {
  return zoneOfCountries(countries) ?? zoneOfLanguages(browserLanguages) ?? config.app.digest.timeZone;
}

const normalised = (values: readonly string[]): string[] => [
  ...new Set(values.map((value) => value.trim().toLowerCase()).filter((value) => value !== '')),
];

function checkList(
  field: 'topics' | 'countries' | 'languages',
  values: string[],
  known: string[],
  label: (v: string) => string,
): string[] {
  const unknown = values.filter((value) => !known.includes(value));
  if (unknown.length > 0) {
    throw invalid(
      field,
      unknown,
      known,
      `${field}: unknown ${unknown.map((v) => `"${v}"`).join(', ')}; choose from ${known.map((k) => `${k} (${label(k)})`).join(', ')}`,
    );
  }
  return values;
}

/**
 * The one validation of a subscriber's choices, over `base` (the current choices; none for a new subscriber, who
 * starts from the defaults and gets an automatic zone unless one is given).
 */
export function checkChoices(config: Config, input: ChoicesInput, base?: Choices): Choices {
  const options = subscriberOptions(config);
  const choices: Choices = { ...(base ?? defaultChoices(config)) };
  if (input.name !== undefined) choices.name = input.name.trim() || undefined;
  if (input.topics !== undefined) {
    const topicNames = new Map(options.topics.map((t) => [t.id, t.names.en ?? t.id]));
    choices.topics = checkList(
      'topics',
      normalised(input.topics),
      [...topicNames.keys()],
      (id) => topicNames.get(id) ?? id,
    );
  }
  if (input.countries !== undefined)
    choices.countries = checkList('countries', normalised(input.countries), options.countries, (c) =>
      countryName(c),
    );
  if (input.languages !== undefined)
    choices.languages = checkList('languages', normalised(input.languages), options.languages, languageName);
  if (input.locale !== undefined) {
    const locale = input.locale.trim().toLowerCase();
    if (!(LOCALES as readonly string[]).includes(locale))
      throw invalid(
        'locale',
        [input.locale],
        [...LOCALES],
        `locale "${input.locale}" must be one of ${LOCALES.join(', ')}`,
      );
    choices.locale = locale;
  }
  const zone = input.timeZone?.trim();
  if (zone === undefined ? base === undefined : zone === '' || zone.toLowerCase() === 'auto') {
    choices.timeZone = automaticZone(config, choices.countries, input.browserLanguages);
  } else if (zone !== undefined) {
    if (!isValidTimeZone(zone))
      throw invalid(
        'timeZone',
        [zone],
        [],
        `timeZone "${zone}" is not an IANA time zone such as Asia/Bishkek or UTC`,
      );
    choices.timeZone = zone;
  }
  if (input.frequency !== undefined) {
    const frequency = input.frequency.trim().toLowerCase();
    if (frequency !== 'weekly' && frequency !== 'daily')
      throw invalid(
        'frequency',
        [input.frequency],
        [...FREQUENCIES],
        `frequency "${input.frequency}" must be weekly or daily`,
      );
    choices.frequency = frequency;
  }
  if (input.sendDay !== undefined && input.sendDay.trim() !== '') choices.sendDay = checkDay(input.sendDay);
  if (input.sendHour !== undefined && input.sendHour.trim() !== '')
    choices.sendHour = checkHour(input.sendHour);
  return choices;
}

export function defaultChoices(config: Config): Choices {
  return {
    locale: 'en',
    timeZone: config.app.digest.timeZone,
    topics: [],
    countries: [],
    languages: [],
    frequency: 'weekly',
  };
}

// --- when a subscriber's digest goes out -------------------------------------------------------------------------

export interface Delivery extends SendTime {
  frequency: 'weekly' | 'daily';
  /** The zone the send time is read in: the subscriber's own, or digest.timeZone when zones are not per subscriber. */
  timeZone: string;
}

/**
 * When this subscriber's digest is sent: their own day and hour when they chose them (on the hour), else
 * digest.schedule's; in their zone when digest.perSubscriberTimeZone (else digest.timeZone, for everyone).
 */
export function deliveryOf(
  subscriber: Pick<Subscriber, 'timeZone' | 'frequency' | 'sendDay' | 'sendHour'>,
  config: Config,
): Delivery {
  const { perSubscriberTimeZone, timeZone, schedule } = config.app.digest;
  const time = parseSendTime(schedule);
  return {
    frequency: subscriber.frequency,
    timeZone: perSubscriberTimeZone && isValidTimeZone(subscriber.timeZone) ? subscriber.timeZone : timeZone,
    weekday: subscriber.sendDay ?? time.weekday,
    hour: subscriber.sendHour ?? time.hour,
    minute: subscriber.sendHour === undefined ? time.minute : 0,
  };
}

/** What a page shows of an address it must not reveal: "a***@example.org". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  return `${[...email.slice(0, at)][0] ?? ''}***${email.slice(at)}`;
}

export function checkStatus(raw: string): SubscriberStatus {
  const status = raw.trim().toLowerCase() as SubscriberStatus;
  if (!STATUSES.includes(status))
    throw invalid('status', [raw], [...STATUSES], `status "${raw}" must be one of ${STATUSES.join(', ')}`);
  return status;
}

// --- sign-up from the web form -------------------------------------------------------------------------------------

/** Counts sign-ups per client in a sliding window; made once per server. */
export interface ClientLimiter {
  /** True when this client may sign up once more now (and counts it). */
  take(client: string, now: Date): boolean;
}

export function createClientLimiter(limit = CLIENT_LIMIT, windowMs = CLIENT_WINDOW_MS): ClientLimiter {
  const seen = new Map<string, number[]>();
  return {
    take(client, now) {
      const since = now.getTime() - windowMs;
      const recent = (seen.get(client) ?? []).filter((at) => at > since);
      if (recent.length >= limit) {
        seen.set(client, recent);
        return false;
      }
      recent.push(now.getTime());
      seen.set(client, recent);
      // Forget quiet clients now and then, so the map does not grow with every address that ever came by.
      if (seen.size > 10_000)
        for (const [key, times] of seen) if (!times.some((at) => at > since)) seen.delete(key);
      return true;
    },
  };
}

export type SubscribeOutcome =
  /** The page says "check your inbox" in every one of these cases. */
  | { status: 'accepted'; locale: Locale; mailed: boolean }
  /** Too many sign-ups from this client: the page asks to wait (it says nothing about the address). */
  | { status: 'too-many'; locale: Locale };

/**
 * A sign-up: a new address becomes pending with its choices; a pending or unsubscribed one takes the new choices and
 * is pending again; an active or bounced one is left alone. A pending address gets a confirmation mail when its
 * rate allows. Throws SUBSCRIBER_INVALID for a bad address or choice (before anything is stored).
 */
export async function subscribe(
  ctx: JobContext,
  input: ChoicesInput & { email: string },
  client?: { id: string; limiter: ClientLimiter },
): Promise<SubscribeOutcome> {
  const config = ctx.config();
  const email = checkEmail(input.email);
  const at = ctx.now();
  const db = ctx.store.digest;
  let subscriber = await db.getSubscriberByEmail(email);
  // A new address starts from the defaults; a known pending or unsubscribed one from its choices (which this
  // sign-up replaces only if the address is pending again below).
  const choices = checkChoices(config, input, subscriber);
  const locale = asLocale(choices.locale);
  if (client && !client.limiter.take(client.id, at)) return { status: 'too-many', locale };
  if (!subscriber) {
    subscriber = await db.addSubscriber({
      email,
      ...choices,
      status: 'pending',
      createdAt: at.toISOString(),
    });
  } else if (subscriber.status === 'unsubscribed' || subscriber.status === 'pending') {
    // Coming back (or asking again): new choices, pending until this new confirmation.
    await db.updateSubscriber({ ...subscriber, ...choices });
    if (subscriber.status === 'unsubscribed')
      await db.setSubscriberStatus(subscriber.id, 'pending', at.toISOString());
    subscriber = { ...subscriber, ...choices, status: 'pending' };
  }
  if (subscriber.status !== 'pending') return { status: 'accepted', locale, mailed: false };
  if (!(await db.claimConfirmMail(subscriber.id, at.toISOString(), CONFIRM_MAIL_POLICY))) {
    ctx.log.info({ subscriber: subscriber.id }, 'subscribe: confirmation mail held back (sent recently)');
    return { status: 'accepted', locale, mailed: false };
  }
  try {
    await sendConfirmation(ctx, subscriber, at);
  } catch (err) {
    ctx.log.error({ err, subscriber: subscriber.id }, 'subscribe: the confirmation mail could not be sent');
    return { status: 'accepted', locale, mailed: false };
  }
  return { status: 'accepted', locale, mailed: true };
}

/** Sends the double opt-in mail of a pending subscriber (no rate check: callers decide). */
export async function sendConfirmation(ctx: JobContext, subscriber: Subscriber, now: Date): Promise<void> {
  const config = ctx.config();
  const from = config.app.digest.from;
  const base = config.app.server.baseUrl.replace(/\/+$/, '');
  const token = signToken(config.app.digest.secret, 'confirm', subscriber.id, now);
  const rendered = renderConfirm(await ctx.templates(), {
    locale: subscriber.locale,
    email: subscriber.email,
    confirmUrl: `${base}/confirm?token=${token}`,
  });
  await ctx.mailer.send({
    from,
    replyTo: config.app.digest.replyTo,
    to: { name: subscriber.name, address: subscriber.email },
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: `confirm.${subscriber.id}.${now.getTime()}@${/@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'tipwire.invalid'}`,
    date: now,
    fileName: `confirm-${subscriber.id}-${now.getTime()}`,
  });
}

// --- links from mails ----------------------------------------------------------------------------------------------

/** The signed path of a subscriber's preferences page (for the pages that follow a confirmation or a save). */
export function preferencesPath(ctx: JobContext, subscriber: Pick<Subscriber, 'id'>): string {
  return `/preferences?token=${signToken(ctx.config().app.digest.secret, 'preferences', subscriber.id, ctx.now())}`;
}

/** The subscriber a signed link names, when the token is genuine, of this purpose and (for confirm) fresh. */
export async function subscriberFromToken(
  ctx: JobContext,
  token: string,
  purpose: TokenPurpose,
): Promise<SubscriberRecord | undefined> {
  const id = verifyToken(ctx.config().app.digest.secret, token, purpose, {
    now: ctx.now(),
    maxAgeSeconds: purpose === 'confirm' ? CONFIRM_MAX_AGE_SECONDS : undefined,
  });
  return id ? ctx.store.digest.getSubscriber(id) : undefined;
}

/** pending → active. False when it was already active (or ended): nothing changed. */
export async function confirm(ctx: JobContext, subscriber: Subscriber): Promise<boolean> {
  return ctx.store.digest.confirmSubscriber(subscriber.id, ctx.now().toISOString());
}

export async function unsubscribe(ctx: JobContext, subscriber: Subscriber): Promise<void> {
  await ctx.store.digest.setSubscriberStatus(subscriber.id, 'unsubscribed', ctx.now().toISOString());
  ctx.log.info({ subscriber: subscriber.id }, 'unsubscribed');
}

/** New choices for an existing subscriber (status and address stay). */
export async function savePreferences(
  ctx: JobContext,
  subscriber: Subscriber,
  input: ChoicesInput,
): Promise<Subscriber> {
  const updated = { ...subscriber, ...checkChoices(ctx.config(), input, subscriber) };
  await ctx.store.digest.updateSubscriber(updated);
  return updated;
}

// --- the operator's list -------------------------------------------------------------------------------------------

/**
 * An operator changes a subscriber's choices (as the preferences page does, with the same checks); undefined when
 * the address is not on the list.
 */
export async function changeSubscriber(
  ctx: JobContext,
  email: string,
  input: ChoicesInput,
): Promise<Subscriber | undefined> {
  const found = await ctx.store.digest.getSubscriberByEmail(checkEmail(email));
  return found ? savePreferences(ctx, found, input) : undefined;
}

/**
 * An operator adds an address: active at once (the operator vouches for consent), or pending with a confirmation
 * mail. Throws SUBSCRIBER_INVALID for bad input, STORE_FAILED (details.conflict = 'email') for a known address.
 */
export async function addSubscriber(
  ctx: JobContext,
  input: ChoicesInput & { email: string; status?: string | undefined },
): Promise<{ subscriber: SubscriberRecord; mailed: boolean }> {
  const config = ctx.config();
  const record = checkNew(config, input, ctx.now());
  const subscriber = await ctx.store.digest.addSubscriber(record);
  if (subscriber.status !== 'pending') return { subscriber, mailed: false };
  await ctx.store.digest.claimConfirmMail(subscriber.id, ctx.now().toISOString(), CONFIRM_MAIL_POLICY);
  await sendConfirmation(ctx, subscriber, ctx.now());
  return { subscriber, mailed: true };
}

function checkNew(
  config: Config,
  input: ChoicesInput & { email: string; status?: string | undefined },
  now: Date,
): NewSubscriber {
  const email = checkEmail(input.email);
  const choices = checkChoices(config, input);
  const status = checkStatus(input.status ?? 'active');
  return {
    email,
    ...choices,
    status,
    confirmedAt: status === 'active' ? now.toISOString() : undefined,
  };
}

export async function listSubscribers(ctx: JobContext, status?: string): Promise<SubscriberRecord[]> {
  return ctx.store.digest.listSubscribers(status === undefined ? {} : { status: checkStatus(status) });
}

/** Deletes each named address with its digest history. */
export async function removeSubscribers(
  ctx: JobContext,
  emails: readonly string[],
): Promise<{ removed: string[]; missing: string[] }> {
  const removed: string[] = [];
  const missing: string[] = [];
  for (const email of emails) {
    const found = await ctx.store.digest.getSubscriberByEmail(email);
    if (found && (await ctx.store.digest.removeSubscriber(found.id))) removed.push(found.email);
    else missing.push(email);
  }
  return { removed, missing };
}

// --- CSV import and export -----------------------------------------------------------------------------------------

export const CSV_COLUMNS = [
  'email',
  'name',
  'locale',
  'timeZone',
  'topics',
  'countries',
  'languages',
  'frequency',
  'status',
  'sendDay',
  'sendHour',
] as const;

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

const csvList = (value: string | undefined): string[] | undefined =>
  value === undefined ? undefined : value.split(/[;\s]+/).filter(Boolean);

export interface ImportReport {
  added: number;
  /** Addresses already on the list (left as they are). */
  present: number;
  /** One per refused row: its line and why. */
  problems: { line: number; message: string }[];
}

/** Adds the subscribers of a CSV text (header line first); bad rows are reported by line, the rest imported. */
export async function importSubscribers(ctx: JobContext, text: string, file: string): Promise<ImportReport> {
  const config = ctx.config();
  const rows = parseCsv(text);
  const header = (rows.shift()?.cells ?? []).map((h) => h.trim());
  if (!header.includes('email'))
    throw invalid(
      'email',
      [],
      [...CSV_COLUMNS],
      `${file}: the first line must name the columns, with at least "email"`,
    );
  const report: ImportReport = { added: 0, present: 0, problems: [] };
  for (const row of rows) {
    const get = (name: (typeof CSV_COLUMNS)[number]): string | undefined => {
      const index = header.indexOf(name);
      const value = index === -1 ? undefined : row.cells[index]?.trim();
      return value === '' ? undefined : value;
    };
    try {
      const record = checkNew(
        config,
        {
          email: get('email') ?? '',
          name: get('name'),
          locale: get('locale'),
          timeZone: get('timeZone'),
          topics: csvList(get('topics')),
          countries: csvList(get('countries')),
          languages: csvList(get('languages')),
          frequency: get('frequency'),
          status: get('status'),
          sendDay: get('sendDay'),
          sendHour: get('sendHour'),
        },
        ctx.now(),
      );
      if (await ctx.store.digest.getSubscriberByEmail(record.email)) {
        report.present += 1;
        continue;
      }
      await ctx.store.digest.addSubscriber(record);
      report.added += 1;
    } catch (err) {
      report.problems.push({ line: row.line, message: err instanceof Error ? err.message : String(err) });
    }
  }
  return report;
}

const csvCell = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/** Every subscriber as CSV, in the columns importSubscribers reads. */
export async function exportSubscribersCsv(ctx: JobContext): Promise<string> {
  const subscribers = await ctx.store.digest.listSubscribers();
  const lines = [CSV_COLUMNS.join(',')];
  for (const s of subscribers) {
    lines.push(
      [
        s.email,
        s.name ?? '',
        s.locale,
        s.timeZone,
        s.topics.join(';'),
        s.countries.join(';'),
        s.languages.join(';'),
        s.frequency,
        s.status,
        s.sendDay === undefined ? '' : String(s.sendDay),
        s.sendHour === undefined ? '' : String(s.sendHour),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
