// `sources import FILE.opml` against real feeds on 127.0.0.1: the hand-edited sources.yaml keeps every byte except the
// new lines (which follow its style), Cyrillic titles become Latin ids, languages come from the feeds' items, and
// everything guessed is printed and written as a comment above the entry for review.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config.ts';
import { serveFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';
import { sourceId } from '../../src/jobs/import-sources.ts';

const rss = (titles: string[]): string =>
  `<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>x</title><link>https://x.example/</link><language>en</language>
${titles.map((title, i) => `<item><title>${title}</title><link>https://x.example/${i}</link></item>`).join('\n')}</channel></rss>`;

const RUSSIAN = [
  'В Бишкеке задержаны трое подозреваемых в торговле людьми',
  'Мигранты из Кыргызстана столкнулись с новыми правилами в России',
  'Правительство утвердило программу защиты прав мигрантов',
];
const KYRGYZ = [
  'Кыргызстандын эмгек мигранттары Россияда жаңы эрежелерге туш болушту',
  'Бишкекте адам сатуу боюнча үч шектүү кармалды',
  'Өкмөт мигранттардын укуктарын коргоо боюнча жаңы программаны бекитти',
];

/** What an operator wrote by hand: comments, flow lists with spaces, quotes, a blank line, a trailing comment. */
const HAND_WRITTEN = (known: string): string => `# Our feeds. Keep the Kyrgyz ones together.
sources:
  # --- Kyrgyzstan ---
  - id: known
    name: "Known outlet"
    url: ${known}
    country: KG
    languages: [ en ]   # English edition
    tags: [news]

  # - id: later
  #   url: https://later.example/feed
`;

let server: FeedServer;

beforeAll(async () => {
  server = await startFeedServer({
    '/ru.xml': serveFeed(rss(RUSSIAN)),
    '/mixed.xml': serveFeed(rss([...KYRGYZ, RUSSIAN[0] ?? '', RUSSIAN[1] ?? ''])),
  });
});

afterAll(async () => {
  await server?.close();
});

describe('sources import', () => {
  it('keeps the file as written, transliterates ids, detects languages from items, prints the guesses', async () => {
    const known = 'https://known.example/feed';
    const dir = writeTestConfig([{ id: 'x', url: known }], {}, [`127.0.0.1:${server.port}`]);
    const file = join(dir, 'sources.yaml');
    const original = HAND_WRITTEN(known);
    writeFileSync(file, original);
    const opml = join(dir, 'in.opml');
    writeFileSync(
      opml,
      `<?xml version="1.0"?><opml version="2.0"><head><title>x</title></head><body>
<outline text="Кыргызстан"><outline text="Новости Кыргызстана" xmlUrl="${server.url('/ru.xml')}"/>
<outline text="Азаттык Үналгысы" xmlUrl="${server.url('/mixed.xml')}" htmlUrl="https://www.azattyk.org/"/></outline>
<outline text="Known" xmlUrl="${known}"/>
<outline text="Gone" xmlUrl="${server.url('/gone.xml')}" language="uz"/></body></opml>`,
    );
    const result = await runCli(['--config', dir, 'sources', 'import', opml]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);

    const out = result.stdout;
    expect(out).toContain(`skipped ${known}: already configured`);
    expect(out).toContain(`added   novosti-kyrgyzstana  ${server.url('/ru.xml')}`);
    expect(out).toContain('id novosti-kyrgyzstana: transliterated from the title "Новости Кыргызстана"');
    expect(out).toContain('languages ru: detected from 3 items (ru 3)');
    expect(out).toContain(`added   azattyk-unalgysy  ${server.url('/mixed.xml')}`);
    expect(out).toContain('languages ky, ru: detected from 5 items (ky 3, ru 2)');
    expect(out).toMatch(
      /languages uz: from the OPML outline's language attribute; the feed could not be read \(FETCH_HTTP_STATUS/,
    );
    expect(out).toMatch(/3 added, 1 skipped; review them in .*sources\.yaml lines 10–32/);

    const text = readFileSync(file, 'utf8');
    const lines = text.split('\n');
    // The old text is untouched: the new lines sit after the last entry, before the blank line and trailing comment.
    expect([...lines.slice(0, 9), ...lines.slice(32)].join('\n')).toBe(original);
    const added = lines.slice(9, 32).join('\n');
    expect(added).toContain('  - id: novosti-kyrgyzstana');
    expect(added).toContain('    languages: [ky, ru]');
    expect(added).toContain('    tags: [kyrgyzstan]');
    expect(added).toMatch(
      / {2}# from in\.opml \(\d{4}-\d\d-\d\d\): please check\n {2}# {3}id: transliterated/,
    );
    const sources = (parseDocument(text).toJS() as { sources: { id: string; languages: string[] }[] })
      .sources;
    expect(sources.map((s) => [s.id, s.languages.join(',')])).toEqual([
      ['known', 'en'],
      ['novosti-kyrgyzstana', 'ru'],
      ['azattyk-unalgysy', 'ky,ru'],
      ['gone', 'uz'],
    ]);
    expect((await runCli(['--config', dir, 'validate'])).code).toBe(0);
  });

  it('block-style lists stay block style; without fetching, a national domain still names the country', async () => {
    const dir = writeTestConfig([{ id: 'x', url: 'https://x.example/feed' }]);
    const file = join(dir, 'sources.yaml');
    writeFileSync(
      file,
      'sources:\n- id: known\n  name: Known\n  url: https://known.example/feed\n  languages:\n  - en\n',
    );
    const opml = join(dir, 'in.opml');
    writeFileSync(
      opml,
      '<?xml version="1.0"?><opml version="2.0"><body><outline text="Kloop" xmlUrl="https://kloop.kg/feed/"/></body></opml>',
    );
    const result = await runCli(['--config', dir, 'sources', 'import', opml, '--no-fetch']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('country KG: from the .kg domain');
    expect(result.stdout).toContain(
      'languages en: a default: nothing said otherwise; not fetched (--no-fetch)',
    );
    expect(readFileSync(file, 'utf8')).toMatch(
      /^sources:\n- id: known\n {2}name: Known\n {2}url: https:\/\/known\.example\/feed\n {2}languages:\n {2}- en\n# from in\.opml .*\n(# .*\n)*- id: kloop\n {2}name: Kloop\n {2}url: https:\/\/kloop\.kg\/feed\/\n {2}country: KG\n {2}languages:\n {4}- en\n$/,
    );
    expect((await runCli(['--config', dir, 'validate'])).code).toBe(0);
  });
});

describe('source ids from titles', () => {
  const cases: [string, string][] = [
    ['Новости Кыргызстана', 'novosti-kyrgyzstana'],
    ['Азаттык Үналгысы', 'azattyk-unalgysy'],
    ['Ozodlik Radiosi – O‘zbek', 'ozodlik-radiosi-ozbek'],
    ['Türkmenistan Habarlary', 'turkmenistan-habarlary'],
    ['Хабарҳои Тоҷикистон', 'khabarhoi-tojikiston'],
    ['Reporters & Editors', 'reporters-and-editors'],
    ['???', 'source'],
  ];
  it.each(cases)('%s → %s', (title, id) => expect(sourceId(title)).toBe(id));
});
