// Hot reload with real files on disk (issue 16, item 4): an empty (half-saved) tipwire.yaml or an oversized file is
// a rejected edit, reported with its file, and the last good config stays in force; a good edit then goes live.
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, MAX_CONFIG_BYTES } from '../../src/config/load.ts';
import { watchConfig, type ConfigWatcher } from '../../src/config/watch.ts';
import type { Config } from '../../src/config/types.ts';

const SHIPPED = join(import.meta.dirname, '../../config');

function capture(): { log: pino.Logger; lines: { msg?: string }[] } {
  const lines: { msg?: string }[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { log, lines };
}

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
};

let watcher: ConfigWatcher | undefined;
afterEach(() => watcher?.close());

describe('hot reload refuses empty and oversized config files', () => {
  it.each([
    ['empty', ''],
    ['comments only', '# saving…\n'],
    ['oversized', `# ${'x'.repeat(MAX_CONFIG_BYTES)}\nserver: {port: 9999}\n`],
  ])('keeps the last good config when tipwire.yaml is %s', async (_name, text) => {
    const dir = mkdtempSync(join(tmpdir(), 'tipwire-watch-'));
    cpSync(SHIPPED, dir, { recursive: true });
    writeFileSync(join(dir, 'tipwire.yaml'), 'digest:\n  secret: a-production-secret-long-enough\n');
    const initial = loadConfig(dir, {});
    const { log, lines } = capture();
    const changes: Config[] = [];
    watcher = watchConfig(initial, { log, debounceMs: 50, env: {}, onChange: (c) => void changes.push(c) });

    writeFileSync(join(dir, 'tipwire.yaml'), text);
    await until(() => lines.some((l) => l.msg?.startsWith('config edit rejected')));
    const rejected = lines.find((l) => l.msg?.startsWith('config edit rejected'))?.msg ?? '';
    expect(rejected).toMatch(/tipwire\.yaml:? (is empty|is \d+ bytes; config files are capped)/);
    expect(changes).toHaveLength(0);

    writeFileSync(join(dir, 'tipwire.yaml'), 'digest:\n  secret: another-production-secret-long\n');
    await until(() => changes.length === 1);
    expect(changes[0]?.app.digest.secret).toBe('another-production-secret-long');
  });
});
