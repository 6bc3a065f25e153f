// The one composition root: reads global flags, finds the command, gives it a context that can load the config and
// open the adapters (the store, the mailer), chosen here by the config's URLs and nowhere else. Nothing imports this
// file. Exit codes: 0 ok, 1 a checked thing failed, 2 usage, 3 config.
// Start-up stays light: the help paths import nothing heavy; the adapters, the config loader and the one command
// that runs are imported after them (cli/registry.ts), so no command pays for the others' modules.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Logger } from './core/log.ts';
import { describeError, isTipwireError } from './core/errors.ts';
import { EXIT, type CommandContext } from './cli/command.ts';
import {
  GLOBAL_OPTIONS_HELP,
  commandHelp,
  commandList,
  groupHelp,
  parseCommandArgs,
  resolveCommand,
  splitGlobal,
} from './cli/parse.ts';
import { commands } from './cli/registry.ts';

const GLOBAL_USAGE = `tipwire — curated news on human trafficking and migration in Central Asia

Usage: tipwire <command> [options]   (every command has --help)

${GLOBAL_OPTIONS_HELP}
`;

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

  const { global, rest: args } = splitGlobal(argv);
  const configDir = global.config ?? env.TIPWIRE_CONFIG_DIR ?? 'config';
  if (global.version) {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    stdout.write(`tipwire ${pkg.version}\n`);
    return EXIT.ok;
  }
  if (args.length === 0) {
    (global.help ? stdout : stderr).write(`${GLOBAL_USAGE}\n${commandList(commands)}`);
    return global.help ? EXIT.ok : EXIT.usage;
  }
  const found = resolveCommand(commands, args);
  if (found.kind === 'group') {
    (global.help ? stdout : stderr).write(groupHelp(found.group, found.commands));
    return global.help ? EXIT.ok : EXIT.usage;
  }
  if (found.kind === 'unknown') {
    const hint = found.suggestion ? ` Did you mean "${found.suggestion}"?` : '';
    stderr.write(`tipwire: unknown command "${found.words}".${hint}\n\n${commandList(commands)}`);
    return EXIT.usage;
  }
  const { rest } = found;
  const command = await found.command.load();
  if (global.help) {
    stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  const parsedArgs = parseCommandArgs(command, rest);
  if (!parsedArgs.ok) {
    stderr.write(`tipwire ${command.name}: ${parsedArgs.message}\n\n${commandHelp(command)}`);
    return EXIT.usage;
  }
  const parsed = parsedArgs.args;

  const [{ createLogger }, { loadConfig }, { ruleProblems }, { openStore }, { createMailer }] =
    await Promise.all([
      import('./core/log.ts'),
      import('./config/load.ts'),
      import('./classify/index.ts'),
      import('./store/index.ts'),
      import('./digest/mailer.ts'),
    ]);
  // Logs go where the caller's stderr goes (a test's stream, else the process's), never to stdout.
  const log = io.log ?? createLogger(io.stderr ? { destination: io.stderr, env } : { env });
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
