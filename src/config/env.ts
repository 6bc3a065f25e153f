// What differs per deployment comes from the environment, in one table. Each variable also has a `_FILE` form
// (TIPWIRE_SMTP_URL_FILE=/run/secrets/smtp) whose file content is used, so secrets need not sit in the environment.
import { readFileSync } from 'node:fs';
import type { ConfigProblem } from './types.ts';

interface EnvOverride {
  name: string;
  path: [string, string];
  type: 'string' | 'number';
  description: string;
}

export const ENV_OVERRIDES: EnvOverride[] = [
  {
    name: 'TIPWIRE_DATABASE_URL',
    path: ['store', 'databaseUrl'],
    type: 'string',
    description: 'sqlite:PATH or postgres://…',
  },
  {
    name: 'TIPWIRE_SMTP_URL',
    path: ['mail', 'smtpUrl'],
    type: 'string',
    description: 'smtp(s)://user:pass@host:port; unset = .eml files',
  },
  {
    name: 'TIPWIRE_BASE_URL',
    path: ['server', 'baseUrl'],
    type: 'string',
    description: 'public address for links in feeds and mail',
  },
  {
    name: 'TIPWIRE_HOST',
    path: ['server', 'host'],
    type: 'string',
    description: 'address the HTTP server listens on',
  },
  {
    name: 'TIPWIRE_PORT',
    path: ['server', 'port'],
    type: 'number',
    description: 'port the HTTP server listens on',
  },
  {
    name: 'TIPWIRE_SECRET',
    path: ['digest', 'secret'],
    type: 'string',
    description: 'HMAC key for unsubscribe links',
  },
  {
    name: 'TIPWIRE_OPERATOR_EMAIL',
    path: ['health', 'reportTo'],
    type: 'string',
    description: 'address of the weekly operator health report',
  },
  {
    name: 'TIPWIRE_DATA_DIR',
    path: ['paths', 'data'],
    type: 'string',
    description: 'folder for the SQLite file',
  },
  {
    name: 'TIPWIRE_FEEDS_DIR',
    path: ['paths', 'feeds'],
    type: 'string',
    description: 'folder for exported feeds',
  },
  {
    name: 'TIPWIRE_OUTBOX_DIR',
    path: ['paths', 'outbox'],
    type: 'string',
    description: 'folder for .eml files',
  },
];

/** A copy of the app config object with the environment's values laid over it. */
export function applyEnv(
  app: unknown,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): Record<string, unknown> {
  const out = structuredClone(
    (app && typeof app === 'object' ? app : {}) as Record<string, Record<string, unknown>>,
  );
  for (const override of ENV_OVERRIDES) {
    let raw = env[override.name];
    const fromFile = env[`${override.name}_FILE`];
    if (fromFile) {
      try {
        raw = readFileSync(fromFile, 'utf8').trim();
      } catch (err) {
        problems.push({
          file: 'environment',
          path: `${override.name}_FILE`,
          message: `cannot read ${fromFile}: ${(err as Error).message}`,
        });
        continue;
      }
    }
    if (raw === undefined || raw === '') continue;
    const [section, key] = override.path;
    const value = override.type === 'number' ? Number(raw) : raw;
    if (override.type === 'number' && !Number.isFinite(value)) {
      problems.push({ file: 'environment', path: override.name, message: `"${raw}" is not a number` });
      continue;
    }
    out[section] = { ...(out[section] ?? {}), [key]: value };
  }
  return out;
}
