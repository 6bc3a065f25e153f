// JSON Schemas for editors (yaml-language-server, VS Code), generated from the same zod definitions that validate
// at start. `tipwire schema` writes them to config/schema/; a test fails when the committed files are stale.
import { z } from 'zod';
import { appSchema, sourcesFileSchema } from './schema.ts';
import { topicsFileSchema } from './topics-schema.ts';
import { modelFileSchema } from './model-schema.ts';

export function configJsonSchemas(): Record<string, string> {
  const render = (schema: z.ZodType, title: string): string =>
    `${JSON.stringify({ title, ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) }, null, 2)}\n`;
  return {
    'tipwire.schema.json': render(appSchema, 'tipwire application settings (config/tipwire.yaml)'),
    'sources.schema.json': render(sourcesFileSchema, 'tipwire sources (config/sources.yaml)'),
    'topics.schema.json': render(topicsFileSchema, 'tipwire topics and rules (config/topics.yaml)'),
    'model.schema.json': render(
      modelFileSchema,
      'tipwire relevance model (config/model.json, written by tipwire train)',
    ),
  };
}
