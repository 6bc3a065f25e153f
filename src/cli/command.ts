// The shape of one CLI command. cli.ts takes the global flags wherever they stand, finds the command by its words
// ("sources check"), parses the rest with util.parseArgs against the command's option specs (typed: run() gets
// string, boolean or string[] as declared) and calls run(). Commands write to ctx.stdout/stderr
// (never console) so tests can run them in-process, and return the exit code.
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

/** One option of a command: a flag (boolean) or a value (string), once or repeated. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** One line for --help. */
  description?: string;
  /** Shown in --help after the flag ("--port PORT"). */
  value?: string;
}

export type OptionSpecs = Record<string, OptionSpec>;

/** The value an option parses to: string or boolean, an array when it may repeat, undefined when absent. */
type OptionValue<S extends OptionSpec> = S extends { type: 'string' }
  ? S extends { multiple: true }
    ? string[]
    : string
  : S extends { multiple: true }
    ? boolean[]
    : boolean;

export interface ParsedArgs<O extends OptionSpecs = OptionSpecs> {
  /** Typed per option for commands made with defineCommand; loose for a command typed as plain Command. */
  values: string extends keyof O
    ? Record<string, string | boolean | (string | boolean)[] | undefined>
    : { [K in keyof O]?: OptionValue<O[K]> };
  positionals: string[];
}

export interface Command<O extends OptionSpecs = OptionSpecs> {
  /** The words that name it, e.g. "sources check". */
  name: string;
  /** One line for the command list. */
  summary: string;
  /** Usage text shown by --help, after "tipwire <name> ". */
  usage: string;
  options?: O;
  run(args: ParsedArgs<O>, ctx: CommandContext): Promise<number>;
}

/** A command whose run() sees its options typed from their specs (no casts). */
export function defineCommand<const O extends OptionSpecs = Record<never, OptionSpec>>(
  command: Command<O>,
): Command {
  return command as unknown as Command;
}
