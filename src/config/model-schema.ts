// Schema of config/model.json, the relevance model `tipwire train` writes (src/classify/model.ts describes it). The
// file is optional: without it the topic rules alone decide. Its output type is what compileRules accepts.
import { z } from 'zod';

const count = z.number().int().nonnegative();

export const modelFileSchema = z
  .object({
    format: z.literal('tipwire-relevance-model'),
    version: z.literal(1),
    id: z.string().min(1),
    trained: z
      .object({
        items: count,
        positives: z.record(z.string(), count),
        languages: z.record(z.string(), count),
        rules: z.string(),
        seed: z.number().int(),
        epochs: count,
        l2: z.number().nonnegative(),
        minCount: count,
        source: z.string(),
      })
      .strict(),
    languages: z.array(z.string().regex(/^[a-z]{2}$/, 'an ISO 639-1 language code such as en, pl')),
    topics: z.array(
      z
        .object({
          id: z.string().min(1),
          bias: z.number(),
          threshold: z.number().min(0).max(1),
          rescue: z.number().min(0).max(1).optional(),
        })
        .strict(),
    ),
    weights: z.record(z.string(), z.number()),
  })
  .strict();

export type ModelFileConfig = z.output<typeof modelFileSchema>;
