// bench/digest: 10,000 personalised digests rendered (compile-once MJML + per-subscriber fill) and sent through the
// pooled SMTP mailer to a local smtp-server; messages per second; and the ratio to the baseline of one MJML compile
// per subscriber, measured on a smaller sample in the same run (absolute times drift on shared machines).
// Run: npx tsx bench/digest.bench.ts [subscribers]   (or npm run bench digest)
import { SMTPServer } from 'smtp-server';
import type { AddressInfo, Server } from 'node:net';
import { silentLogger } from '../src/core/log.ts';
import type { Subscriber } from '../src/core/types.ts';
import { createSmtpMailer } from '../src/digest/mailer.ts';
import { compileMjml, compileTemplates, renderDigest, type RenderContext } from '../src/digest/render.ts';
import { compileFill } from '../src/digest/fill.ts';
import { DEFAULT_TEMPLATES_DIR } from '../src/jobs/digest.ts';
import { join } from 'node:path';
import { sampleStories, SOURCES, TOPICS } from '../test/digest/sample.ts';

const N = Number(process.argv[2] ?? 10_000);
const BASELINE_SAMPLE = 40;
const CONCURRENCY = 10;

const stories = sampleStories(240, '2026-11-23T01:00:00.000Z', '2026-11-30T01:00:00.000Z');
const countries = ['kg', 'uz', 'tm', 'kz', 'tj'];
function subscriber(i: number): Subscriber {
  return {
    id: `s${i}`,
    email: `reader${i}@example.org`,
    name: i % 2 ? `Читатель ${i}` : `Reader ${i}`,
    locale: i % 2 ? 'ru' : 'en',
    timeZone: 'Asia/Bishkek',
    topics: i % 3 === 0 ? [] : [TOPICS[i % TOPICS.length]!.id],
    countries: i % 4 === 0 ? [] : [countries[i % countries.length]!, countries[(i + 2) % countries.length]!],
    languages: i % 5 === 0 ? ['ru'] : [],
    frequency: 'weekly',
    status: 'active',
    createdAt: '2026-10-01T00:00:00.000Z',
  };
}
const context = (s: Subscriber): RenderContext => ({
  subscriber: s,
  timeZone: s.timeZone,
  firstDay: '2026-11-23',
  lastDay: '2026-11-29',
  topicOrder: TOPICS.map((t) => t.id),
  topicNames: new Map(TOPICS.map((t) => [t.id, t.names])),
  sourceNames: new Map(SOURCES.map((x) => [x.id, x.name])),
  links: {
    preferences: `https://tipwire.example/preferences?token=p.${s.id}`,
    unsubscribe: `https://tipwire.example/unsubscribe?token=u.${s.id}`,
    view: `https://tipwire.example/digest/2026-W48?view=v.${s.id}`,
    topic: (id) => `https://tipwire.example/stories?topic=${id}`,
  },
  maxPerTopic: 8,
  maxHtmlBytes: 95_000,
});

// A sink SMTP server: accepts and discards.
let received = 0;
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, _session, callback) {
    stream.on('data', () => undefined);
    stream.on('end', () => {
      received += 1;
      callback();
    });
  },
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = ((server as unknown as { server: Server }).server.address() as AddressInfo).port;

const t0 = performance.now();
const templates = await compileTemplates(DEFAULT_TEMPLATES_DIR);
const compileOnceMs = performance.now() - t0;

// Baseline: one MJML compile (+ fill) per subscriber, on a sample.
const b0 = performance.now();
for (let i = 0; i < BASELINE_SAMPLE; i += 1) {
  const compiled = await compileMjml(join(DEFAULT_TEMPLATES_DIR, 'digest.mjml'), DEFAULT_TEMPLATES_DIR);
  renderDigest(stories, { ...templates, digest: compileFill(compiled.html) }, context(subscriber(i)));
}
const perCompileMs = (performance.now() - b0) / BASELINE_SAMPLE;

// Compile-once rendering alone.
const r0 = performance.now();
let bytes = 0;
for (let i = 0; i < N; i += 1) bytes += renderDigest(stories, templates, context(subscriber(i))).html.length;
const renderMs = performance.now() - r0;

// Render + send through the pool.
const mailer = createSmtpMailer({
  url: `smtp://127.0.0.1:${port}`,
  maxConnections: 5,
  rateLimitPerSecond: 0,
  timeoutMs: 30_000,
  log: silentLogger,
});
const s0 = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: CONCURRENCY }, async () => {
    while (next < N) {
      const s = subscriber(next++);
      const out = renderDigest(stories, templates, context(s));
      await mailer.send({
        from: 'tipwire digest <digest@tipwire.example>',
        to: { name: s.name, address: s.email },
        subject: out.subject,
        html: out.html,
        text: out.text,
        messageId: `bench.${s.id}@tipwire.example`,
        date: new Date(),
        listId: { id: 'digest.tipwire.example', name: 'tipwire digest' },
        unsubscribe: {
          url: `https://tipwire.example/unsubscribe?token=u.${s.id}`,
          mailto: 'mailto:unsubscribe@tipwire.example',
        },
      });
    }
  }),
);
const sendMs = performance.now() - s0;
await mailer.close();
server.close();

const perRender = renderMs / N;
const rows: [string, string][] = [
  ['subscribers', String(N)],
  ['stories in the window', String(stories.length)],
  ['MJML compile once (digest + confirm)', `${compileOnceMs.toFixed(0)} ms`],
  ['render per subscriber, compile-once + fill', `${perRender.toFixed(3)} ms`],
  [
    `render per subscriber, one MJML compile each (baseline, n=${BASELINE_SAMPLE})`,
    `${perCompileMs.toFixed(2)} ms`,
  ],
  ['ratio baseline / compile-once', `${(perCompileMs / perRender).toFixed(1)}x`],
  ['average HTML size', `${(bytes / N / 1024).toFixed(1)} KiB`],
  [
    `rendered + sent (pool of 5, ${CONCURRENCY} in flight)`,
    `${received} messages in ${(sendMs / 1000).toFixed(1)} s`,
  ],
  ['messages per second', (received / (sendMs / 1000)).toFixed(0)],
];
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`${'measure'.padEnd(width)}  value\n${'-'.repeat(width)}  -----\n`);
for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
if (received !== N) process.exitCode = 1;
