// Links follow the address the server listens on unless a public base URL is given, and startup names every
// development-only default still in force (the signing key; a base URL of 127.0.0.1 while others can connect).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.ts';
import { listenUrl, startupWarnings, withListenAddress } from '../../src/config/deployment.ts';

const CONFIG = join(import.meta.dirname, '../../config');
const SECRET = { TIPWIRE_SECRET: 'a-production-secret-of-length' };

describe('base URL', () => {
  const cases: { name: string; env: NodeJS.ProcessEnv; baseUrl: string; defaulted: boolean }[] = [
    { name: 'shipped config', env: {}, baseUrl: 'http://127.0.0.1:8080', defaulted: true },
    {
      name: 'TIPWIRE_PORT',
      env: { TIPWIRE_PORT: '9000' },
      baseUrl: 'http://127.0.0.1:9000',
      defaulted: true,
    },
    {
      name: 'wildcard host shows loopback',
      env: { TIPWIRE_HOST: '0.0.0.0', TIPWIRE_PORT: '8081' },
      baseUrl: 'http://127.0.0.1:8081',
      defaulted: true,
    },
    {
      name: 'TIPWIRE_BASE_URL wins over the port',
      env: { TIPWIRE_BASE_URL: 'https://news.example.org', TIPWIRE_PORT: '9000' },
      baseUrl: 'https://news.example.org',
      defaulted: false,
    },
  ];
  for (const { name, env, baseUrl, defaulted } of cases) {
    it(name, () => {
      const config = loadConfig(CONFIG, env);
      expect(config.app.server.baseUrl).toBe(baseUrl);
      expect(config.defaulted?.baseUrl).toBe(defaulted);
    });
  }

  it('serve --port and a port chosen by the system move derived links, never a configured base URL', () => {
    const derived = withListenAddress(loadConfig(CONFIG, {}), { port: 45123 });
    expect(derived.app.server).toMatchObject({ port: 45123, baseUrl: 'http://127.0.0.1:45123' });
    expect(Object.isFrozen(derived.app.server)).toBe(true);
    const given = withListenAddress(loadConfig(CONFIG, { TIPWIRE_BASE_URL: 'https://news.example.org' }), {
      port: 45123,
    });
    expect(given.app.server.baseUrl).toBe('https://news.example.org');
  });

  it('shows IPv6 listen addresses in brackets', () => {
    expect(listenUrl('::1', 8080)).toBe('http://[::1]:8080');
    expect(listenUrl('::', 8080)).toBe('http://127.0.0.1:8080');
  });
});

describe('startup warnings', () => {
  const settings = (env: NodeJS.ProcessEnv): string[] =>
    startupWarnings(loadConfig(CONFIG, env)).map((warning) => warning.setting);

  it('the development signing key is named until TIPWIRE_SECRET is set', () => {
    expect(settings({})).toContain('digest.secret');
    expect(settings(SECRET)).not.toContain('digest.secret');
  });

  it('a default base URL is harmless on loopback with a local outbox', () => {
    expect(settings(SECRET)).toEqual([]);
  });

  it('a default base URL is named when others can connect or mail leaves the machine', () => {
    const open = startupWarnings(loadConfig(CONFIG, { ...SECRET, TIPWIRE_HOST: '0.0.0.0' }));
    expect(open).toEqual([
      expect.objectContaining({
        setting: 'server.baseUrl',
        message: expect.stringContaining('TIPWIRE_BASE_URL'),
      }),
    ]);
    expect(open[0]?.message).toContain('http://127.0.0.1:8080');
    expect(settings({ ...SECRET, TIPWIRE_SMTP_URL: 'smtp://mail.example.org:587' })).toEqual([
      'server.baseUrl',
    ]);
    expect(
      settings({ ...SECRET, TIPWIRE_HOST: '0.0.0.0', TIPWIRE_BASE_URL: 'https://news.example.org' }),
    ).toEqual([]);
  });
});
