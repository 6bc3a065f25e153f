// The operator's health views against a real history: real polls of a local feed server (a healthy feed, one that
// fails, one that fails then recovers, one that moved permanently, one that went quiet, one disabled after repeated
// failures), a rejected config edit, job runs; then the real server. The status page is read in Chromium at 390 px
// wide (no sideways scrolling; what needs attention first, with its reason); /metrics is parsed by a Prometheus
// text-format parser; /status.atom is read by Debian's feedparser; the weekly operator report goes through the
// Mailer port as an e-mail read back with mailparser, once per week.
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.ts';
import type { Config } from '../../src/config/types.ts';
import { createFileMailer, createSmtpMailer } from '../../src/digest/mailer.ts';
import { createRoutes } from '../../src/http/routes.ts';
import { startServer, type RunningServer } from '../../src/http/server.ts';
import { compileClassifier } from '../../src/jobs/classify.ts';
import { recordConfigRejection, recordPollHealth, timedJob } from '../../src/jobs/health.ts';
import { sendHealthReport } from '../../src/jobs/health-report.ts';
import { createMetrics } from '../../src/jobs/metrics.ts';
import { createPollLimiter } from '../../src/jobs/poll-setup.ts';
import { runPoll, type PollReport } from '../../src/jobs/poll.ts';
import { describePoll } from '../../src/jobs/poll-summary.ts';
import type { Store } from '../../src/store/index.ts';
import { openStore } from '../../src/store/index.ts';
import { testApp } from '../helpers/app.ts';
import { testConfig } from '../helpers/config.ts';
import { redirect, serveFeed, startFeedServer, status, type FeedServer } from '../helpers/feed-server.ts';
import { feedparser } from '../publish/checkers.ts';
import { hasPrometheusParser, parsePrometheus, sample } from '../helpers/prometheus.ts';
import { hasChromium, needs, launchChromium } from '../helpers/tools.ts';

const withBrowser = needs(
  'Chromium',
  hasChromium,
  'the status page in a real browser',
  'apt-get install chromium',
);
const hasPrometheus = needs(
  'python3-prometheus-client',
  hasPrometheusParser(),
  '/metrics read by the Prometheus parser',
  'apt-get install python3-prometheus-client',
);
const DAY = 86_400_000;
const NOW = new Date();

