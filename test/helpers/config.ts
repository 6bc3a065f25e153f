// Configs for tests: a real config folder in a temp dir (shipped topics.yaml, sources pointing at a local server,
// SQLite in the same temp dir), loaded by the real loader.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { loadConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/types.ts';

export const SHIPPED_CONFIG = join(import.meta.dirname, '../../config');

export interface TestSource {
  id: string;
  url: string;
  name?: string;
  country?: string;
  languages?: string[];
  enabled?: boolean;
}

/** Writes a config folder and returns its path; app settings are merged over test-friendly defaults. */
export function writeTestConfig(
  sources: TestSource[],
  app: Record<string, unknown> = {},
  allowHosts: string[] = [],
): string {
  const dir = mkdtempSync(join(tmpdir(), 'tipwire-cfg-'));
  copyFileSync(join(SHIPPED_CONFIG, 'topics.yaml'), join(dir, 'topics.yaml'));
  writeFileSync(
    join(dir, 'sources.yaml'),
    stringify({
      sources: sources.map((source) => ({
        name: source.id,
        languages: ['en'],
        ...source,
      })),
    }),
  );
  const defaults = {
    fetch: {
      connectTimeoutMs: 1000,
      totalTimeoutMs: 1500,
      maxBytes: 2 * 1024 * 1024,
      allowPrivateHosts: allowHosts,
    },
    store: { databaseUrl: `sqlite:${join(dir, 'tipwire.db')}` },
    paths: { data: join(dir, 'data'), feeds: join(dir, 'feeds'), outbox: join(dir, 'outbox') },
    poll: { maxConsecutiveFailures: 3 },
    // Tests run as production should: with a signing key of their own, so no development-key warning.
    digest: { secret: 'test-signing-key-of-enough-length' },
  };
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(app)) {
    merged[key] = { ...((defaults as Record<string, object>)[key] ?? {}), ...(value as object) };
  }
  writeFileSync(join(dir, 'tipwire.yaml'), stringify(merged));
  return dir;
}

export function testConfig(
  sources: TestSource[],
  app: Record<string, unknown> = {},
  allowHosts: string[] = [],
): Config {
  return loadConfig(writeTestConfig(sources, app, allowHosts), {});
}
