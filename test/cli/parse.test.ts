// The command line as an operator types it, through main(argv, io): global options before or after the command,
// --help on every command and group, and the nearest command or option suggested for a typo.
import { describe, expect, it } from 'vitest';
import { editDistance, nearest } from '../../src/cli/parse.ts';
import { commands } from '../../src/cli/registry.ts';
import { runCli } from '../helpers/cli.ts';
import { writeTestConfig } from '../helpers/config.ts';

const dir = writeTestConfig([{ id: 'one', url: 'http://127.0.0.1:9/feed.xml' }]);
const PRODUCTION_ENV = {
  TIPWIRE_SECRET: 'a-production-secret-of-enough-length',
  TIPWIRE_BASE_URL: 'https://news.example.org',
};

describe('global options', () => {
  it.each([
    ['before the command', ['--config', dir, 'validate']],
    ['after the command', ['validate', '--config', dir]],
    ['as --config=DIR after the command', ['validate', `--config=${dir}`]],
    [
      'between a group and its sub-command options',
      ['subscribers', 'list', '--config', dir, '--status', 'active'],
    ],
  ])('--config works %s', async (_name, argv) => {
    // A deployment's secret and base URL, so that validate has nothing to warn about and stderr stays empty.
    const result = await runCli(argv, { env: PRODUCTION_ENV });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('--version works anywhere', async () => {
    expect((await runCli(['validate', '--version'])).stdout).toMatch(/^tipwire \d+\.\d+\.\d+\n$/);
  });
});

describe('help', () => {
  it.each(commands.map((command) => command.name))(
    '"%s --help" prints its usage and options, exit 0',
    async (name) => {
      const result = await runCli([...name.split(' '), '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(`Usage: tipwire ${name}`);
      expect(result.stdout).toContain('--config DIR');
    },
  );

  it.each(['sources', 'subscribers', 'digest'])(
    'a group lists its sub-commands: %s --help',
    async (group) => {
      const result = await runCli([group, '--help']);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Sub-commands:');
      for (const command of commands.filter((c) => c.name.startsWith(`${group} `)))
        expect(result.stdout).toContain(command.name);
    },
  );

  it('a group without a sub-command is a usage error that lists them', async () => {
    const result = await runCli(['sources']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('sources check');
  });

  it('option help names the value and says what it does', async () => {
    const result = await runCli(['serve', '--help']);
    expect(result.stdout).toMatch(/--port PORT\s+port to listen on/);
  });
});

describe('typos', () => {
  it.each([
    [['sorces', 'check'], 'sources check'],
    [['sources', 'chek'], 'sources check'],
    [['valdate'], 'validate'],
    [['subscriber', 'add'], 'subscribers add'],
  ])('%j suggests "%s"', async (argv, suggestion) => {
    const result = await runCli(argv);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Did you mean "${suggestion}"?`);
  });

  it('an unknown option names the nearest one', async () => {
    const result = await runCli(['digest', 'send', '--dryrun', '--config', dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown option '--dryrun'. Did you mean --dry-run?");
  });

  it('nothing close is suggested for a word far from every command', async () => {
    const result = await runCli(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain('Did you mean');
  });

  it.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('editDistance(%s, %s) = %i', (a, b, d) => expect(editDistance(a, b)).toBe(d));

  it('nearest ignores candidates too far to be a typo', () => {
    expect(nearest('dry-rn', ['dry-run', 'period'])).toBe('dry-run');
    expect(nearest('xyz', ['dry-run', 'period'])).toBeUndefined();
  });
});
