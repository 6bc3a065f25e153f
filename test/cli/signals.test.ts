// Stopping the service the way supervisors and people do, with real processes: one SIGTERM to the PID of `npm start`
// stops node too (npm forwards the signal only to its direct child, so the script must exec node, not run it under
// a shell that dies and leaves node orphaned); Ctrl-C, which reaches node both from the terminal and from npm,
// counts as one request and still shuts down cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { createServer } from 'node:net';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTestConfig } from '../helpers/config.ts';
import { serveFeed, startFeedServer, type FeedServer } from '../helpers/feed-server.ts';

const ROOT = join(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The child PIDs of a process (Linux /proc). */
function childrenOf(pid: number): number[] {
  const file = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Starts a command and collects its stderr; resolves once the service logged its start banner. */
async function startService(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; stderr: () => string; exited: Promise<number | null> }> {
  const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env } });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.stdout?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!stderr.includes('tipwire is running')) {
    if (Date.now() > deadline || child.exitCode !== null)
      throw new Error(`the service did not start:\n${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, stderr: () => stderr, exited };
}

let feeds: FeedServer;
let env: NodeJS.ProcessEnv;
const started: ChildProcess[] = [];
const nodePids: number[] = [];

beforeAll(async () => {
  feeds = await startFeedServer({
    '/a.xml': serveFeed(
      '<?xml version="1.0"?><rss version="2.0"><channel><title>a</title><link>https://a.example.kg/</link></channel></rss>',
    ),
  });
  const dir = writeTestConfig([{ id: 'feed-a', url: feeds.url('/a.xml') }], {}, [`127.0.0.1:${feeds.port}`]);
  // As an operator's first config: no signing key of its own.
  const app = parse(readFileSync(join(dir, 'tipwire.yaml'), 'utf8')) as Record<string, unknown>;
  delete app.digest;
  writeFileSync(join(dir, 'tipwire.yaml'), stringify(app));
  env = {
    TIPWIRE_CONFIG_DIR: dir,
    TIPWIRE_LOG_PRETTY: '0',
    TIPWIRE_DATABASE_URL: '',
    TIPWIRE_SMTP_URL: '',
  };
});

afterAll(async () => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  for (const pid of nodePids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await feeds?.close();
});

describe('stopping the service', () => {
  it('one SIGTERM to the PID of `npm start` stops node cleanly, and nothing is left running', async () => {
    const port = await freePort();
    const service = await startService('npm', ['start', '--silent'], { ...env, TIPWIRE_PORT: String(port) });
    started.push(service.child);
    const npmPid = service.child.pid ?? 0;
    const node = childrenOf(npmPid);
    nodePids.push(...node);
    // npm's script runs node in place of the shell: npm's only child is node itself.
    expect(node).toHaveLength(1);
    const argv = readFileSync(`/proc/${node[0]}/cmdline`, 'utf8').split('\0');
    expect(basename(argv[0] ?? '')).toMatch(/^node/);
    expect(argv[1]).toBe('bin/tipwire.js');

    process.kill(npmPid, 'SIGTERM');
    await service.exited;
    const deadline = Date.now() + 10_000;
    while (alive(node[0] ?? 0) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(alive(node[0] ?? 0)).toBe(false);
    // Started with the development signing key (the config sets none): named at start.
    expect(service.stderr()).toMatch(/"level":40,.*"setting":"digest.secret".*development signing key/);
    expect(service.stderr()).toMatch(/"signal":"SIGTERM".*shutting down/);
    expect(service.stderr()).toContain('"msg":"stopped"');
    // The port is free again: a supervisor can start the next one at once.
    const probe = createServer();
    await new Promise<void>((resolve, reject) => {
      probe.once('error', reject);
      probe.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => probe.close(resolve));
  }, 60_000);

  it('Ctrl-C delivered twice at once (terminal and npm) is one clean stop', async () => {
    const port = await freePort();
    const service = await startService(process.execPath, ['bin/tipwire.js', 'run'], {
      ...env,
      TIPWIRE_PORT: String(port),
    });
    started.push(service.child);
    service.child.kill('SIGINT');
    service.child.kill('SIGINT');
    expect(await service.exited).toBe(0);
    expect(service.stderr()).toContain('"msg":"stopped"');
    expect(service.stderr()).not.toContain('second stop signal');
  }, 60_000);
});