const rss = (id: string, titles: string[]): string =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${id}</title><link>https://${id}.example.kg/</link>
${titles.map((t, i) => `<item><title>${t}</title><link>https://${id}.example.kg/${i}</link></item>`).join('')}</channel></rss>`;

let feeds: FeedServer;
let store: Store;
let config: Config;
let server: RunningServer;
let browser: Browser | undefined;
let lastPoll: PollReport;
let flakyUp = false;
let round = 0;
const metrics = createMetrics({ processMetrics: false });
const outbox = mkdtempSync(join(tmpdir(), 'tipwire-status-outbox-'));

async function poll(at: Date, sourceIds?: string[]): Promise<PollReport> {
  round += 1;
  const before = await store.listSourceStates();
  const report = await timedJob(
    store,
    'poll',
    () =>
      runPoll(
        {
          store,
          config,
          rules: compileClassifier(config),
          limiter: createPollLimiter(config),
          log: silentLogger,
        },
        { now: () => at, force: true, sourceIds },
      ),
    (done) => describePoll(done.summary),
    metrics.observeJob,
  );
  metrics.observePoll(report);
  await recordPollHealth(store, config, before, at);
  return report;
}

beforeAll(async () => {
  feeds = await startFeedServer({
    // The healthy and the moved feed bring something new at every poll; the quiet one never does.
    '/ok.xml': (req, res) =>
      serveFeed(
        rss('ok', ['Human trafficking ring broken up in Osh', `Football in Bishkek, round ${round}`]),
      )(req, res),
    '/down.xml': status(503),
    '/gone.xml': status(404),
    '/flaky.xml': (req, res) =>
      flakyUp
        ? serveFeed(rss('flaky', ['Labour migrants return to Tajikistan']))(req, res)
        : status(500)(req, res),
    '/old.xml': redirect(301, '/new.xml'),
    '/new.xml': (req, res) =>
      serveFeed(rss('moved', [`Border guards detain smugglers, case ${round}`]))(req, res),
    '/quiet.xml': serveFeed(rss('quiet', ['An old story about migration policy'])),
  });
  config = testConfig(
    [
      { id: 'ok-feed', url: feeds.url('/ok.xml'), name: 'Healthy outlet' },
      { id: 'down-feed', url: feeds.url('/down.xml'), name: 'Broken outlet' },
      { id: 'gone-feed', url: feeds.url('/gone.xml'), name: 'Vanished outlet' },
      { id: 'flaky-feed', url: feeds.url('/flaky.xml'), name: 'Flaky outlet' },
      { id: 'moved-feed', url: feeds.url('/old.xml'), name: 'Moved outlet' },
      { id: 'quiet-feed', url: feeds.url('/quiet.xml'), name: 'Quiet outlet' },
      { id: 'off-feed', url: 'https://off.example/feed', enabled: false },
    ],
    { health: { reportTo: 'ops@example.org' } },
    [`127.0.0.1:${feeds.port}`],
  );
  store = await openStore(config.app.store.databaseUrl);
  // Ten days ago everything that works was read once; the quiet feed has had nothing new since.
  await poll(new Date(NOW.getTime() - 10 * DAY));
  await poll(new Date(NOW.getTime() - 2 * DAY), ['gone-feed']);
  await poll(new Date(NOW.getTime() - 1 * DAY), ['gone-feed']);
  flakyUp = true;
  lastPoll = await poll(NOW);
  await recordConfigRejection(store, {
    at: new Date(NOW.getTime() - 3600_000).toISOString(),
    message:
      'config: 2 problems:\n  config/topics.yaml:12:11 topics[0].terms.en[0]: topic "trafficking", term "human NEAR trafficking": NEAR needs a distance, e.g. NEAR/3\n  config/sources.yaml:8:10 sources[1].url: not an http(s) URL',
    problems: [],
  });
  const app = testApp({ config: () => config, store, mailer: createFileMailer(outbox, silentLogger) });
  server = await startServer(app, {
    host: '127.0.0.1',
    port: 0,
    routes: createRoutes({
      metrics,
      runtime: () => ({
        startedAt: NOW.toISOString(),
        lastPoll,
        nextRuns: { poll: new Date(NOW.getTime() + 300_000).toISOString() },
      }),
    }),
  });
  config = { ...config, app: { ...config.app, server: { ...config.app.server, baseUrl: server.url } } };
  if (withBrowser) {
    browser = await launchChromium();
  }
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await store?.close();
  await feeds?.close();
});

describe('status page', () => {
  it.skipIf(!withBrowser)(
    'at 390 px: no sideways scrolling, what needs attention first with its reason, edits, runs',
    async () => {
      const page = await browser!.newPage({ viewport: { width: 390, height: 844 } });
      await page.goto(`${server.url}/status`);
      expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(390);
      await expect(page.locator('p.overview').first().textContent()).resolves.toContain(
        '4 of 7 sources need attention.',
      );
      const order = await page.locator('li.source').evaluateAll((items) => items.map((item) => item.id));
      expect(order).toEqual([
        'source-down-feed',
        'source-gone-feed',
        'source-moved-feed',
        'source-quiet-feed',
        'source-ok-feed',
        'source-flaky-feed',
        'source-off-feed',
      ]);
      const down = page.locator('#source-down-feed');
      await expect(down.locator('.mark.failing').textContent()).resolves.toBe('failing');
      await expect(down.textContent()).resolves.toMatch(/last failure.*FETCH_HTTP_STATUS.*503/s);
      await expect(down.textContent()).resolves.toMatch(/failures in a row\s*2/);
      const gone = page.locator('#source-gone-feed');
      await expect(gone.locator('.mark.disabled').textContent()).resolves.toBe('disabled');
      await expect(gone.textContent()).resolves.toContain('tipwire sources enable gone-feed');
      const moved = page.locator('#source-moved-feed');
      await expect(moved.locator('.mark.moved').textContent()).resolves.toBe('moved permanently');
      await expect(moved.textContent()).resolves.toContain(`moved to${feeds.url('/new.xml')}`);
      await expect(page.locator('#source-quiet-feed .mark.stale').textContent()).resolves.toBe('stale');
      const flaky = page.locator('#source-flaky-feed');
      // Recovered: ok now, and the last failure is still shown with its reason.
      await expect(flaky.locator('.mark.ok').textContent()).resolves.toBe('ok');
      await expect(flaky.textContent()).resolves.toMatch(/last failure.*ago.*FETCH_HTTP_STATUS/s);
      await expect(page.locator('#source-ok-feed').textContent()).resolves.toMatch(
        /this week\s*0 new items, 0 on topic/,
      );
      await expect(page.locator('ol.rejected').textContent()).resolves.toContain(
        'config/topics.yaml:12:11 topics[0].terms.en[0]: topic "trafficking", term "human NEAR trafficking": NEAR needs a distance',
      );
      const runs = await page.locator('ol.runs li').allTextContents();
      expect(runs).toHaveLength(4);
      expect(runs[0]).toMatch(/^poll (.*ago|just now), \d+(\.\d)? m?s/);
      // Every box fits the viewport, not only the page as a whole.
      const widest = Number(
        await page.evaluate(
          "Math.max(...[...document.querySelectorAll('main *')].map((el) => el.getBoundingClientRect().right))",
        ),
      );
      expect(widest).toBeLessThanOrEqual(390);
      await page.close();
    },
    30_000,
  );

  it('status.json carries the same report for scripts', async () => {
    const body = (await (await fetch(`${server.url}/status.json`)).json()) as {
      attention: number;
      sources: { id: string; marks: string[]; health: string; week: { seen: number } }[];
      jobRuns: unknown[];
    };
    expect(body.attention).toBe(4);
    expect(body.sources.find((s) => s.id === 'quiet-feed')).toMatchObject({ marks: ['stale'], health: 'ok' });
    expect(body.sources.find((s) => s.id === 'gone-feed')).toMatchObject({ health: 'disabled' });
    expect(body.jobRuns).toHaveLength(4);
  });
});

describe('/metrics', () => {
  it.skipIf(!hasPrometheus)(
    'parses as Prometheus text format and counts fetches, items, stories, digests and durations',
    async () => {
      const response = await fetch(`${server.url}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const families = parsePrometheus(await response.text());
      const type = (name: string): string | undefined => families.find((f) => f.name === name)?.type;
      expect(type('tipwire_fetches')).toBe('counter');
      expect(type('tipwire_fetch_duration_seconds')).toBe('histogram');
      expect(type('tipwire_job_duration_seconds')).toBe('histogram');
      expect(type('tipwire_sources')).toBe('gauge');
      const value = (name: string, labels: Record<string, string> = {}): number =>
        sample(families, name, labels);
      // down-feed answered 503 twice; gone-feed 404 three times; flaky-feed 500 once then recovered.
      expect(value('tipwire_fetches_total', { outcome: 'failed', status: '503' })).toBe(2);
      expect(value('tipwire_fetches_total', { outcome: 'failed', status: '404' })).toBe(3);
      expect(value('tipwire_fetches_total', { outcome: 'failed', status: '500' })).toBe(1);
      expect(value('tipwire_fetch_errors_total', { code: 'FETCH_HTTP_STATUS' })).toBe(6);
      // Four new items at the first poll, the flaky feed's one at the last; the other feeds edited their items.
      expect(value('tipwire_items_stored_total', { change: 'inserted' })).toBe(5);
      expect(value('tipwire_items_stored_total', { change: 'updated' })).toBe(2);
      expect(value('tipwire_stories_total', { result: 'created' })).toBeGreaterThanOrEqual(1);
      expect(value('tipwire_items_matched_total')).toBeGreaterThanOrEqual(1);
      expect(value('tipwire_digests_total', { result: 'sent' })).toBe(0);
      expect(value('tipwire_digests_total', { result: 'bounced' })).toBe(0);
      expect(value('tipwire_polls_total', { outcome: 'ok' })).toBe(4);
      expect(value('tipwire_sources', { state: 'failing' })).toBe(1);
      expect(value('tipwire_sources', { state: 'disabled' })).toBe(1);
      expect(value('tipwire_sources', { state: 'stale' })).toBe(1);
      expect(value('tipwire_sources', { state: 'moved' })).toBe(1);
      expect(value('tipwire_sources', { state: 'off' })).toBe(1);
      expect(value('tipwire_items', { kind: 'all' })).toBe(5);
      // A histogram: buckets rise to +Inf, which equals the count.
      const count = value('tipwire_fetch_duration_seconds_count', { outcome: 'changed' });
      expect(count).toBeGreaterThan(0);
      expect(value('tipwire_fetch_duration_seconds_bucket', { outcome: 'changed', le: '+Inf' })).toBe(count);
      expect(value('tipwire_job_duration_seconds_count', { job: 'poll', outcome: 'ok' })).toBe(4);
    },
  );
});

