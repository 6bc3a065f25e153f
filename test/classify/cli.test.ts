// The classify, explain and eval commands, run in-process on the shipped config with real streams and, for explain,
// a real SQLite file store holding a classified item.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyCommand, evalCommand, explainCommand } from '../../src/cli/commands/classify.ts';
import type { Command, CommandContext } from '../../src/cli/command.ts';
import { loadConfig } from '../../src/config/load.ts';
import { silentLogger } from '../../src/core/log.ts';
import { openStore } from '../../src/store/index.ts';
import { classifyItem, compileRules } from '../../src/classify/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'tipwire-classify-'));
const dbUrl = `sqlite:${join(tmp, 'test.db')}`;
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(
  command: Command,
  positionals: string[],
  values: Record<string, string | boolean>,
  stdin = '',
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  const configDir = resolve('config');
  const ctx: CommandContext = {
    configDir,
    env: {},
    stdin: Readable.from([stdin]),
    stdout,
    stderr,
    log: silentLogger,
    loadConfig: async () => loadConfig(configDir, {}),
    openStore: () => openStore(dbUrl),
  };
  const code = await command.run({ values, positionals }, ctx);
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

describe('tipwire classify', () => {
  it('reads JSON Lines and writes only the assigned topics, with evidence', async () => {
    const input = [
      { id: 'a', title: 'Торговля людьми: новый закон', summary: '' },
      { id: 'b', title: 'Drug trafficking bust', summary: '300 kg of heroin seized' },
      { id: 'c', title: 'Adam söwdasyna garşy okuw', summary: '', lang: 'tk' },
    ]
      .map((x) => JSON.stringify(x))
      .join('\n');
    const result = await run(classifyCommand, [], { topics: 'config/topics.yaml' }, input);
    expect(result.code).toBe(0);
    const lines = result.stdout
      .trim()
      .split('\n')
      .map(
        (l) => JSON.parse(l) as { id: string; lang: string; topics: { id: string; evidence: unknown[] }[] },
      );
    expect(lines.map((l) => [l.id, l.lang, l.topics.map((t) => t.id)])).toEqual([
      ['a', 'ru', ['trafficking']],
      ['b', 'en', []],
      ['c', 'tk', ['trafficking']],
    ]);
    expect(lines[0]?.topics[0]?.evidence).toEqual([
      { term: 'торговля людьми', field: 'title', match: 'Торговля людьми', weight: 6 },
    ]);
  });
  it('reports bad lines on stderr with their number and exits 1', async () => {
    const result = await run(
      classifyCommand,
      [],
      { topics: 'config/topics.yaml' },
      '{"id":1,"title":"x"}\nnot json\n',
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stdin:2: not JSON/);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('tipwire explain', () => {
  it('--text shows every topic with score, threshold and evidence', async () => {
    const result = await run(explainCommand, [], {
      text: 'Migrant smugglers detained',
      summary: 'they moved Uzbek migrants',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/language: en/);
    expect(result.stdout).toMatch(/smuggling: score \d+(\.\d+)? \/ threshold 2 — ASSIGNED/);
    expect(result.stdout).toMatch(/forced-displacement: score 0 \/ threshold 2 — no match/);
  });
  it('ITEM_ID shows the stored classification and the current scores', async () => {
    const config = loadConfig(resolve('config'), {});
    const store = await openStore(dbUrl);
    const now = new Date().toISOString();
    const [saved] = await store.upsertItems([
      {
        id: 'it1',
        sourceId: 'test',
        url: 'https://example.org/a',
        title: 'Refugees from Afghanistan get asylum',
        summary: 'UNHCR helps.',
        categories: [],
        publishedAt: now,
        fetchedAt: now,
      },
    ]);
    const rules = compileRules(config.topics);
    await store.saveClassification(
      saved!.id,
      classifyItem(rules, { title: 'Refugees from Afghanistan get asylum', summary: 'UNHCR helps.' }),
      rules.version,
    );
    await store.close();
    const result = await run(explainCommand, [saved!.id], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/stored: language en, topics forced-displacement/);
    expect(result.stdout).toMatch(/countries af/);
    expect(result.stdout).toMatch(/forced-displacement: score \d+ \/ threshold 2 — ASSIGNED/);
    const missing = await run(explainCommand, ['nope'], {});
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/no item with id nope/);
  });
});

describe('tipwire eval', () => {
  it('prints per-topic and per-language figures and each confusion with its evidence', async () => {
    const file = join(tmp, 'small.jsonl');
    writeFileSync(
      file,
      [
        { id: 'p', lang: 'en', title: 'Human trafficking case in Osh', summary: '', topics: ['trafficking'] },
        { id: 'n', lang: 'en', title: 'Arms trafficking and human trafficking', summary: '', topics: [] },
        { id: 'm', lang: 'ru', title: 'Погода в Бишкеке', summary: '', topics: ['labour-migration'] },
      ]
        .map((x) => JSON.stringify(x))
        .join('\n'),
    );
    const result = await run(evalCommand, [file], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/relevant to any topic\s+0\.500\s+0\.500/);
    expect(result.stdout).toMatch(/FP trafficking n \(en\)/);
    expect(result.stdout).toMatch(/title:"human trafficking"\[human trafficking\]\+6/);
    expect(result.stdout).toMatch(/FN labour-migration m \(ru\)/);
    const json = await run(evalCommand, [file], { json: true });
    expect(JSON.parse(json.stdout).any).toMatchObject({ tp: 1, fp: 1, fn: 1 });
  });
  it('names the file and line of a bad label', async () => {
    const file = join(tmp, 'bad.jsonl');
    writeFileSync(file, '{"id":"x","title":"t"}\n');
    await expect(run(evalCommand, [file], {})).rejects.toThrow(/bad\.jsonl:1: topics/);
  });
});
