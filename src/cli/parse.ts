// Reading a command line: global options wherever they stand, the command by its words, the command's own options
// through util.parseArgs (strict, typed by the command's specs), and, for a slip of the keyboard, the nearest
// command or option by edit distance ("Did you mean --dry-run?"). Pure: argv in, a decision out; cli.ts acts on it.
import { parseArgs } from 'node:util';
import type { Command, OptionSpecs, ParsedArgs } from './command.ts';

export interface GlobalOptions {
  config?: string;
  help: boolean;
  version: boolean;
}

export const GLOBAL_OPTIONS_HELP = `Global options (before or after the command):
  --config DIR   configuration folder (default ./config, env TIPWIRE_CONFIG_DIR)
  --help, -h     this text, or a command's own help
  --version      print the version`;

/** Takes the global options out of argv, wherever they are (up to a "--" that ends the options). */
export function splitGlobal(argv: readonly string[]): { global: GlobalOptions; rest: string[] } {
  const global: GlobalOptions = { help: false, version: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    if (arg === '--config' && i + 1 < argv.length) {
      global.config = argv[i + 1];
      i += 1;
    } else if (arg.startsWith('--config=')) global.config = arg.slice('--config='.length);
    else if (arg === '--help' || arg === '-h') global.help = true;
    else if (arg === '--version') global.version = true;
    else rest.push(arg);
  }
  return { global, rest };
}

/** Damerau-free Levenshtein distance, enough for typos of a few letters. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The candidate closest to word, when it is close enough to be a typo (at most a third of its letters differ). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  return best.distance <= Math.max(1, Math.floor(Math.max(word.length, best.candidate.length) / 3))
    ? best.candidate
    : undefined;
}

/** What listing and finding commands needs of them (the registry's entries, loaded only when they run). */
export interface Named {
  name: string;
  summary: string;
}

export type Resolution<C extends Named = Command> =
  | { kind: 'command'; command: C; rest: string[] }
  /** The words name a group ("sources"): its sub-commands. */
  | { kind: 'group'; group: string; commands: C[] }
  | { kind: 'unknown'; words: string; suggestion?: string | undefined };

/** The command named by the longest run of leading words ("sources check" before "sources"). */
export function resolveCommand<C extends Named>(
  commands: readonly C[],
  args: readonly string[],
): Resolution<C> {
  const words: string[] = [];
  for (const arg of args) {
    if (arg.startsWith('-')) break;
    words.push(arg);
    if (words.length === 3) break;
  }
  for (let take = words.length; take >= 1; take -= 1) {
    const name = words.slice(0, take).join(' ');
    const command = commands.find((candidate) => candidate.name === name);
    if (command) return { kind: 'command', command, rest: args.slice(take) };
  }
  const first = words[0] ?? '';
  const group = commands.filter((command) => command.name.startsWith(`${first} `));
  if (group.length > 0) {
    // "sources chek": a group with a misspelled sub-command.
    if (words.length > 1) {
      const typed = words.slice(0, 2).join(' ');
      return {
        kind: 'unknown',
        words: typed,
        suggestion: nearest(
          typed,
          group.map((c) => c.name),
        ),
      };
    }
    return { kind: 'group', group: first, commands: group };
  }
  const names = [...new Set(commands.flatMap((command) => [command.name, command.name.split(' ')[0] ?? '']))];
  const typed = words.slice(0, 2).join(' ');
  const suggestion = nearest(typed, names) ?? (words.length > 1 ? nearest(first, names) : undefined);
  return { kind: 'unknown', words: typed || (args[0] ?? ''), suggestion };
}

export type ParseOutcome = { ok: true; args: ParsedArgs } | { ok: false; message: string };

/** The command's own options, strictly: an unknown one names the nearest known. */
export function parseCommandArgs(command: Command, rest: readonly string[]): ParseOutcome {
  const specs: OptionSpecs = command.options ?? {};
  // parseArgs takes only its own keys; descriptions stay for --help.
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, spec]) => [
      name,
      {
        type: spec.type,
        ...(spec.multiple ? { multiple: true } : {}),
        ...(spec.short ? { short: spec.short } : {}),
      },
    ]),
  );
  try {
    const parsed = parseArgs({ args: [...rest], options, allowPositionals: true, strict: true });
    return { ok: true, args: { values: parsed.values, positionals: parsed.positionals } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const message = (err as Error).message;
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const given = /'(-[^']*)'/.exec(message)?.[1] ?? '';
      const name = given.replace(/^-+/, '').split('=')[0] ?? '';
      const known = Object.keys(specs);
      const suggestion = nearest(name, known);
      return {
        ok: false,
        message: `unknown option '${given || message}'${suggestion ? `. Did you mean --${suggestion}?` : ''}${known.length ? '' : ` (${command.name} takes no options)`}`,
      };
    }
    return { ok: false, message };
  }
}

export function commandList(commands: readonly Named[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Commands:\n${commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')}\n`;
}

export function commandHelp(command: Command): string {
  const specs = Object.entries(command.options ?? {});
  const flags = specs.map(([name, spec]) => {
    const value = spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : '';
    return `--${name}${value}${spec.short ? `, -${spec.short}` : ''}${spec.multiple ? ' (repeatable)' : ''}`;
  });
  const width = Math.max(0, ...flags.map((flag) => flag.length));
  const lines = specs.map(([, spec], i) =>
    `  ${(flags[i] ?? '').padEnd(width)}  ${spec.description ?? ''}`.trimEnd(),
  );
  return `Usage: tipwire ${command.name} ${command.usage}\n\n${command.summary}\n${lines.length ? `\nOptions:\n${lines.join('\n')}\n` : ''}\n${GLOBAL_OPTIONS_HELP}\n`;
}

export function groupHelp(group: string, commands: readonly Named[]): string {
  return `Usage: tipwire ${group} <sub-command> [options]\n\n${commandList(commands).replace('Commands:', 'Sub-commands:')}\nEach has --help.\n`;
}
