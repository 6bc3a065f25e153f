// The operator CLI as scripts use it: help, exit codes, precise config errors, OPML in and out, a poll summary.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { runCli } from '../helpers/cli.ts';
import { SHIPPED_CONFIG, writeTestConfig } from '../helpers/config.ts';
import { serveFeed, startFeedServer, status, type FeedServer } from '../helpers/feed-server.ts';

const feed = `<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>https://t.example.kg/</link>
<item><title>Human trafficking ring dismantled in Osh</title><link>https://t.example.kg/1</link><pubDate>Fri, 27 Nov 2026 09:00:00 GMT</pubDate></item>
<item><title>Weather: snow in Naryn</title><link>https://t.example.kg/2</link><pubDate>Fri, 27 Nov 2026 10:00:00 GMT</pubDate></item>
</channel></rss>`;

let server: FeedServer;
beforeAll(async () => {
  server = await startFeedServer({ '/ok.xml': serveFeed(feed), '/down.xml': status(503) });
});
afterAll(() => server.close());

describe('tipwire CLI', () => {
  it('lists its commands with --help and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['run', 'poll', 'validate', 'sources check', 'sources import', 'sources export'])
      expect(result.stdout).toContain(name);
  });

  it('gives each command its own --help', async () => {
    const result = await runCli(['sources', 'check', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: tipwire sources check/);
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['frobnicate'])).code).toBe(2);
    const bad = await runCli(['poll', '--frobnicate']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/frobnicate/);
  });

  it('validate: 0 on the shipped config, 3 with file:line:col on a broken one', async () => {
    const ok = await runCli(['--config', SHIPPED_CONFIG, 'validate']);
    // Valid; the development signing key is named as a warning, not an error.
    expect(ok.stderr).toMatch(/^warning: digest\.secret: the development signing key is in force.*\n$/);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/valid — \d+ sources/);
    const dir = writeTestConfig([{ id: 'x', url: 'https://x.example/feed' }]);
    writeFileSync(
      join(dir, 'sources.yaml'),
      'sources:\n  - id: x\n    name: X\n    url: not-a-url\n    languages: [en]\n',
    );
    const broken = await runCli(['--config', dir, 'validate']);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toMatch(/sources\.yaml:4:10 sources\[0\]\.url: not an http\(s\) URL/);
  });

  it('sources import adds new feeds from OPML, keeps comments, skips known ones; export round-trips', async () => {
    const dir = writeTestConfig([{ id: 'known', url: 'https://known.example/feed' }]);
    const sourcesFile = join(dir, 'sources.yaml');
    writeFileSync(sourcesFile, `# operator's comment\n${readFileSync(sourcesFile, 'utf8')}`);
    const opml = join(dir, 'in.opml');
    writeFileSync(
      opml,
      `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="Central Asia"><outline text="Kloop" title="Kloop" type="rss" xmlUrl="https://kloop.kg/feed/" htmlUrl="https://kloop.kg/" language="ru"/></outline>
<outline text="Known" xmlUrl="https://known.example/feed"/>
<outline text="Bad" xmlUrl="javascript:alert(1)"/></body></opml>`,
    );
    const result = await runCli(['--config', dir, 'sources', 'import', opml]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/added +kloop +https:\/\/kloop\.kg\/feed\//);
    expect(result.stdout).toMatch(/skipped https:\/\/known\.example\/feed: already configured/);
    expect(result.stdout).toMatch(/skipped javascript:alert\(1\): url: not an http\(s\) URL/);
    const text = readFileSync(sourcesFile, 'utf8');
    expect(text).toMatch(/^# operator's comment/);
    expect(text).toMatch(/languages:\s*\n?\s*- ru/);

    const exported = await runCli(['--config', dir, 'sources', 'export']);
    expect(exported.code).toBe(0);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(
      exported.stdout,
    ) as { opml: { body: unknown } };
    expect(JSON.stringify(doc.opml.body)).toContain('https://kloop.kg/feed/');
  });

  it('sources import refuses OPML with entity declarations', async () => {
    const dir = writeTestConfig([{ id: 'known', url: 'https://known.example/feed' }]);
    const opml = join(dir, 'evil.opml');
    writeFileSync(
      opml,
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml version="2.0"><body/></opml>',
    );
    const result = await runCli(['--config', dir, 'sources', 'import', opml]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/entity declarations is refused/);
  });

  it('poll prints a per-source summary and exits 1 when a source failed', async () => {
    const dir = writeTestConfig(
      [
        { id: 'ok-feed', url: server.url('/ok.xml'), country: 'KG' },
        { id: 'down-feed', url: server.url('/down.xml') },
      ],
      {},
      [`127.0.0.1:${server.port}`],
    );
    const result = await runCli(['--config', dir, 'poll', '--all']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.find((line) => line.startsWith('ok-feed'))).toMatch(
      /^ok-feed\s+changed\s+200\s+rss2\s+2\s+2\b/,
    );
    expect(lines.find((line) => line.startsWith('down-feed'))).toMatch(/failed\s+503.*FETCH_HTTP_STATUS/);
    expect(result.stdout).toMatch(
      /poll: 2 sources polled \(1 changed, 1 failing\); 2 new items, 1 on topic, 1 new story \(errors: FETCH_HTTP_STATUS 1\)/,
    );

    const list = await runCli(['--config', dir, 'sources', 'list']);
    expect(list.stdout).toMatch(/down-feed\s+failing/);
    expect(list.stdout).toMatch(/ok-feed\s+ok\s+KG\s+en\s+2/);
  }, 30_000);

  it('dedupe clusters JSON Lines with the pipeline engine: a translation by URL id joins, another event does not', async () => {
    const lines = [
      {
        id: 'a',
        url: 'https://24.kg/english/349001/',
        title: 'Osh court sentences three traffickers of 12 women',
        summary: 'Three defendants got 8 to 11 years for trafficking 12 women to Dubai.',
        lang: 'en',
        published: '2026-11-24T04:15:00Z',
        source: '24kg-en',
      },
      {
        id: 'b',
        url: 'https://24.kg/proisshestvija/349001/',
        title: 'В Оше осуждены трое торговцев людьми',
        summary: 'Трое обвиняемых получили от 8 до 11 лет за торговлю 12 женщинами в Дубай.',
        lang: 'ru',
        published: '2026-11-24T04:40:00Z',
        source: '24kg-ru',
      },
      {
        id: 'c',
        url: 'https://kun.uz/en/news/1',
        title: 'Uzbekistan raises the minimum wage',
        summary: 'From January the minimum wage rises by 10 percent.',
        lang: 'en',
        published: '2026-11-24T05:00:00Z',
        source: 'kun-uz',
      },
      'not json',
    ];
    const result = await runCli(['--config', SHIPPED_CONFIG, 'dedupe', '--explain'], {
      stdin: lines.map((line) => (typeof line === 'string' ? line : JSON.stringify(line))).join('\n'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stdin line 4: .*not valid JSON/);
    const out = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { id: string; story: string; relation: string });
    expect(out.map((o) => o.id)).toEqual(['a', 'b', 'c']);
    expect(out[1]?.story).toBe(out[0]?.story);
    expect(out[1]?.relation).toBe('translation');
    expect(out[2]?.story).not.toBe(out[0]?.story);
  });

  it('stories lists what a poll clustered', async () => {
    const dir = writeTestConfig([{ id: 'ok-feed', url: server.url('/ok.xml'), country: 'KG' }], {}, [
      `127.0.0.1:${server.port}`,
    ]);
    await runCli(['--config', dir, 'poll', '--all', '--no-publish']);
    const result = await runCli(['--config', dir, 'stories', '--since', '3650d']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Human trafficking ring dismantled in Osh/);
    expect(result.stdout).toMatch(/^1 story since /m);
    // Every story and, with --items, every item shows the id that `tipwire explain` takes.
    const storyId = /^(\S+)\s+\d{4}-\d\d-\d\d \d\d:\d\d/m.exec(
      result.stdout.split('\n').slice(2).join('\n'),
    )?.[1];
    const withItems = await runCli(['--config', dir, 'stories', '--since', '3650d', '--items']);
    const itemId = /^ {2}(\S+)\s+\d{4}-/m.exec(withItems.stdout)?.[1];
    expect(storyId).toBeTruthy();
    expect(itemId).toBeTruthy();
    for (const id of [storyId, itemId]) {
      const explained = await runCli(['--config', dir, 'explain', id ?? '']);
      expect(explained.code, `${id}: ${explained.stderr}`).toBe(0);
      expect(explained.stdout).toContain('Human trafficking ring dismantled in Osh');
    }
  }, 30_000);
});
