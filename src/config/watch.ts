// Hot reload: watches the config folder and reloads after edits settle. A valid edit is handed to onChange; an
// invalid one is reported with every problem and the last good config stays in force.
import { watch, type FSWatcher } from 'node:fs';
import type { Logger } from '../core/log.ts';
import { CONFIG_FILES, loadConfig } from './load.ts';
import type { Config } from './types.ts';

export interface ConfigWatcher {
  close(): void;
}

export function watchConfig(
  initial: Config,
  options: {
    log: Logger;
    env?: NodeJS.ProcessEnv;
    debounceMs?: number;
    /** Extra checks that must pass before a config goes live (e.g. compiling topic rules); throw to refuse it. */
    accept?: (config: Config) => void;
    onChange: (config: Config) => void | Promise<void>;
  },
): ConfigWatcher {
  const log = options.log.child({ component: 'config' });
  const names = new Set<string>(Object.values(CONFIG_FILES));
  let current = initial;
  let timer: NodeJS.Timeout | undefined;

  const reload = async (): Promise<void> => {
    let next: Config;
    try {
      next = loadConfig(initial.dir, options.env);
      options.accept?.(next);
    } catch (err) {
      log.error(
        { err },
        `config edit rejected; the previous config stays in force:\n${(err as Error).message}`,
      );
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
