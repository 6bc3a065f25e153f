// The one composition root: reads global flags, finds the command, gives it a context that can load the config and
// open the adapters (the store, the mailer), chosen here by the config's URLs and nowhere else. Nothing imports this
// file. Exit codes: 0 ok, 1 a checked thing failed, 2 usage, 3 config.
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createLogger, type Logger } from './core/log.ts';
import { describeError, isTipwireError } from './core/errors.ts';
import { loadConfig } from './config/load.ts';
import { ruleProblems } from './classify/index.ts';
import { openStore } from './store/index.ts';
import { createMailer } from './digest/mailer.ts';
import { EXIT, type Command, type CommandContext } from './cli/command.ts';
import { commands } from './cli/registry.ts';

const GLOBAL_USAGE = `tipwire — curated news on human trafficking and migration in Central Asia

Usage: tipwire [--config DIR] <command> [options]

Global options:
  --config DIR   configuration folder (default ./config, env TIPWIRE_CONFIG_DIR)
  --help, -h     this text, or a command's own help after its name
  --version      print the version
`;

function commandList(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Commands:\n${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}\n`;
}

function commandHelp(command: Command): string {
  const options = Object.entries(command.options ?? {}).map(([name, option]) => {
    const flag = `--${name}${option.type === 'string' ? ' VALUE' : ''}${option.short ? `, -${option.short}` : ''}`;
    return `  ${flag}`;
  });
  return `Usage: tipwire ${command.name} ${command.usage}\n\n${command.summary}\n${options.length ? `\nOptions:\n${options.join('\n')}\n` : ''}`;
}

/** The command named by the longest run of leading words ("sources check" before "sources"). */
function findCommand(words: string[]): { command: Command; rest: string[] } | undefined {
  for (let take = Math.min(words.length, 3); take >= 1; take -= 1) {
    const name = words.slice(0, take).join(' ');
    const command = commands.find((candidate) => candidate.name === name);
    if (command) return { command, rest: words.slice(take) };
  }
  return undefined;
}

export interface MainIo {
  stdin?: CommandContext['stdin'];
  stdout?: CommandContext['stdout'];
  stderr?: CommandContext['stderr'];
  env?: NodeJS.ProcessEnv;
  log?: Logger;
}

export async function main(argv: string[], io: MainIo = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  const env = io.env ?? process.env;

  // Global flags come before the command's words; everything after belongs to the command.
  let configDir = env.TIPWIRE_CONFIG_DIR ?? 'config';
  let index = 0;
  let wantHelp = false;
  while (index < argv.length && argv[index]?.startsWith('-')) {
    const flag = argv[index] ?? '';
    if (flag === '--config' && argv[index + 1]) {
      configDir = argv[index + 1] ?? configDir;
      index += 2;
    } else if (flag.startsWith('--config=')) {
      configDir = flag.slice('--config='.length);
      index += 1;
    } else if (flag === '--help' || flag === '-h') {
      wantHelp = true;
      index += 1;
    } else if (flag === '--version') {
      const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
        version: string;
      };
      stdout.write(`tipwire ${pkg.version}\n`);
      return EXIT.ok;
    } else {
      stderr.write(`tipwire: unknown option ${flag}\n\n${GLOBAL_USAGE}`);
      return EXIT.usage;
    }
  }
  const words = argv.slice(index);
  if (words.length === 0) {
    (wantHelp ? stdout : stderr).write(`${GLOBAL_USAGE}\n${commandList()}`);
    return wantHelp ? EXIT.ok : EXIT.usage;
  }
  const found = findCommand(words);
  if (!found) {
    stderr.write(`tipwire: unknown command "${words.join(' ')}"\n\n${commandList()}`);
    return EXIT.usage;
  }
  const { command, rest } = found;
  if (wantHelp || rest.includes('--help') || rest.includes('-h')) {
    stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (err) {
    stderr.write(`tipwire ${command.name}: ${(err as Error).message}\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }

  const log = io.log ?? createLogger();
  const ctx: CommandContext = {
    configDir: resolve(configDir),
    env,
    stdin: io.stdin ?? process.stdin,
    stdout,
    stderr,
    log,
    // The rule compiler checks topics.yaml inside the loader, so rule problems get file:line:col like the rest.
    loadConfig: async (from = {}) =>
      loadConfig(resolve(from.dir ?? configDir), from.env ?? env, { checkTopics: ruleProblems }),
    openStore: (config) => openStore(config.app.store.databaseUrl),
    openMailer: (config) =>
      createMailer(
        {
          smtpUrl: config.app.mail.smtpUrl,
          outbox: config.app.paths.outbox,
          maxConnections: config.app.mail.maxConnections,
          rateLimitPerSecond: config.app.digest.rateLimitPerSecond,
          timeoutMs: config.app.mail.timeoutMs,
        },
        log,
      ),
  };
  try {
    return await command.run(parsed, ctx);
  } catch (err) {
    if (isTipwireError(err, 'CONFIG_INVALID') || isTipwireError(err, 'CONFIG_NOT_FOUND')) {
      stderr.write(`${err.message}\n`);
      return EXIT.config;
    }
    if (isTipwireError(err, 'USAGE') || isTipwireError(err, 'SUBSCRIBER_INVALID')) {
      stderr.write(`tipwire ${command.name}: ${err.message}\n`);
      return EXIT.usage;
    }
    const { code, message } = describeError(err);
    stderr.write(`tipwire ${command.name}: ${code}: ${message}\n`);
    log.error({ err }, 'command failed');
    return EXIT.failed;
  }
}
