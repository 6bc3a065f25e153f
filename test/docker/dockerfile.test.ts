// The container, checked without a container engine (none exists on the machines this project is tested on): the
// Dockerfile passes dockerfile-utils' linter with every check an error; it builds on a supported Node LTS pinned to a
// minor version that package.json's engines accept; it runs as a non-root user with config, data and out as volumes,
// node as PID 1 (no npm in between) and a health check that follows the configured port; .dockerignore keeps data/,
// out/ and node_modules out of the build context while everything the Dockerfile copies is in it. The health command
// itself runs against a real server on a port given by TIPWIRE_PORT.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { validate, ValidationSeverity } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { writeTestConfig } from '../helpers/config.ts';

const ROOT = join(import.meta.dirname, '../..');
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
const IGNORE = readFileSync(join(ROOT, '.dockerignore'), 'utf8');

/**
 * Node LTS lines the code is tested on that are still supported (end of life: 22 in April 2027, 24 in April 2028;
 * 20 ended in April 2026). Moving the image to another line means running the suite on it and adding it here.
 */
const SUPPORTED_LTS = [22, 24];

/** Instructions with their arguments, continuation lines joined, comments dropped. */
function instructions(text: string): { name: string; args: string }[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [name = '', ...rest] = line.split(/\s+/);
      return { name: name.toUpperCase(), args: rest.join(' ') };
    });
}

const all = instructions(DOCKERFILE);
const finalStage = all.slice(all.map((i) => i.name).lastIndexOf('FROM'));
const argDefault = (name: string): string | undefined =>
  all.find((i) => i.name === 'ARG' && i.args.startsWith(`${name}=`))?.args.slice(name.length + 1);

describe('Dockerfile', () => {
  it('passes the linter with every check an error', () => {
    const strict = ValidationSeverity.ERROR;
    const problems = validate(DOCKERFILE, {
      deprecatedMaintainer: strict,
      directiveCasing: strict,
      emptyContinuationLine: strict,
      instructionCasing: strict,
      instructionCmdMultiple: strict,
      instructionEntrypointMultiple: strict,
      instructionHealthcheckMultiple: strict,
      instructionJSONInSingleQuotes: strict,
      instructionWorkdirRelative: strict,
    });
    expect(problems.map((p) => `${p.range.start.line + 1}: ${p.message}`)).toEqual([]);
  });

  it('builds on a supported Node LTS pinned to a minor version that package.json accepts', () => {
    const froms = all.filter((i) => i.name === 'FROM').map((i) => i.args.split(/\s+/)[0] ?? '');
    expect(froms.length).toBeGreaterThan(0);
    for (const from of froms) {
      const image = from === '${NODE_IMAGE}' ? argDefault('NODE_IMAGE') : from;
      const match = /^node:(\d+)\.(\d+)-[a-z]+-slim$/.exec(image ?? '');
      expect(match, `${from} → ${image}`).not.toBeNull();
      const major = Number(match?.[1]);
      const minor = Number(match?.[2]);
      expect(SUPPORTED_LTS).toContain(major);
      const engines = (
        JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { engines: { node: string } }
      ).engines.node;
      const floor = /^>=(\d+)\.(\d+)$/.exec(engines);
      expect(floor, `engines.node "${engines}"`).not.toBeNull();
      expect(
        major > Number(floor?.[1]) || (major === Number(floor?.[1]) && minor >= Number(floor?.[2])),
      ).toBe(true);
    }
  });

  it('runs node itself as PID 1, as a non-root user, with config, data and out as volumes', () => {
    const cmd = finalStage.find((i) => i.name === 'CMD')?.args ?? '';
    expect(JSON.parse(cmd)).toEqual(['node', 'bin/tipwire.js', 'run']);
    expect(finalStage.some((i) => i.name === 'ENTRYPOINT')).toBe(false);
    const user = finalStage.findIndex((i) => i.name === 'USER');
    expect(finalStage[user]?.args).toBe('node');
    expect(user).toBeLessThan(finalStage.findIndex((i) => i.name === 'CMD'));
    const volumes = JSON.parse(finalStage.find((i) => i.name === 'VOLUME')?.args ?? '[]') as string[];
    expect(volumes.sort()).toEqual(['/app/config', '/app/data', '/app/out']);
    // The volumes' folders exist in the image and belong to the service user, so named volumes start writable.
    expect(DOCKERFILE).toMatch(/COPY --chown=node:node config \.\/config/);
    expect(DOCKERFILE).toMatch(/mkdir -p data out && chown node:node data out/);
    const env = finalStage.find((i) => i.name === 'ENV')?.args ?? '';
    expect(env).toContain('TIPWIRE_HOST=0.0.0.0');
    expect(env).toContain('TIPWIRE_CONFIG_DIR=/app/config');
  });

  it('has a health check that asks the configured port, not a hard-coded one', () => {
    const check = finalStage.find((i) => i.name === 'HEALTHCHECK')?.args ?? '';
    const command = JSON.parse(check.slice(check.indexOf('CMD') + 3).trim()) as string[];
    expect(command).toEqual(['node', 'bin/tipwire.js', 'health']);
    expect(check).not.toMatch(/8080|127\.0\.0\.1|localhost/);
  });

  it('.dockerignore keeps data, outputs and dependencies out, and lets in everything the build copies', () => {
    const patterns = IGNORE.split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
    for (const secret of ['data', 'out', '**/node_modules', '**/.git', 'dist', '**/*.db'])
      expect(patterns).toContain(secret);
    const ignored = (path: string): boolean =>
      patterns.some((pattern) => {
        const bare = pattern.replace(/^\*\*\//, '');
        const first = path.split('/')[0] ?? '';
        return bare === first || bare === path || (bare.startsWith('*.') && path.endsWith(bare.slice(1)));
      });
    const copied = all
      .filter((i) => i.name === 'COPY' && !i.args.includes('--from='))
      .flatMap((i) =>
        i.args
          .replace(/--chown=\S+\s*/, '')
          .split(/\s+/)
          .slice(0, -1),
      );
    expect(copied.length).toBeGreaterThan(0);
    for (const source of copied) {
      expect(existsSync(join(ROOT, source)), source).toBe(true);
      expect(ignored(source), source).toBe(false);
    }
  });
});

describe('tipwire health', () => {
  const bin = join(ROOT, 'bin/tipwire.js');
  async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  it('answers 0 while the server on TIPWIRE_PORT is up and 1 when nothing listens there', async () => {
    const dir = writeTestConfig([{ id: 'a', url: 'https://a.example/feed' }]);
    const port = await freePort();
    const env = {
      ...process.env,
      TIPWIRE_CONFIG_DIR: dir,
      TIPWIRE_PORT: String(port),
      TIPWIRE_LOG_PRETTY: '0',
    };
    const server = spawn(process.execPath, [bin, 'serve'], { cwd: ROOT, env });
    let out = '';
    server.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    const exited = new Promise((resolve) => server.once('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('serving feeds at') && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 100));
      const up = spawnSync(process.execPath, [bin, 'health'], { cwd: ROOT, env, encoding: 'utf8' });
      expect(up.stdout).toContain(`http://127.0.0.1:${port}/healthz: 200`);
      expect(up.status).toBe(0);
    } finally {
      server.kill('SIGTERM');
      await exited;
    }
    const down = spawnSync(process.execPath, [bin, 'health'], { cwd: ROOT, env, encoding: 'utf8' });
    expect(down.status).toBe(1);
    expect(down.stderr).toContain(`http://127.0.0.1:${port}/healthz: no answer`);
  }, 60_000);
});
