// What an operator reads after a poll where sources fail: one WARN line per failing source with its code and reason
// (no stack, the cause not repeated), the stack only at DEBUG, one summary line that counts unreachable sources, and
// after a restart inside the backoff a summary that still says the sources are failing rather than "0 failed".
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileRules } from '../../src/classify/index.ts';
import { createHostLimiter } from '../../src/fetch/index.ts';
import { runPoll, type PollDeps } from '../../src/jobs/poll.ts';
import { describePoll, summarisePoll, type SummaryInput } from '../../src/jobs/poll-summary.ts';
import { createLogger } from '../../src/core/log.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { serveFeed, startFeedServer, status, type FeedServer } from '../helpers/feed-server.ts';
import { testConfig, writeTestConfig } from '../helpers/config.ts';
import { main } from '../../src/cli.ts';
import { topLevelKeys } from '../helpers/log.ts';

/** Every log line as text and parsed, with the keys its top level repeats. */
function capture(level: string): {
  deps: Pick<PollDeps, 'log'>;
  lines: () => { text: string; json: Record<string, unknown>; duplicateKeys: string[] }[];
} {
  const stream = new PassThrough();
  let buffer = '';
  stream.on('data', (chunk: Buffer) => (buffer += chunk.toString('utf8')));
  return {
    deps: { log: createLogger({ level, destination: stream }) },
    lines: () =>
      buffer
        .split('\n')
        .filter(Boolean)
        .map((text) => {
          const keys = topLevelKeys(text);
          return {
            text,
            json: JSON.parse(text) as Record<string, unknown>,
            duplicateKeys: keys.filter((key, index) => keys.indexOf(key) !== index),
          };
        }),
  };
}

let server: FeedServer;
let closedUrl: string;

beforeAll(async () => {
  server = await startFeedServer({
    '/ok.xml': serveFeed(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>ok</title><link>https://ok.example.kg/</link><item><title>Football</title><link>https://ok.example.kg/1</link></item></channel></rss>',
    ),
    '/down.xml': status(503),
  });
  const closed = await startFeedServer({});
  closedUrl = closed.url('/gone.xml');
  await closed.close();
});

afterAll(async () => {
  await server?.close();
});

async function setup(level: string): Promise<{
  deps: PollDeps;
  store: Store;
  lines: ReturnType<typeof capture>['lines'];
}> {
  const config = testConfig(
    [
      { id: 'ok-feed', url: server.url('/ok.xml') },
      { id: 'down-feed', url: server.url('/down.xml') },
      { id: 'refused-feed', url: closedUrl },
    ],
    {},
    [`127.0.0.1:${server.port}`, new URL(closedUrl).host],
  );
  const store = await openStore(config.app.store.databaseUrl);
  const { deps, lines } = capture(level);
  return {
    store,
    lines,
    deps: {
      ...deps,
      store,
      config,
      rules: compileRules(config.topics),
      limiter: createHostLimiter({ concurrency: 4, perHost: 4 }),
    },
  };
}

describe('poll logs', () => {
  it('one WARN per failing source with code and reason, no stack, nothing doubled, one summary', async () => {
    const { deps, store, lines } = await setup('info');
    try {
      const report = await runPoll(deps);
      const all = lines();
      const warns = all.filter((line) => line.json.level === 40);
      expect(warns.map((line) => line.json.source).sort()).toEqual(['down-feed', 'refused-feed']);
      for (const warn of warns) {
        expect(warn.json).toMatchObject({ job: 'poll', failures: 1 });
        expect(warn.json.code).toMatch(/^FETCH_/);
        expect(String(warn.json.reason)).not.toBe('');
        expect(warn.json.err).toBeUndefined();
        expect(warn.text).not.toContain('"stack"');
      }
      const refused = warns.find((line) => line.json.source === 'refused-feed');
      expect(refused?.json.code).toBe('FETCH_NETWORK');
      expect(String(refused?.json.msg)).toContain('connection refused, ECONNREFUSED');
      // The cause's text appears once, not appended again after our own message.
      expect(String(refused?.json.msg).match(/ECONNREFUSED/g)).toHaveLength(1);
      expect(warns.find((line) => line.json.source === 'down-feed')?.json.code).toBe('FETCH_HTTP_STATUS');

      for (const line of all) expect(line.duplicateKeys, line.text).toEqual([]);
      const summaries = all.filter((line) => line.json.job === 'poll' && line.json.level === 30);
      expect(summaries).toHaveLength(1);
      expect(summaries[0]?.json).toMatchObject({
        polled: 3,
        changed: 1,
        failed: 2,
        unreachable: 1,
        notDue: 0,
      });
      expect(report.summary).toMatchObject({ sources: 3, polled: 3, failed: 2, unreachable: 1 });
    } finally {
      await store.close();
    }
  });

  it('the stack of an expected failure is logged at DEBUG only', async () => {
    const { deps, store, lines } = await setup('debug');
    try {
      await runPoll(deps, { sourceIds: ['refused-feed'] });
      const withStack = lines().filter((line) => line.text.includes('"stack"'));
      expect(withStack.length).toBeGreaterThan(0);
      expect(withStack.every((line) => line.json.level === 20)).toBe(true);
      // The cause is a nested object with its own message, not glued onto ours.
      const err = withStack[0]?.json.err as { message: string; cause?: { code?: string } };
      expect(err.message.match(/ECONNREFUSED/g)).toHaveLength(1);
      expect(err.cause?.code).toBe('ECONNREFUSED');
    } finally {
      await store.close();
    }
  });

  it('a restart inside the backoff counts the failing sources as not yet due and failing', async () => {
    const { deps, store, lines } = await setup('info');
    try {
      await runPoll(deps);
      const again = await runPoll(deps);
      expect(again.summary).toMatchObject({ polled: 0, notDue: 3, failingNotDue: 2, failed: 0 });
      const summary = lines().filter((line) => line.json.job === 'poll' && line.json.level === 30)[1];
      expect(String(summary?.json.msg)).toMatch(
        /0 sources polled; 3 not yet due \(2 of them failing, in backoff\)/,
      );
    } finally {
      await store.close();
    }
  });
});

