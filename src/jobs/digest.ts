// The digest job: who is due, plan their outbox rows, then claim, compose, render and send each one. Contract:
//  - idempotent: the outbox has one row per (subscriber, period); running again at the same `now` sends nothing new;
//  - per-subscriber due time (digest.schedule, e.g. Monday 07:00) in the subscriber's IANA zone, or digest.timeZone
//    for all; each digest holds the stories first seen in [cutoff, due time), so a missed week or a changed schedule
//    leaves no gap and repeats nothing (the cutoff only moves when a digest was sent or found empty);
//  - crash safety: a row is claimed (pending → sending, with a lease) before the mail goes out and marked sent after
//    the server accepted it, in the transaction that moves the cutoff. A kill -9 between the two leaves the row in
//    `sending`; once its lease expires a restarted run sends it again. That one message may then arrive twice, and
//    no design can do better over SMTP: the server's "250 accepted" and our commit are two systems with no shared
//    transaction and SMTP has no idempotency key, so after a crash at that instant we cannot know which side of the
//    250 we died on; we choose a rare duplicate over a silent loss. The Message-ID is stable per row, so mail
//    clients that fold duplicates by Message-ID (Gmail does) show it once. At most digest.concurrency messages are
//    in flight, hence at most that many repeats (one with the default);
//  - failures: 4xx and connection errors retry with exponential backoff (digest.retryBaseSeconds, doubling, ≤ 6 h)
//    up to digest.maxAttempts; 5xx counts towards digest.bounceAfter, then the address is marked bounced. A bad
//    subscriber row is logged and skipped; it never stops the run.
import { fileURLToPath } from 'node:url';
import type { Logger } from '../core/log.ts';
import type { Subscriber } from '../core/types.ts';
import { describeError, isTipwireError } from '../core/errors.ts';
import type { Config } from '../config/types.ts';
import type { Store } from '../store/port.ts';
import type { Mailer, OutboxEntry, OutgoingMail } from '../digest/port.ts';
import { dueForPeriod, isoWeekLabel, latestDue, wakeSchedule, type DueDigest } from '../digest/schedule.ts';
import {
  compileTemplates,
  renderDigest,
  type DigestLinks,
  type DigestTemplates,
  type RenderContext,
  type RenderedDigest,
} from '../digest/render.ts';
import { signToken } from '../digest/tokens.ts';
import { storiesInSlice } from './stories.ts';
import { deliveryOf } from './subscribers.ts';

export interface DigestDeps {
  store: Store;
  mailer: Mailer;
  config: Config;
  log: Logger;
  /** Compiled once by the caller (e.g. at start of `tipwire run`); compiled for this run when absent. */
  templates?: DigestTemplates;
}

