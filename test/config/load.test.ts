// Config loading: the shipped files validate; every kind of mistake is reported at its file:line:col with the
// field's path; the environment overrides what differs per deployment; the editor schemas are current.
import { mkdtempSync, readFileSync, writeFileSync, cpSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { configJsonSchemas } from '../../src/config/json-schema.ts';
import { isTipwireError } from '../../src/core/errors.ts';

const CONFIG = join(import.meta.dirname, '../../config');

/** A copy of the shipped config folder with some files replaced. */
function configWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'tipwire-config-'));
  cpSync(CONFIG, dir, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function problemsOf(dir: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    loadConfig(dir, env);
  } catch (err) {
    if (isTipwireError(err, 'CONFIG_INVALID'))
      return err.message
        .split('\n')
        .slice(1)
        .map((line) => line.trim());
    throw err;
  }
  return [];
}

const source = (fields: string): string =>
  `sources:\n  - id: ok-one\n    name: OK\n    url: https://example.org/feed\n    languages: [en]\n${fields}`;

describe('loadConfig', () => {
  it('accepts the shipped configuration, frozen, with normalised codes', () => {
    const config = loadConfig(CONFIG, {});
    expect(config.sources.length).toBeGreaterThanOrEqual(25);
    expect(config.sources.find((s) => s.id === '24kg-en')?.country).toBe('kg');
    expect(Object.isFrozen(config.app.poll)).toBe(true);
    expect(config.app.store.databaseUrl).toBe('sqlite:data/tipwire.db');
  });

  const cases: { name: string; file: string; text: string; expected: RegExp }[] = [
    {
      name: 'a bad URL is named with file, line, column and path',
      file: 'sources.yaml',
      text: source(
        '  - id: second\n    name: Second\n    url: ftp://example.org/feed\n    languages: [ru]\n',
      ),
      expected: /sources\.yaml:8:10 sources\[1\]\.url: not an http\(s\) URL/,
    },
    {
      name: 'an unknown field names the allowed ones',
      file: 'sources.yaml',
      text: source('    contry: KG\n'),
      expected: /sources\.yaml:6:5 sources\[0\]\.contry: unknown field \(allowed: id, name, url/,
    },
    {
      name: 'a missing required field points at its entry',
      file: 'sources.yaml',
      text: 'sources:\n  - id: no-url\n    name: Missing URL\n    languages: [en]\n',
      expected: /sources\.yaml:2:5 sources\[0\]\.url: /,
    },
    {
      name: 'a duplicate id names the first use',
      file: 'sources.yaml',
      text: source(
        '  - id: ok-one\n    name: Again\n    url: https://example.org/other\n    languages: [en]\n',
      ),
      expected: /sources\.yaml:6:9 sources\[1\]\.id: "ok-one" is already used by sources\[0\]/,
    },
    {
      name: 'a bad country code explains the format',
      file: 'sources.yaml',
      text: source('    country: Kyrgyzstan\n'),
      expected: /sources\.yaml:6:14 sources\[0\]\.country: an ISO 3166-1 alpha-2 country code/,
    },
    {
      name: 'broken YAML gives the parser position',
      file: 'sources.yaml',
      text: 'sources:\n  - id: x\n   name: bad indent\n',
      expected: /sources\.yaml:\d+:\d+ YAML: /,
    },
    {
      name: 'a wrong type in the app file',
      file: 'tipwire.yaml',
      text: 'poll:\n  concurrency: many\n',
      expected: /tipwire\.yaml:2:16 poll\.concurrency: /,
    },
    {
      name: 'a bad cron expression',
      file: 'tipwire.yaml',
      text: 'poll:\n  schedule: every five minutes\n',
      expected: /tipwire\.yaml:2:13 poll\.schedule: /,
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      const problems = problemsOf(configWith({ [testCase.file]: testCase.text }));
      expect(problems.join('\n')).toMatch(testCase.expected);
    });
  }

  it('reports every problem at once', () => {
    const problems = problemsOf(
      configWith({
        'sources.yaml': 'sources:\n  - id: A B\n    name: ""\n    url: nope\n    languages: []\n',
      }),
    );
    expect(problems.length).toBeGreaterThanOrEqual(4);
  });

  it('a missing file is named', () => {
    const dir = configWith({});
    const missing = mkdtempSync(join(tmpdir(), 'tipwire-empty-'));
    for (const name of readdirSync(dir))
      if (name === 'tipwire.yaml') cpSync(join(dir, name), join(missing, name));
    expect(problemsOf(missing).join('\n')).toMatch(/sources\.yaml cannot be read/);
  });

  it('the environment overrides the file, and *_FILE reads secrets from files', () => {
    const dir = configWith({});
    const secretFile = join(dir, 'smtp-url.txt');
    writeFileSync(secretFile, 'smtp://user:pass@127.0.0.1:2525\n');
    const config = loadConfig(dir, {
      TIPWIRE_DATABASE_URL: 'postgres://db.example/tipwire',
      TIPWIRE_SMTP_URL_FILE: secretFile,
      TIPWIRE_PORT: '9090',
    });
    expect(config.app.store.databaseUrl).toBe('postgres://db.example/tipwire');
    expect(config.app.mail.smtpUrl).toBe('smtp://user:pass@127.0.0.1:2525');
    expect(config.app.server.port).toBe(9090);
    expect(problemsOf(dir, { TIPWIRE_PORT: 'eighty' }).join('\n')).toMatch(
      /TIPWIRE_PORT: "eighty" is not a number/,
    );
    expect(problemsOf(dir, { TIPWIRE_SECRET_FILE: '/nonexistent/secret' }).join('\n')).toMatch(
      /TIPWIRE_SECRET_FILE: cannot read/,
    );
  });

  it('the version changes when any file changes', () => {
    const dir = configWith({});
    const before = loadConfig(dir, {});
    writeFileSync(
      join(dir, 'tipwire.yaml'),
      `${readFileSync(join(dir, 'tipwire.yaml'), 'utf8')}\n# edited\n`,
    );
    const after = loadConfig(dir, {});
    expect(after.version).not.toBe(before.version);
  });

  it('the committed editor schemas match the definitions (run `npm run schema` after a schema change)', () => {
    for (const [name, text] of Object.entries(configJsonSchemas())) {
      expect(readFileSync(join(CONFIG, 'schema', name), 'utf8'), name).toBe(text);
    }
  });
});
