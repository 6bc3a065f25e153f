// Operator commands about the configuration itself: check it, and regenerate the editor schemas.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileClassifier } from '../../jobs/classify.ts';
import { configJsonSchemas } from '../../config/json-schema.ts';
import { startupWarnings } from '../../config/deployment.ts';
import { EXIT, defineCommand } from '../command.ts';

export const validateCommand = defineCommand({
  name: 'validate',
  summary:
    'check config/*.yaml (schema, unique sources, topic rules) and report every problem with file:line:col',
  usage: '',
  async run(_args, ctx) {
    const config = await ctx.loadConfig();
    const rules = compileClassifier(config);
    const enabled = config.sources.filter((source) => source.enabled).length;
    ctx.stdout.write(
      `${ctx.configDir}: valid — ${config.sources.length} sources (${enabled} enabled), ${rules.topics.length} topics, database ${config.app.store.databaseUrl}\n`,
    );
    // Valid, but still set for a development machine: said, not refused.
    for (const warning of startupWarnings(config))
      ctx.stderr.write(`warning: ${warning.setting}: ${warning.message}\n`);
    return EXIT.ok;
  },
});

export const schemaCommand = defineCommand({
  name: 'schema',
  summary: 'write JSON Schemas of the config files to config/schema/ (for editor autocompletion)',
  usage: '[--out DIR]',
  options: {
    out: { type: 'string', value: 'DIR', description: 'where to write the schemas (default CONFIG/schema)' },
  },
  async run(args, ctx) {
    const dir = typeof args.values.out === 'string' ? args.values.out : join(ctx.configDir, 'schema');
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(configJsonSchemas())) {
      writeFileSync(join(dir, name), text);
      ctx.stdout.write(`wrote ${join(dir, name)}\n`);
    }
    return EXIT.ok;
  },
});
