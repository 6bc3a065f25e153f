// Schema of config/topics.yaml: topics, their display names, thresholds and rule terms per language. The term
// syntax inside the strings (phrases, `*` wildcards, `=exact`, `NEAR/n`, `|`, `@set`) is parsed and checked by the
// rule compiler (src/classify/rules.ts), which names the topic, the rule and the term in its errors.
import { z } from 'zod';

const languageCode = z
  .string()
  .regex(/^[a-z]{2}$/, 'an ISO 639-1 language code such as en, ru, tk, uz, kk, ky, tg');
/** A term list's language, optionally with its script ("uz-cyrl"): the language part picks the stemmer. */
const termLanguage = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]{4})?$/, 'a language code, optionally with a script, such as en, uz, uz-cyrl');

const expression = z.string().trim().min(1, 'an empty term');
const expressionList = z.union([expression.transform((value) => [value]), z.array(expression)]);

/** One rule: a term expression with its weight, and optional context it needs or must not have nearby. */
export const ruleSchema = z.union([
  expression,
  z
    .object({
      match: expression,
      /** Added to the topic's score when the term matches (negative: evidence against the topic). */
      weight: z
        .number()
        .refine((value) => value !== 0, 'a weight of 0 does nothing; remove the rule')
        .default(1),
      /** The match is ignored when one of these terms occurs within `within` words of it. */
      unless: expressionList.default([]),
      /** The match counts only when one of these terms occurs within `within` words of it. */
      requires: expressionList.default([]),
      /** Window for unless/requires, in words on each side, or "item" for anywhere in title and summary. */
      within: z.union([z.number().int().positive(), z.literal('item')]).optional(),
      /** Where the term may match. */
      field: z.enum(['any', 'title', 'summary']).default('any'),
    })
    .strict(),
]);

export const topicSchema = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes, e.g. "labour-migration"'),
    names: z.record(languageCode, z.string().trim().min(1)),
    description: z.string().optional(),
    /** An item is assigned to the topic when its score reaches this. */
    threshold: z.number().positive().default(2),
    /** Rule lists per language; the language picks the stemmer (en, ru: Snowball; Turkic and Tajik: suffixes). */
    terms: z.record(termLanguage, z.array(ruleSchema)),
  })
  .strict();

export const settingsSchema = z
  .object({
    /** A match in the title counts this many times its weight. */
    titleWeight: z.number().positive().default(2),
    /** Default window for unless/requires, in words on each side. */
    window: z.number().int().positive().default(8),
  })
  .strict();

export const topicsFileSchema = z
  .object({
    settings: settingsSchema.default(settingsSchema.parse({})),
    /** Named term lists per language, used as `@name` inside any term, unless or requires. */
    sets: z
      .record(z.string().regex(/^[a-z0-9][a-z0-9-]*$/), z.record(termLanguage, z.array(expression)))
      .default({}),
    topics: z.array(topicSchema),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.topics.forEach((topic, index) => {
      if (seen.has(topic.id)) {
        ctx.addIssue({
          code: 'custom',
          path: ['topics', index, 'id'],
          message: `duplicate topic id "${topic.id}"`,
        });
      }
      seen.add(topic.id);
    });
  });

export type TopicsConfig = z.output<typeof topicsFileSchema>;
export type TopicConfig = z.output<typeof topicSchema>;
export type RuleConfig = z.output<typeof ruleSchema>;