describe('poll summary line', () => {
  const result = (outcome: SummaryInput['outcome'], code?: string, inserted = 0): SummaryInput => ({
    sourceId: 's',
    outcome,
    inserted,
    updated: 0,
    ...(code ? { error: { code, message: 'x' } } : {}),
  });
  const cases: { name: string; results: SummaryInput[]; line: RegExp }[] = [
    {
      name: 'no network at all',
      results: Array.from({ length: 35 }, () => result('failed', 'FETCH_NETWORK')),
      line: /^poll: 35 of 35 sources unreachable \(FETCH_NETWORK 35\); 0 new items\. No source answered: is this machine online/,
    },
    {
      name: 'a mixed poll names the error codes',
      results: [
        result('changed', undefined, 4),
        result('not-modified'),
        result('failed', 'FETCH_HTTP_STATUS'),
        result('skipped'),
        result('disabled', 'FETCH_TIMEOUT'),
      ],
      line: /^poll: 3 sources polled \(1 changed, 1 unchanged, 1 failing\); 1 not yet due; 1 disabled; 4 new items \(errors: FETCH_HTTP_STATUS 1\)$/,
    },
    {
      name: 'everything in backoff',
      results: [result('skipped', 'FETCH_NETWORK'), result('skipped', 'FETCH_NETWORK'), result('skipped')],
      line: /^poll: 0 sources polled; 3 not yet due \(2 of them failing, in backoff\); 0 new items \(errors: FETCH_NETWORK 2\)$/,
    },
  ];
  for (const { name, results, line } of cases) {
    it(name, () => expect(describePoll(summarisePoll(results))).toMatch(line));
  }
});

describe('tipwire poll through main(argv, io)', () => {
  it('writes its table and summary to stdout and its log lines, JSON with no key twice, to stderr', async () => {
    const dir = writeTestConfig(
      [
        { id: 'ok-feed', url: server.url('/ok.xml') },
        { id: 'down-feed', url: server.url('/down.xml') },
      ],
      {},
      [`127.0.0.1:${server.port}`],
    );
    const out = new PassThrough();
    const err = new PassThrough();
    let stdout = '';
    let stderr = '';
    out.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    err.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await main(['poll', '--all', '--config', dir], {
      stdin: Readable.from(['']),
      stdout: out,
      stderr: err,
      env: { TIPWIRE_LOG_PRETTY: '0' },
    });
    expect(code).toBe(1);
    expect(stdout).toMatch(/^down-feed\s+failed\s+503/m);
    expect(stdout).toMatch(/^poll: 2 sources polled \(1 changed, 1 failing\)/m);
    expect(stdout).not.toContain('"level"');
    const lines = stderr.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      const keys = topLevelKeys(line);
      expect(new Set(keys).size, line).toBe(keys.length);
    }
    const warn = lines.map((line) => JSON.parse(line) as Record<string, unknown>).find((l) => l.level === 40);
    expect(warn).toMatchObject({ source: 'down-feed', code: 'FETCH_HTTP_STATUS' });
  });
});
