// `tipwire run` as a real process: it says where everything is, polls at start, serves feeds and status, applies a
// valid config edit without a restart, keeps the last good config after an invalid one, and stops cleanly on SIGTERM.
// Logs are JSON lines on stderr with no key twice; stdout stays empty for the service.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestConfig } from '../helpers/config.ts';
import { serveFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { topLevelKeys } from '../helpers/log.ts';

const ROOT = join(import.meta.dirname, '../..');
const feed = (
  id: string,
  title: string,
): string => `<?xml version="1.0"?><rss version="2.0"><channel><title>${id}</title><link>https://${id}.example.kg/</link>
<item><title>${title}</title><link>https://${id}.example.kg/1</link><pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate></item></channel></rss>`;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let feeds: FeedServer;
let child: ChildProcess;
let dir: string;
let base: string;
const lines: Record<string, unknown>[] = [];
const duplicates: string[] = [];
let stdout = '';

/** Waits until a log line matches (the service logs JSON lines to stderr). */
async function logged(
  match: (line: Record<string, unknown>) => boolean,
  timeoutMs = 20_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = lines.find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `not logged in time; last lines:\n${lines
          .slice(-5)
          .map((l) => JSON.stringify(l))
          .join('\n')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  feeds = await startFeedServer({
    '/a.xml': serveFeed(feed('a', 'Human trafficking victims freed in Bishkek')),
    '/b.xml': serveFeed(feed('b', 'Labour migrants from Tajikistan face new entry bans in Russia')),
  });
  const port = await freePort();
  dir = writeTestConfig(
    [{ id: 'feed-a', url: feeds.url('/a.xml'), country: 'KG' }],
    // No baseUrl: links must follow the port the server listens on.
    { server: { port } },
    [`127.0.0.1:${feeds.port}`],
  );
  base = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ['bin/tipwire.js', '--config', dir, 'run'], {
    cwd: ROOT,
    env: { ...process.env, TIPWIRE_LOG_PRETTY: '0', TIPWIRE_DATABASE_URL: '', TIPWIRE_SMTP_URL: '' },
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let newline;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
        const keys = topLevelKeys(line);
        if (new Set(keys).size !== keys.length) duplicates.push(line);
      } catch {
        lines.push({ text: line });
      }
    }
  });
}, 30_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await feeds?.close();
});

describe('tipwire run', () => {
  it('says where the status page, the feeds and the outbox are', async () => {
    const banner = await logged((l) => typeof l.msg === 'string' && l.msg.startsWith('tipwire is running'));
    expect(banner.msg).toContain('first run');
    expect(banner.msg).toContain(`status page  ${base}/status`);
    expect(banner.msg).toContain(`feeds        ${base}/feeds/all.atom`);
    expect(banner.msg).toMatch(/outbox\s+\S*outbox\/ +\(\.eml files/);
    // The test config has a signing key and listens on loopback: nothing to warn about.
    expect(lines.filter((l) => l.level === 40 && typeof l.setting === 'string')).toEqual([]);
  }, 30_000);

  it('polls at start and serves the result', async () => {
    const summary = await logged((l) => l.job === 'poll' && typeof l.polled === 'number');
    expect(summary).toMatchObject({ polled: 1, changed: 1, failed: 0 });
    await logged((l) => typeof l.msg === 'string' && l.msg.startsWith('publish:'));
    const atom = await fetch(`${base}/feeds/all.atom`);
    expect(atom.status).toBe(200);
    const atomText = await atom.text();
    expect(atomText).toContain('Human trafficking victims freed in Bishkek');
    expect(atomText).toContain(`href="${base}/feeds/all.atom"`);
    const status = (await (await fetch(`${base}/status.json`)).json()) as {
      sources: { id: string; health: string }[];
    };
    expect(status.sources).toEqual([expect.objectContaining({ id: 'feed-a', health: 'ok' })]);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    // The service's own metrics and health views count what it just did.
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^tipwire_polls_total\{outcome="ok"\} 1$/m);
    expect(metrics).toMatch(/^tipwire_fetches_total\{outcome="changed",status="200"\} 1$/m);
    const runs = ((await (await fetch(`${base}/status.json`)).json()) as { jobRuns: { job: string }[] })
      .jobRuns;
    expect(runs.map((run) => run.job).sort()).toEqual(['poll', 'publish']);
    expect((await fetch(`${base}/status.atom`)).status).toBe(200);
    const page = await fetch(`${base}/stories?topic=trafficking`);
    expect(await page.text()).toContain('Human trafficking victims freed in Bishkek');
  }, 30_000);

  it('keeps the last good config when an edit is invalid', async () => {
    const sources = join(dir, 'sources.yaml');
    const good = readFileSync(sources, 'utf8');
    writeFileSync(sources, good.replace(feeds.url('/a.xml'), 'not a url'));
    const rejected = await logged(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('config edit rejected'),
    );
    expect(String(rejected.msg)).toMatch(/sources\.yaml:\d+:\d+ sources\[0\]\.url: not an http\(s\) URL/);
    expect((await fetch(`${base}/feeds/all.atom`)).status).toBe(200);
    writeFileSync(sources, good);
  }, 30_000);

  it('rejects a topics.yaml edit with broken terms at their file:line:col and keeps the last good rules', async () => {
    const topics = join(dir, 'topics.yaml');
    const good = readFileSync(topics, 'utf8');
    writeFileSync(
      topics,
      'topics:\n  - id: t\n    names: { en: T }\n    terms:\n      en: ["human NEAR trafficking", "ab*"]\n',
    );
    const rejected = await logged(
      (l) => typeof l.msg === 'string' && l.msg.startsWith('config edit rejected') && l.msg.includes('NEAR'),
    );
    expect(rejected.level).toBe(50);
    expect(rejected.err).toBeUndefined();
    expect(String(rejected.msg)).toMatch(
      /topics\.yaml:5:12 topics\[0\]\.terms\.en\[0\]: topic "t", term "human NEAR trafficking": NEAR needs a distance/,
    );
    expect(String(rejected.msg)).toMatch(
      /topics\.yaml:5:38 topics\[0\]\.terms\.en\[1\]: .*at least 3 letters/,
    );
    const page = await (await fetch(`${base}/stories?topic=trafficking`)).text();
    expect(page).toContain('Human trafficking victims freed in Bishkek');
    writeFileSync(topics, good);
  }, 30_000);

  it('applies a valid edit without a restart: a new source is polled', async () => {
    const sources = join(dir, 'sources.yaml');
    writeFileSync(
      sources,
      `${readFileSync(sources, 'utf8')}  - id: feed-b\n    name: B\n    url: ${feeds.url('/b.xml')}\n    languages: [en]\n    country: TJ\n`,
    );
    await logged((l) => l.msg === 'config reloaded' && l.sources === 2);
    const deadline = Date.now() + 20_000;
    let text = '';
    while (Date.now() < deadline && !text.includes('entry bans')) {
      text = await (await fetch(`${base}/feeds/all.atom`)).text();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(text).toContain('Labour migrants from Tajikistan face new entry bans in Russia');
    expect(feeds.hits('/b.xml')).toBeGreaterThan(0);
  }, 40_000);

  it('stops cleanly on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(lines.some((l) => l.msg === 'stopped')).toBe(true);
    expect(duplicates).toEqual([]);
    expect(stdout).toBe('');
  }, 40_000);
});
