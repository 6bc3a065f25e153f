// The schemas of config/tipwire.yaml and config/sources.yaml. The same definitions validate at start, generate
// config/schema/*.json for editors (`tipwire schema`), and give the TypeScript types, so they cannot drift.
// config/topics.yaml has its schema beside the rule compiler (src/config/topics-schema.ts).
import { z } from 'zod';
import { isCron, isSendTime } from '../core/cron.ts';
import { isValidTimeZone } from '../core/intl.ts';
import { DEFAULT_TRACKING_PARAMS } from '../core/tracking.ts';

/** The signing key used when none is configured; startup warns while it is in force. */
export const DEVELOPMENT_SECRET = 'change-me-tipwire-development-secret';

const cron = z
  .string()
  .trim()
  .refine((value) => isCron(value), 'not a cron expression: 5 or 6 fields, e.g. "*/15 * * * *"');

const minutes = z.number().positive();

const httpUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === 'http:' || url.protocol === 'https:';
    } catch {
      return false;
    }
  }, 'not an http(s) URL');

const languageCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2}$/, 'an ISO 639-1 language code such as en, ru, uz');
const countryCode = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as KG, UZ, TM');

export const pollSchema = z
  .object({
    /** When the poll job wakes up; each source is polled only when its own interval is due. */
    schedule: cron.default('*/5 * * * *'),
    defaultIntervalMinutes: minutes.default(30),
    /** No source is polled more often than this, whatever ttl or Cache-Control say. */
    minIntervalMinutes: minutes.default(10),
    /** Adaptive slow-down of quiet feeds stops here. */
    maxIntervalMinutes: minutes.default(24 * 60),
    concurrency: z.number().int().min(1).max(64).default(8),
    perHostConcurrency: z.number().int().min(1).max(8).default(2),
    /** After this many failures in a row a source is disabled (and shown so) until re-enabled. */
    maxConsecutiveFailures: z.number().int().min(1).default(10),
    /** Unmatched items are kept this long so rule edits can be previewed and applied to them. */
    unmatchedRetentionDays: z.number().positive().default(30),
    /**
     * A worker's claim on a source lasts this long unless renewed (it renews every third of it while it works), so
     * the sources of a worker that died go to the others within this time.
     */
    leaseSeconds: z.number().int().min(3).default(60),
    /**
     * Worker threads that parse and classify feeds while the poll's thread fetches and writes, used when a poll has
     * 32 or more feeds to fetch. 0 (the default) reads in the poll's thread: on the shared two-core machine it was
     * measured on, a thread did not make a poll faster (README, "Benchmarks"); try 1 on a machine with idle cores.
     */
    parseThreads: z.number().int().min(0).max(16).default(0),
  })
  .strict();

export const fetchSchema = z
  .object({
    userAgent: z.string().default('tipwire/0.1 (+https://github.com/tipwire/tipwire; news monitoring)'),
    connectTimeoutMs: z.number().int().positive().default(10_000),
    /** The whole response, headers to last byte; a slow trickle is cut here. */
    totalTimeoutMs: z.number().int().positive().default(30_000),
    /** Counted after decompression, so a gzip bomb is cut at this size. */
    maxBytes: z
      .number()
      .int()
      .positive()
      .default(10 * 1024 * 1024),
    maxRedirects: z.number().int().min(0).max(20).default(5),
    /**
     * Feeds on private or loopback addresses are refused (a redirect to 169.254.169.254 must not reach cloud
     * metadata). Hosts listed here are allowed anyway ("127.0.0.1:8081", "intranet.example").
     */
    allowPrivateHosts: z.array(z.string()).default([]),
  })
  .strict();

export const storeSchema = z
  .object({
    /** sqlite:data/tipwire.db (default) or postgres://user:pass@host/db. Env: TIPWIRE_DATABASE_URL. */
    databaseUrl: z.string().default('sqlite:data/tipwire.db'),
  })
  .strict();

export const pathsSchema = z
  .object({
    data: z.string().default('data'),
    feeds: z.string().default('out/feeds'),
    outbox: z.string().default('out/outbox'),
  })
  .strict();

export const serverSchema = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(8080),
    /**
     * Public address used in feed self links and e-mail links. Env: TIPWIRE_BASE_URL. Unset: http://HOST:PORT of
     * the listen address (127.0.0.1 for a wildcard host), so links follow the port; the default shown is that
     * rule applied to the default host and port.
     */
    baseUrl: httpUrl.default('http://127.0.0.1:8080'),
    /** Cache-Control max-age of feed responses, in seconds: how often readers and CDNs come back. */
    feedMaxAgeSeconds: z.number().int().min(0).default(300),
    /**
     * A rendered feed is reused this long when nothing in this process says the store changed (another process,
     * e.g. `tipwire poll` beside `tipwire serve`, wrote it). `tipwire run` invalidates at once after each export.
     */
    feedCacheSeconds: z.number().int().min(0).default(30),
  })
  .strict();

export const dedupeSchema = z
  .object({
    /** Copies and re-publications are looked for this far back. */
    windowDays: z.number().positive().default(14),
    /** Different words about the same event join only within this many hours. */
    eventWindowHours: z.number().positive().default(72),
    /** Jaccard similarity of shingles above which two texts are copies. */
    copyThreshold: z.number().min(0).max(1).default(0.5),
    /** Query parameters dropped from URLs (besides utm_*), matched case-insensitively. */
    trackingParams: z.array(z.string()).default([...DEFAULT_TRACKING_PARAMS]),
    /** Source ids whose copy wins as a story's representative, before richness and age. */
    preferredSources: z.array(z.string()).default([]),
  })
  .strict();

