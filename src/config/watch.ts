// Hot reload: watches the config folder and reloads after edits settle. A valid edit is handed to onChange; an
// invalid one is reported with every problem (one ERROR line, no stack: the problems are the whole story), handed to
// onReject for the status page, and the last good config stays in force.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../core/log.ts';
import { describeError, isTipwireError } from '../core/errors.ts';
import { CONFIG_FILES, loadConfig, type ConfigProblem } from './load.ts';
import type { Config } from './types.ts';

export interface ConfigWatcher {
  close(): void;
}

export interface ConfigRejection {
  at: string;
  /** The loader's message: one line per problem. */
  message: string;
  problems: ConfigProblem[];
}

export function watchConfig(
  initial: Config,
  options: {
    log: Logger;
    env?: NodeJS.ProcessEnv;
    debounceMs?: number;
    /** How to load: the caller's loader, which also checks the topic rules (default: loadConfig without that). */
    load?: () => Config | Promise<Config>;
    /** Extra checks that must pass before a config goes live; throw to refuse it. */
    accept?: (config: Config) => void;
    onChange: (config: Config) => void | Promise<void>;
    /** A rejected edit, with its problems (file:line:col path: message), e.g. for the status page. */
    onReject?: (rejection: ConfigRejection) => void;
  },
): ConfigWatcher {
  const log = options.log.child({ component: 'config' });
  const names = new Set<string>(Object.values(CONFIG_FILES));
  let current = initial;
  let timer: NodeJS.Timeout | undefined;

  const reload = async (): Promise<void> => {
    let next: Config;
    try {
      next = await (options.load ?? (() => loadConfig(initial.dir, options.env)))();
      options.accept?.(next);
    } catch (err) {
      const { code, message } = describeError(err);
      const problems = isTipwireError(err)
        ? ((err.details.problems as ConfigProblem[] | undefined) ?? [])
        : [];
      // A bad edit is the operator's, not a defect: its problems, not a stack.
      const known = isTipwireError(err, 'CONFIG_INVALID') || isTipwireError(err, 'CONFIG_NOT_FOUND');
      log.error(
        known ? { code } : { code, err },
        `config edit rejected; the previous config stays in force:\n${message}`,
      );
      options.onReject?.({ at: new Date().toISOString(), message, problems });
      return;
    }
    if (next.version === current.version) return;
    current = next;
    log.info({ version: next.version, sources: next.sources.length }, 'config reloaded');
    await options.onChange(next);
  };

  // Editors save by rename or by truncate-and-write; both show up as events on the folder.
  const watcher: FSWatcher = watch(initial.dir, (_event, file) => {
    if (file && !names.has(String(file))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void reload(), options.debounceMs ?? 300);
  });
  return {
    close() {
      clearTimeout(timer);
      watcher.close();
    },
  };
}
