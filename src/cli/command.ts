// The shape of one CLI command. cli.ts parses the global flags, finds the command by its words
// ("sources check"), parses the rest with util.parseArgs and calls run(). Commands write to ctx.stdout/stderr
// (never console) so tests can run them in-process, and return the exit code.
import type { ParseArgsConfig } from 'node:util';
import type { Readable, Writable } from 'node:stream';
import type { Logger } from '../core/log.ts';
import type { Config } from '../config/types.ts';
import type { Store } from '../store/port.ts';
import type { Mailer } from '../digest/port.ts';

/** Exit codes that scripts can rely on. */
export const EXIT = {
  ok: 0,
  /** The command ran, but something it checked failed (a broken source, a failing rule test). */
  failed: 1,
  /** Wrong arguments. */
  usage: 2,
  /** The configuration is invalid or missing. */
  config: 3,
} as const;

export interface CommandContext {
  configDir: string;
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable & { isTTY?: boolean; columns?: number };
  stderr: Writable;
  log: Logger;
  /**
   * Loads and validates the configuration, topic rules included (throws TipwireError CONFIG_INVALID with every
   * problem listed). Another folder or environment may be named (the demo loads its own).
   */
  loadConfig(from?: { dir?: string; env?: NodeJS.ProcessEnv }): Promise<Config>;
  /** Opens the store the configuration names (SQLite file by default); the caller closes it. */
  openStore(config: Config): Promise<Store>;
  /** Opens the mailer the configuration names (SMTP, else the .eml file outbox); the caller closes it. */
  openMailer(config: Config): Mailer;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export interface Command {
  /** The words that name it, e.g. "sources check". */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage text shown by --help, after "tipwire <name> ". */
  usage: string;
  options?: ParseArgsConfig['options'];
  run(args: ParsedArgs, ctx: CommandContext): Promise<number>;
}
