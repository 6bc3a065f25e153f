// topics.yaml gets the error quality of sources.yaml: every problem (schema and term syntax alike) as
// `config/topics.yaml:LINE:COL path: message`, all at once, in reading order, exit 3, from `validate` and at the start
// of every command; wrong types say what was expected and what was found.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

const SHIPPED = join(import.meta.dirname, '../../config');

function configWithTopics(text: string): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'tipwire-topics-'));
  cpSync(SHIPPED, dir, { recursive: true });
  writeFileSync(join(dir, 'topics.yaml'), text);
  return { dir, file: join(dir, 'topics.yaml') };
}

const BROKEN = `settings:
  window: 8
sets:
  cues:
    en: ["work NEAR job"]
topics:
  - id: trafficking
    names: { en: Trafficking }
    threshold: 2
    terms:
      en:
        - human NEAR trafficking
        - { match: traffick*, weight: three }
        - { match: slave*, unless: "@nothing" }
        - "ab*"
        - "@cues"
        - { match: smuggl*, field: titel }
        - 42
      ru:
        - { match: торговля людьми, weight: 3, feild: title }
`;

describe('topics.yaml problems', () => {
  it('validate lists every problem with file:line:col and exits 3', async () => {
    const { dir, file } = configWithTopics(BROKEN);
    const result = await runCli(['--config', dir, 'validate']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toEqual([
      'config: 8 problems:',
      `  ${file}:5:10 sets.cues.en[0]: term "work NEAR job": NEAR needs a distance, e.g. NEAR/3`,
      `  ${file}:12:11 topics[0].terms.en[0]: topic "trafficking", term "human NEAR trafficking": NEAR needs a distance, e.g. NEAR/3`,
      `  ${file}:13:39 topics[0].terms.en[1].weight: expected a number, got "three"`,
      `  ${file}:14:36 topics[0].terms.en[2].unless[0]: topic "trafficking", term "@nothing": unknown set "@nothing" (define it under sets:)`,
      `  ${file}:15:11 topics[0].terms.en[3]: topic "trafficking", term "ab*": a wildcard alone needs at least 3 letters before the *`,
      `  ${file}:17:36 topics[0].terms.en[5].field: expected one of "any", "title", "summary", got "titel"`,
      `  ${file}:18:11 topics[0].terms.en[6]: expected text or a map of fields, got 42`,
      `  ${file}:20:48 topics[0].terms.ru[0].feild: unknown field (allowed: match, weight, unless, requires, within, field)`,
      // A set with a broken term is reported once, at the set, not again at the rule that uses it (en[4]).
    ]);
  });

  it('a topic-level wrong type says what was expected', async () => {
    const { dir, file } = configWithTopics(
      'topics:\n  - id: t\n    names: { en: T }\n    threshold: two\n    terms: { en: [x, y] }\n',
    );
    const result = await runCli(['--config', dir, 'validate']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`${file}:4:16 topics[0].threshold: expected a number, got "two"`);
  });

  it('every command that loads the config refuses broken rules the same way, before doing anything', async () => {
    const { dir, file } = configWithTopics(
      'topics:\n  - id: t\n    names: { en: T }\n    terms:\n      en: ["human NEAR trafficking"]\n',
    );
    for (const argv of [['poll'], ['sources', 'list'], ['stories']]) {
      const result = await runCli(['--config', dir, ...argv]);
      expect(result.code, argv.join(' ')).toBe(3);
      expect(result.stderr).toContain(
        `${file}:5:12 topics[0].terms.en[0]: topic "t", term "human NEAR trafficking": NEAR needs a distance`,
      );
    }
  });
});
