// The demo as a user runs it, in a fresh working directory: it keeps to folders of its own (a real run's out/ is left
// alone), says how to browse its result, and `tipwire serve --config data/demo/config` then serves its stories with
// links on the port it was given and no development-key warning.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/tipwire.js');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const env = { ...process.env, TIPWIRE_LOG_PRETTY: '0', TIPWIRE_SECRET: '', TIPWIRE_CONFIG_DIR: '' };

describe('npm run demo', () => {
  it('writes only to its own folders, and tells how to browse the result', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tipwire-demo-'));
    // What a real run left behind must survive the demo.
    mkdirSync(join(cwd, 'out', 'feeds'), { recursive: true });
    writeFileSync(join(cwd, 'out', 'feeds', 'all.atom'), 'a real run’s feed');

    const demo = spawnSync(process.execPath, [BIN, '--config', join(ROOT, 'config'), 'demo'], {
      cwd,
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(demo.status, demo.stderr).toBe(0);
    expect(demo.stdout).toContain('Browse it:  npx tipwire serve --config data/demo/config');
    expect(readFileSync(join(cwd, 'out', 'feeds', 'all.atom'), 'utf8')).toBe('a real run’s feed');
    expect(readdirSync(join(cwd, 'out'))).toEqual(['demo', 'feeds']);
    expect(existsSync(join(cwd, 'out', 'demo', 'feeds', 'all.atom'))).toBe(true);
    expect(readdirSync(join(cwd, 'out', 'demo', 'outbox')).filter((f) => f.endsWith('.eml'))).toHaveLength(2);
    expect(existsSync(join(cwd, 'data', 'demo', 'tipwire.db'))).toBe(true);
    expect(readdirSync(join(cwd, 'data'))).toEqual(['demo']);

    const port = await freePort();
    const serve = spawn(
      process.execPath,
      [BIN, 'serve', '--config', 'data/demo/config', '--port', String(port)],
      { cwd, env },
    );
    let stderr = '';
    let stdout = '';
    serve.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    serve.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!stdout.includes('serving feeds at') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const base = `http://127.0.0.1:${port}`;
      const stories = await (await fetch(`${base}/stories`)).text();
      expect(stories).toContain('Turkmen prosecutors trained on investigating trafficking in persons');
      const atom = await (await fetch(`${base}/feeds/all.atom`)).text();
      expect(atom).toContain(`href="${base}/feeds/all.atom"`);
      expect(stderr).not.toContain('digest.secret');
    } finally {
      serve.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  }, 180_000);
});
