// Schema of config/topics.yaml. The rule language itself is compiled and documented in src/classify/.
import { z } from 'zod';

export const topicSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    names: z.record(z.string(), z.string()),
    description: z.string().optional(),
    threshold: z.number().positive().default(1),
    rules: z.array(z.unknown()).default([]),
  })
  .strict();

export const topicsFileSchema = z.object({ topics: z.array(topicSchema) }).strict();

export type TopicsConfig = z.output<typeof topicsFileSchema>;