export interface DigestRunOptions {
  now: Date;
  /** Compose and count, write nothing, send nothing. */
  dryRun?: boolean;
  /** Send this period ("2026-W48", or "2026-11-29" for daily subscribers) instead of the latest due one. */
  period?: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export interface DigestRunSummary {
  sent: number;
  skippedEmpty: number;
  /** Gave up after maxAttempts (the stories stay for the next digest). */
  failed: number;
  bounced: number;
  /** Transient failures waiting for their next attempt. */
  deferred: number;
  /** Rows created by this run. */
  planned: number;
}

export const DEFAULT_TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

/** When the scheduler should wake this job (see schedule.ts wakeSchedule). */
export function digestWakeSchedule(config: Config): { cron: string; timeZone: string } {
  return wakeSchedule(config.app.digest);
}

export function loadDigestTemplates(config: Config): Promise<DigestTemplates> {
  void config; // one templates folder per installation for now; kept as a parameter for a configurable folder
  return compileTemplates(DEFAULT_TEMPLATES_DIR);
}

const zoneFor = (subscriber: Subscriber, config: Config): string => deliveryOf(subscriber, config).timeZone;

function mailDomain(from: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(from);
  return match?.[1] ?? 'tipwire.invalid';
}

/** The ISO week (UTC) an instant falls in, as a digest period: "2026-W48". */
export function weekPeriod(now: Date): string {
  return isoWeekLabel(Math.floor(now.getTime() / 86_400_000));
}

/** The due digest of one subscriber at now (or of the named period), or undefined when nothing is due. */
export function dueFor(
  subscriber: Subscriber,
  config: Config,
  now: Date,
  period?: string,
): DueDigest | undefined {
  const time = deliveryOf(subscriber, config);
  const zone = time.timeZone;
  if (period === undefined) return latestDue(now, zone, subscriber.frequency, time);
  const due = dueForPeriod(period, zone, subscriber.frequency, time);
  if (!due) return undefined;
  // Asking early for a period sends what has arrived so far; the next window starts there.
  return due.windowEnd > now ? { ...due, windowEnd: now } : due;
}

/** The archive page of a period: /digest/2026-W48 (see jobs/archive.ts). */
export function archivePath(period: string): string {
  return `/digest/${encodeURIComponent(period)}`;
}

/**
 * A mail's links: preferences and unsubscribe (signed, never expiring), and the web view, the period's archive page
 * as this subscriber gets it (a signed view token), where "more on this topic" links lead to the topic's section.
 */
function links(config: Config, subscriberId: string, issued: Date, period: string): DigestLinks {
  const base = config.app.server.baseUrl.replace(/\/+$/, '');
  const secret = config.app.digest.secret;
  const view = `${base}${archivePath(period)}?view=${signToken(secret, 'view', subscriberId, issued)}`;
  return {
    preferences: `${base}/preferences?token=${signToken(secret, 'preferences', subscriberId, issued)}`,
    unsubscribe: `${base}/unsubscribe?token=${signToken(secret, 'unsubscribe', subscriberId, issued)}`,
    view,
    topic: (topic: string) => `${view}#topic-${encodeURIComponent(topic)}`,
  };
}

/** What rendering needs besides the stories, for one subscriber (the mail) or one archive page (the web). */
export function renderContext(
  config: Config,
  subscriber: Subscriber,
  window: { firstDay: string; lastDay: string; issued: Date; period: string },
): RenderContext {
  const topics = config.topics.topics;
  return {
    subscriber,
    timeZone: zoneFor(subscriber, config),
    firstDay: window.firstDay,
    lastDay: window.lastDay,
    topicOrder: topics.map((t) => t.id),
    topicNames: new Map(topics.map((t) => [t.id, t.names])),
    sourceNames: new Map(config.sources.map((s) => [s.id, s.name])),
    links: links(config, subscriber.id, window.issued, window.period),
    maxPerTopic: config.app.digest.maxPerTopic,
    maxHtmlBytes: config.app.digest.maxHtmlBytes,
  };
}

/** Composes and renders one subscriber's digest for a window (no I/O but the story query). */
export async function composeFor(
  deps: Pick<DigestDeps, 'store' | 'config'> & { templates: DigestTemplates },
  subscriber: Subscriber,
  window: { start: string; end: string; firstDay: string; lastDay: string; issued: Date; period: string },
): Promise<RenderedDigest> {
  // Topics and countries through the one slice query; languages pick which version to show (digest/compose.ts),
  // so every story of a chosen topic and country is read and compose keeps those with a chosen language.
  const stories = await storiesInSlice(
    deps.store,
    { topics: subscriber.topics, countries: subscriber.countries, languages: [] },
    { firstSeenSince: window.start, firstSeenUntil: window.end },
  );
  return renderDigest(stories, deps.templates, renderContext(deps.config, subscriber, window));
}

export function digestMail(
  config: Config,
  subscriber: Subscriber,
  rendered: RenderedDigest,
  row: Pick<OutboxEntry, 'messageId' | 'period'>,
  issued: Date,
  date: Date,
): OutgoingMail {
  const { digest } = config.app;
  const unsubscribeUrl = links(config, subscriber.id, issued, row.period).unsubscribe;
  return {
    from: digest.from,
    replyTo: digest.replyTo,
    to: { name: subscriber.name, address: subscriber.email },
    subject: rendered.subject,
    html: rendered.html,
    text: rendered.text,
    messageId: row.messageId,
    date,
    listId: { id: digest.listId, name: 'tipwire digest' },
    unsubscribe: {
      url: unsubscribeUrl,
      mailto: digest.unsubscribeMailto
        ? `mailto:${digest.unsubscribeMailto}?subject=unsubscribe%20${subscriber.id}`
        : undefined,
    },
    fileName: `${row.period}-${subscriber.id}`,
  };
}

/**
 * The window's days, which an empty digest names (one with stories names the days they were published): from the
 * window's real start when a missed week made it longer than one period.
 */
function coveredDays(
  due: DueDigest,
  windowStart: string,
  zone: string,
): { firstDay: string; lastDay: string } {
  const start = new Intl.DateTimeFormat('en-CA', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(windowStart));
  return { firstDay: start < due.firstDay ? start : due.firstDay, lastDay: due.lastDay };
}

function backoff(config: Config, attempts: number, from: Date): string {
  const seconds = Math.min(6 * 3600, config.app.digest.retryBaseSeconds * 2 ** Math.max(0, attempts - 1));
  return new Date(from.getTime() + seconds * 1000).toISOString();
}

export async function runDigests(deps: DigestDeps, options: DigestRunOptions): Promise<DigestRunSummary> {
  const { store, config, mailer } = deps;
  const log = deps.log.child({ job: 'digest' });
  const db = store.digest;
  const summary: DigestRunSummary = {
    sent: 0,
    skippedEmpty: 0,
    failed: 0,
    bounced: 0,
    deferred: 0,
    planned: 0,
  };
  const templates = deps.templates ?? (await loadDigestTemplates(config));
  // The run's clock: `now` at the start, advancing in real time, so leases and retry times stay meaningful while
  // tests can still place a run at any instant.
  const started = performance.now();
  const clock = (): Date => new Date(options.now.getTime() + (performance.now() - started));
  const domain = mailDomain(config.app.digest.from);

  const subscribers = await db.listSubscribers({ status: 'active' });

  if (options.dryRun) {
    let done = 0;
    for (const subscriber of subscribers) {
      try {
        const due = dueFor(subscriber, config, options.now, options.period);
        const began = Date.parse(subscriber.confirmedAt ?? subscriber.createdAt);
        if (
          due &&
          due.windowEnd.getTime() > began &&
          !(await db.getDigest(subscriber.id, due.period)) &&
          (!subscriber.cutoff || subscriber.cutoff < due.windowEnd.toISOString())
        ) {
          const start = subscriber.cutoff ?? due.defaultWindowStart.toISOString();
          const rendered = await composeFor({ store, config, templates }, subscriber, {
            start,
            end: due.windowEnd.toISOString(),
            ...coveredDays(due, start, due.timeZone),
            issued: due.windowEnd,
            period: due.period,
          });
          if (rendered.total === 0 && !config.app.digest.sendEmpty) summary.skippedEmpty += 1;
          else summary.sent += 1;
        }
      } catch (err) {
        log.warn({ err, subscriber: subscriber.id }, 'digest dry run: subscriber skipped');
      }
      options.onProgress?.(++done, subscribers.length);
    }
    return summary;
  }

  // 1. Plan: one row per due (subscriber, period); existing rows and unfinished earlier ones make this a no-op.
  for (const subscriber of subscribers) {
    try {
      const due = dueFor(subscriber, config, options.now, options.period);
      // The first digest is the first send after the subscription began, not the one just before it.
      if (!due || due.windowEnd.getTime() <= Date.parse(subscriber.confirmedAt ?? subscriber.createdAt))
        continue;
      const planned = await db.planDigest(
        {
          subscriberId: subscriber.id,
          period: due.period,
          windowEnd: due.windowEnd.toISOString(),
          defaultWindowStart: due.defaultWindowStart.toISOString(),
          messageId: `digest.${due.period}.${subscriber.id}@${domain}`,
        },
        clock().toISOString(),
      );
      if (planned) summary.planned += 1;
    } catch (err) {
      log.error(
        { err, subscriber: subscriber.id },
        'digest: could not plan this subscriber; the run goes on',
      );
    }
  }

  // 2. Send every due row: this run's, retries whose time has come, and rows a crashed worker left behind.
  const rows = await db.listDueDigests(clock().toISOString());
  let done = 0;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < rows.length && !options.signal?.aborted) {
      const row = rows[next++] as OutboxEntry;
      await sendOne(row);
      options.onProgress?.(++done, rows.length);
    }
  };

  const sendOne = async (planned: OutboxEntry): Promise<void> => {
    const at = clock();
    const lease = new Date(at.getTime() + config.app.digest.leaseSeconds * 1000).toISOString();
    const row = await db.claimDigest(planned.subscriberId, planned.period, at.toISOString(), lease);
    if (!row) return; // another worker has it
    const subscriber = await db.getSubscriber(row.subscriberId);
    try {
      if (!subscriber || subscriber.status !== 'active') {
        await db.markDigestSkipped(row.subscriberId, row.period, clock().toISOString());
        return;
      }
      const due = dueFor(
        subscriber,
        config,
        new Date(row.windowEnd),
        /^\d{4}-W\d{2}$|^\d{4}-\d{2}-\d{2}$/.test(row.period) ? row.period : undefined,
      );
      const zone = zoneFor(subscriber, config);
      const days = due
        ? coveredDays(due, row.windowStart, zone)
        : { firstDay: row.windowStart.slice(0, 10), lastDay: row.windowEnd.slice(0, 10) };
      const issued = new Date(row.windowEnd);
      const rendered = await composeFor({ store, config, templates }, subscriber, {
        start: row.windowStart,
        end: row.windowEnd,
        ...days,
        issued,
        period: row.period,
      });
      if (rendered.total === 0 && !config.app.digest.sendEmpty) {
        await db.markDigestSkipped(row.subscriberId, row.period, clock().toISOString());
        summary.skippedEmpty += 1;
        return;
      }
      await mailer.send(digestMail(config, subscriber, rendered, row, issued, clock()));
      // A crash here (accepted by the server, not yet recorded) is the one case that can repeat: see the top.
      await db.markDigestSent(row.subscriberId, row.period, clock().toISOString(), rendered.total);
      summary.sent += 1;
    } catch (err) {
      const permanent = isTipwireError(err, 'MAIL_FAILED') && err.details.permanent === true;
      const { message } = describeError(err);
      const now = clock();
      try {
        const outcome = await db.recordDigestFailure(row.subscriberId, row.period, {
          now: now.toISOString(),
          error: message,
          permanent,
          nextAttemptAt: backoff(config, row.attempts, now),
          maxAttempts: config.app.digest.maxAttempts,
          bounceAfter: config.app.digest.bounceAfter,
        });
        summary[outcome === 'deferred' ? 'deferred' : outcome === 'bounced' ? 'bounced' : 'failed'] += 1;
        log.warn(
          { err, subscriber: row.subscriberId, period: row.period, attempt: row.attempts, outcome },
          'digest not sent',
        );
      } catch (recordErr) {
        // The row stays `sending` and is retried when its lease expires.
        log.error({ err: recordErr, subscriber: row.subscriberId }, 'digest: could not record a failure');
      }
    }
  };

  const concurrency = Math.max(1, config.app.digest.concurrency);
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, () => worker()));
  log.info({ ...summary, due: rows.length }, 'digest run finished');
  return summary;
}