describe('/status.atom', () => {
  it('lists the health events as valid Atom, and answers 304 to a repeat', async () => {
    const response = await fetch(`${server.url}/status.atom`);
    expect(response.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
    const text = await response.text();
    const parsed = feedparser(text);
    expect(parsed.bozo, parsed.bozo_exception).toBe(0);
    const titles = parsed.entries.map((entry) => entry.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'down-feed is failing: FETCH_HTTP_STATUS',
        'flaky-feed is failing: FETCH_HTTP_STATUS',
        'flaky-feed recovered',
        'gone-feed disabled after 3 failures',
        'moved-feed moved permanently',
        expect.stringMatching(/^quiet-feed is stale: no new item for \d+ days$/),
        'config edit rejected: 2 problems; the previous config stays in force',
      ]),
    );
    for (const entry of parsed.entries) {
      expect(entry.id).toMatch(/^tag:|^urn:/);
      expect(entry.updated).toBeTruthy();
      expect(entry.link).toContain('/status');
    }
    const again = await fetch(`${server.url}/status.atom`, {
      headers: { 'if-none-match': response.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });
});

describe('weekly operator report', () => {
  const runtime = () => ({ startedAt: NOW.toISOString(), nextRuns: {} });

  it('a failed send releases the week; the next run sends it once, read back as an e-mail', async () => {
    const closed = await startFeedServer({});
    const port = closed.port;
    await closed.close();
    const broken = testApp({
      config: () => config,
      store,
      mailer: createSmtpMailer({
        url: `smtp://127.0.0.1:${port}`,
        maxConnections: 1,
        rateLimitPerSecond: 0,
        timeoutMs: 2000,
        log: silentLogger,
      }),
      now: () => NOW,
    });
    await expect(sendHealthReport(broken, runtime())).rejects.toThrow();

    const app = testApp({
      config: () => config,
      store,
      mailer: createFileMailer(outbox, silentLogger),
      now: () => NOW,
    });
    const sent = await sendHealthReport(app, runtime());
    expect(sent.outcome).toBe('sent');
    expect((await sendHealthReport(app, runtime())).outcome).toBe('already-sent');
    const files = readdirSync(outbox).filter((file) => file.startsWith('health-'));
    expect(files).toHaveLength(1);
    const mail = await simpleParser(readFileSync(join(outbox, files[0] ?? '')));
    expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('ops@example.org');
    expect(mail.subject).toMatch(/^tipwire health \d{4}-W\d\d: 4 of 7 sources need attention$/);
    expect(mail.text).toContain('- down-feed (failing):');
    expect(mail.text).toContain('flaky-feed recovered');
    expect(mail.text).toContain('NEAR needs a distance');
    expect(mail.html).toContain('<h2>Needs attention</h2>');
  }, 30_000);

  it('is not sent without an address', async () => {
    const off = { ...config, app: { ...config.app, health: { ...config.app.health, reportTo: undefined } } };
    const app = testApp({ config: () => off, store, now: () => NOW });
    expect((await sendHealthReport(app, runtime())).outcome).toBe('not-configured');
  });
});
