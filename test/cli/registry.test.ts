// The command registry loads each command lazily, so it repeats each command's name and summary: this holds the
// two together, and makes sure every command a module in src/cli/commands exports is listed exactly once.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Command } from '../../src/cli/command.ts';
import { commands } from '../../src/cli/registry.ts';

const DIR = join(import.meta.dirname, '../../src/cli/commands');

describe('command registry', () => {
  it.each(commands.map((entry) => [entry.name, entry] as const))(
    '%s: the entry loads its command, with the same name and summary',
    async (_name, entry) => {
      const command = await entry.load();
      expect({ name: command.name, summary: command.summary }).toEqual({
        name: entry.name,
        summary: entry.summary,
      });
    },
  );

  it('lists every command the command modules export, once', async () => {
    const exported: string[] = [];
    for (const file of readdirSync(DIR).filter((name) => name.endsWith('.ts'))) {
      const module = (await import(join(DIR, file))) as Record<string, unknown>;
      for (const value of Object.values(module)) {
        if (value && typeof value === 'object' && 'run' in value && 'summary' in value)
          exported.push((value as Command).name);
      }
    }
    expect(commands.map((entry) => entry.name).sort()).toEqual(exported.sort());
  });
});