/** What `tipwire digest preview` shows: the digest a subscriber would get if it were sent at now. */
export async function previewDigest(
  deps: Pick<DigestDeps, 'store' | 'config'> & { templates?: DigestTemplates },
  subscriber: Subscriber & { cutoff?: string | undefined },
  now: Date,
): Promise<RenderedDigest & { period: string }> {
  const templates = deps.templates ?? (await loadDigestTemplates(deps.config));
  const due = dueFor(subscriber, deps.config, now) as DueDigest;
  const end = now.toISOString();
  // Since the last digest (or the last scheduled send time for someone who never had one), up to now.
  const start =
    subscriber.cutoff && subscriber.cutoff < end ? subscriber.cutoff : due.windowEnd.toISOString();
  const zone = zoneFor(subscriber, deps.config);
  const day = (date: Date): string =>
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    }).format(date);
  const rendered = await composeFor({ ...deps, templates }, subscriber, {
    start,
    end,
    firstDay: day(new Date(start)),
    lastDay: day(now),
    issued: now,
    // The links name the period this digest will be sent as: the first send after now.
    period: (
      dueFor(
        subscriber,
        deps.config,
        new Date(now.getTime() + (subscriber.frequency === 'daily' ? 1 : 7) * 86_400_000),
      ) ?? due
    ).period,
  });
  return { ...rendered, period: due.period };
}