export const publishSchema = z
  .object({
    title: z.string().default('tipwire: trafficking and migration news from Central Asia'),
    description: z
      .string()
      .default(
        'Stories about human trafficking and migration from Central Asian and international sources, de-duplicated.',
      ),
    /** At most this many stories per feed. */
    maxItems: z.number().int().positive().default(100),
    /** Only stories updated within this many days. */
    windowDays: z.number().positive().default(30),
    websubHub: httpUrl.optional(),
  })
  .strict();

const ianaZone = z
  .string()
  .trim()
  .refine((zone) => isValidTimeZone(zone), 'not an IANA time zone such as Asia/Bishkek or UTC');

export const digestSchema = z
  .object({
    /**
     * Send time as "MINUTE HOUR * * WEEKDAY" (weekly subscribers on WEEKDAY, daily ones every day at that time),
     * read in timeZone, or in each subscriber's own zone when perSubscriberTimeZone.
     */
    schedule: cron
      .default('0 7 * * 1')
      .refine(
        (value) => isSendTime(value),
        'digest.schedule must be "MINUTE HOUR * * WEEKDAY", e.g. "0 7 * * 1" for Monday 07:00',
      ),
    timeZone: ianaZone.default('UTC'),
    perSubscriberTimeZone: z.boolean().default(true),
    from: z.string().default('tipwire digest <digest@tipwire.invalid>'),
    replyTo: z.string().optional(),
    /** List-Id of the digest (RFC 2919), a domain-like name. */
    listId: z.string().default('digest.tipwire.invalid'),
    /** mailto: address offered in List-Unsubscribe besides the https one-click link (optional). */
    unsubscribeMailto: z.string().email().optional(),
    /** Stories per topic before "more in the web view". */
    maxPerTopic: z.number().int().positive().default(8),
    /** The HTML part is kept under this size (Gmail clips messages above ~102 KB). */
    maxHtmlBytes: z.number().int().min(20_000).default(95_000),
    sendEmpty: z.boolean().default(false),
    /** A permanent (5xx) failure this many times marks the address bounced. */
    bounceAfter: z.number().int().positive().default(2),
    maxAttempts: z.number().int().positive().default(6),
    /** First retry delay after a transient failure; doubles per attempt, capped at 6 hours. */
    retryBaseSeconds: z.number().positive().default(60),
    /** Messages per second through SMTP (0 = unlimited). */
    rateLimitPerSecond: z.number().min(0).default(10),
    /**
     * Messages in flight at once. Each in-flight message is one that a kill -9 can make repeat, so 1 (the default)
     * means at most one repeat after a crash; more gives speed for that risk.
     */
    concurrency: z.number().int().min(1).max(32).default(1),
    /** A claimed digest whose worker died is taken over after this long. */
    leaseSeconds: z.number().int().min(10).default(300),
    /** HMAC key for unsubscribe and preference links. Env: TIPWIRE_SECRET (or TIPWIRE_SECRET_FILE). */
    secret: z.string().min(16).default(DEVELOPMENT_SECRET),
  })
  .strict();

export const mailSchema = z
  .object({
    /** smtp://user:pass@host:587 or smtps://…; unset means .eml files in paths.outbox. Env: TIPWIRE_SMTP_URL. */
    smtpUrl: z.string().optional(),
    /** Pooled SMTP connections. */
    maxConnections: z.number().int().min(1).max(32).default(3),
    /** Socket timeouts (connect, greeting, idle), milliseconds. */
    timeoutMs: z.number().int().positive().default(30_000),
  })
  .strict();

export const healthSchema = z
  .object({
    /** A source that has brought no new item for this many days is marked stale (status page, /status.atom). */
    staleDays: z.number().positive().default(7),
    /** Health events and job runs older than this are dropped. */
    retentionDays: z.number().int().positive().default(90),
    /**
     * Where the weekly operator report goes (the same news as /status.atom, by the mailer the digests use);
     * unset: no report. Env: TIPWIRE_OPERATOR_EMAIL.
     */
    reportTo: z
      .string()
      .trim()
      .regex(/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/, 'an e-mail address such as ops@example.org')
      .optional(),
    /** When the report is sent, in digest.timeZone. */
    reportSchedule: cron.default('0 8 * * 1'),
  })
  .strict();

export const appSchema = z
  .object({
    poll: pollSchema.default(pollSchema.parse({})),
    fetch: fetchSchema.default(fetchSchema.parse({})),
    store: storeSchema.default(storeSchema.parse({})),
    paths: pathsSchema.default(pathsSchema.parse({})),
    server: serverSchema.default(serverSchema.parse({})),
    dedupe: dedupeSchema.default(dedupeSchema.parse({})),
    publish: publishSchema.default(publishSchema.parse({})),
    digest: digestSchema.default(digestSchema.parse({})),
    mail: mailSchema.default(mailSchema.parse({})),
    health: healthSchema.default(healthSchema.parse({})),
  })
  .strict();

export const sourceSchema = z
  .object({
    id: z
      .string()
      .trim()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes, e.g. "24kg-en"'),
    name: z.string().trim().min(1),
    url: httpUrl,
    homepage: httpUrl.optional(),
    country: countryCode.optional(),
    languages: z.array(languageCode).min(1),
    tags: z.array(z.string().trim().min(1)).default([]),
    intervalMinutes: minutes.optional(),
    enabled: z.boolean().default(true),
    preferred: z.boolean().default(false),
  })
  .strict();

export const sourcesFileSchema = z
  .object({
    sources: z.array(sourceSchema),
  })
  .strict();

export type AppConfig = z.output<typeof appSchema>;
export type SourceConfig = z.output<typeof sourceSchema>;
