// Reads and validates a topics file on its own (config/topics.yaml), for the classify/explain/eval commands, tests
// and the benchmark. The application's config loader (src/config/) may replace this for the pipeline; both use the
// same schema. Errors name the file and the field (CONFIG_INVALID) or the topic/rule/term (CLASSIFY_RULE_INVALID).
import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { TipwireError } from '../core/errors.ts';
import { topicsFileSchema } from '../config/topics-schema.ts';
import type { TopicsConfig } from '../config/topics-schema.ts';

export function parseTopicsYaml(source: string, file = 'topics.yaml'): TopicsConfig {
  const doc = parseDocument(source, { prettyErrors: true });
  if (doc.errors.length > 0) {
    throw new TipwireError('CONFIG_INVALID', `${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
  }
  const result = topicsFileSchema.safeParse(doc.toJS());
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || '(top)'}: ${issue.message}`,
    );
    throw new TipwireError('CONFIG_INVALID', `${file}: ${problems.join('; ')}`, { details: { problems } });
  }
  return result.data;
}

export function loadTopicsFile(path: string): TopicsConfig {
  let source: string;
  try {
    source = readFileSync(path, 'utf8');
  } catch (err) {
    throw new TipwireError('CONFIG_NOT_FOUND', `cannot read ${path}`, { cause: err });
  }
  return parseTopicsYaml(source, path);
}
