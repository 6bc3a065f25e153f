// Loads config/tipwire.yaml (optional), sources.yaml and topics.yaml, applies the environment, validates all of it,
// and returns one frozen Config. Every problem is reported at once, each as `file:line:col path: message`, so an
// operator fixes a file in one pass. Nothing here keeps state: hot reload (watch.ts) calls it again.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Source } from '../core/types.ts';
import { TipwireError } from '../core/errors.ts';
import { appSchema, DEVELOPMENT_SECRET, sourcesFileSchema, type AppConfig } from './schema.ts';
import { listenUrl } from './deployment.ts';
import { topicsFileSchema, type TopicsConfig } from './topics-schema.ts';
import { modelFileSchema, type ModelFileConfig } from './model-schema.ts';
import type { Config } from './types.ts';
import { applyEnv } from './env.ts';

export const CONFIG_FILES = {
  app: 'tipwire.yaml',
  sources: 'sources.yaml',
  topics: 'topics.yaml',
  /** The relevance model (`tipwire train`); optional: without it the topic rules alone decide. */
  model: 'model.json',
} as const;

export interface ConfigProblem {
  file: string;
  line?: number;
  col?: number;
  path: string;
  message: string;
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.line ? `${problem.file}:${problem.line}:${problem.col ?? 1}` : problem.file;
  return `${where} ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
}

/** `sources[12].url` from ['sources', 12, 'url']. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

// Real config files are kilobytes (a thousand sources is about 200 KB); a bigger one is a mistake or an attack, and
// parsing 10 MB of YAML stalls the server for seconds and holds hundreds of MB.
export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;

interface ParsedFile {
  file: string;
  text: string;
  doc: Document;
  lines: LineCounter;
}

function readYaml(
  dir: string,
  name: string,
  required: boolean,
  problems: ConfigProblem[],
): ParsedFile | undefined {
  const path = join(dir, name);
  const file = relative(process.cwd(), path) || path;
  let text: string;
  try {
    const size = statSync(path).size;
    if (size > MAX_CONFIG_BYTES) {
      problems.push({
        file,
        path: '',
        message: `is ${size} bytes; config files are capped at ${MAX_CONFIG_BYTES} bytes (is it the right file?)`,
      });
      return undefined;
    }
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    problems.push({ file, path: '', message: `cannot be read: ${(err as Error).message}` });
    return undefined;
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  // A file that exists but holds nothing is a half-saved edit (or a truncation), never "use the defaults": those
  // would bring the development signing secret back. Deleting the file is how to ask for the defaults.
  if (doc.errors.length === 0 && (doc.contents === null || doc.toJS() === null)) {
    problems.push({
      file,
      path: '',
      message: required
        ? 'is empty'
        : 'is empty (a half-saved edit?); write its settings, or delete the file to use the defaults',
    });
    return undefined;
  }
  for (const error of doc.errors) {
    const pos = lines.linePos(error.pos[0]);
    problems.push({
      file,
      line: pos.line,
      col: pos.col,
      path: '',
      message: `YAML: ${error.message.split('\n')[0]}`,
    });
  }
  return { file, text, doc, lines };
}

/** The position of the deepest node that exists along path: the value itself, else its nearest parent. */
function locate(parsed: ParsedFile, path: readonly PropertyKey[]): { line?: number; col?: number } {
  for (let depth = path.length; depth >= 0; depth -= 1) {
    const node = parsed.doc.getIn(path.slice(0, depth) as unknown[], true) as
      { range?: [number, number, number] } | undefined;
    if (node && node.range) {
      const pos = parsed.lines.linePos(node.range[0]);
      return { line: pos.line, col: pos.col };
    }
  }
  return {};
}

/** The position of a key (not its value) in the map at path: where an unknown field's typo is. */
function locateKey(
  parsed: ParsedFile,
  path: readonly PropertyKey[],
  key: string,
): { line?: number; col?: number } {
  const map = parsed.doc.getIn(path as unknown[], true);
  if (isMap(map)) {
    const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
    const range = pair && isScalar(pair.key) ? pair.key.range : undefined;
    if (range) return parsed.lines.linePos(range[0]);
  }
  return locate(parsed, [...path, key]);
}

function validate<S extends z.ZodType>(
  schema: S,
  parsed: ParsedFile,
  value: unknown,
  problems: ConfigProblem[],
): z.output<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    // An unknown key is reported at the key itself, which is where the typo is.
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0] ?? ''] : issue.path;
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown field (allowed: ${allowedKeys(schema, issue.path)})`
        : issue.message;
    const where =
      issue.code === 'unrecognized_keys'
        ? locateKey(parsed, issue.path, issue.keys[0] ?? '')
        : locate(parsed, path);
    problems.push({ file: parsed.file, ...where, path: formatPath(path), message });
  }
  return undefined;
}

/** The keys a strict object schema allows at a path, for "unknown field" messages. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string {
  let node: unknown = schema;
  for (const part of path) {
    const def = (node as { def?: Record<string, unknown> }).def;
    if (!def) return '…';
    let inner: unknown = node;
    // Unwrap defaults/optionals to reach the object or array.
    while ((inner as { def?: { innerType?: unknown } }).def?.innerType)
      inner = (inner as { def: { innerType: unknown } }).def.innerType;
    const innerDef = (inner as { def: Record<string, unknown> }).def;
    if (typeof part === 'number') node = innerDef.element;
    else node = (innerDef.shape as Record<string, unknown> | undefined)?.[part as string];
    if (!node) return '…';
  }
  let inner: unknown = node;
  while ((inner as { def?: { innerType?: unknown } }).def?.innerType)
    inner = (inner as { def: { innerType: unknown } }).def.innerType;
  const shape = (inner as { def?: { shape?: Record<string, unknown> } }).def?.shape;
  return shape ? Object.keys(shape).join(', ') : '…';
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/** Source-level rules a schema cannot express: unique ids and URLs. */
function checkSources(parsed: ParsedFile, sources: Source[], problems: ConfigProblem[]): void {
  const seenIds = new Map<string, number>();
  const seenUrls = new Map<string, number>();
  sources.forEach((source, index) => {
    const idAt = seenIds.get(source.id);
    if (idAt !== undefined) {
      problems.push({
        file: parsed.file,
        ...locate(parsed, ['sources', index, 'id']),
        path: `sources[${index}].id`,
        message: `"${source.id}" is already used by sources[${idAt}]`,
      });
    } else seenIds.set(source.id, index);
    const urlAt = seenUrls.get(source.url);
    if (urlAt !== undefined) {
      problems.push({
        file: parsed.file,
        ...locate(parsed, ['sources', index, 'url']),
        path: `sources[${index}].url`,
        message: `the same feed as sources[${urlAt}]`,
      });
    } else seenUrls.set(source.url, index);
  });
}

/** Loads, validates and freezes the configuration in dir; throws CONFIG_INVALID listing every problem. */
export function loadConfig(dir: string, env: NodeJS.ProcessEnv = process.env): Config {
  const problems: ConfigProblem[] = [];
  const appFile = readYaml(dir, CONFIG_FILES.app, false, problems);
  const sourcesFile = readYaml(dir, CONFIG_FILES.sources, true, problems);
  const topicsFile = readYaml(dir, CONFIG_FILES.topics, true, problems);
  if (problems.length > 0) throw configError(problems);

  let parsedApp: AppConfig | undefined;
  const appValue = appFile ? (appFile.doc.toJS() ?? {}) : {};
  const withEnv = applyEnv(appValue, env, problems);
  if (appFile) parsedApp = validate(appSchema, appFile, withEnv, problems);
  else {
    const result = appSchema.safeParse(withEnv);
    if (result.success) parsedApp = result.data;
    else
      for (const issue of result.error.issues)
        problems.push({ file: 'environment', path: formatPath(issue.path), message: issue.message });
  }
  // Links follow the listen address unless the operator names the public one.
  const baseUrlGiven = Boolean((withEnv.server as { baseUrl?: unknown } | undefined)?.baseUrl);
  const app: AppConfig | undefined = parsedApp && {
    ...parsedApp,
    server: {
      ...parsedApp.server,
      baseUrl: baseUrlGiven
        ? parsedApp.server.baseUrl
        : listenUrl(parsedApp.server.host, parsedApp.server.port),
    },
  };
  const sources = sourcesFile
    ? validate(sourcesFileSchema, sourcesFile, sourcesFile.doc.toJS(), problems)
    : undefined;
  if (sourcesFile && sources) checkSources(sourcesFile, sources.sources, problems);
  const topics = topicsFile
    ? validate(topicsFileSchema, topicsFile, topicsFile.doc.toJS(), problems)
    : undefined;
  const model = readModel(join(dir, CONFIG_FILES.model), false, problems);
  if (problems.length > 0 || !app || !sources || !topics) throw configError(problems);

  const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16);
  return deepFreeze({
    dir,
    app,
    sources: sources.sources,
    topics,
    model: model?.value,
    version: hash(
      [
        appFile?.text ?? '',
        sourcesFile?.text ?? '',
        topicsFile?.text ?? '',
        JSON.stringify(app),
        model?.value.id ?? '',
      ].join('\u0000'),
    ),
    topicsVersion: hash(topicsFile?.text ?? ''),
    defaulted: {
      baseUrl: !baseUrlGiven,
      secret: app.digest.secret === DEVELOPMENT_SECRET,
    },
  });
}

/**
 * The relevance model file (JSON, large: parsed with JSON.parse, not the YAML reader). Problems name the file and the
 * field; a missing optional file is no problem.
 */
function readModel(
  path: string,
  required: boolean,
  problems: ConfigProblem[],
): { value: ModelFileConfig } | undefined {
  const file = relative(process.cwd(), path) || path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !required) return undefined;
    problems.push({ file, path: '', message: `cannot be read: ${(err as Error).message}` });
    return undefined;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    problems.push({ file, path: '', message: `not JSON: ${(err as Error).message}` });
    return undefined;
  }
  const result = modelFileSchema.safeParse(value);
  if (!result.success) {
    for (const issue of result.error.issues.slice(0, 20))
      problems.push({ file, path: formatPath(issue.path), message: issue.message });
    return undefined;
  }
  return { value: result.data };
}

/** A model file on its own (`tipwire eval --model FILE`, `explain --model FILE`, tests, benches). */
export function loadModelFile(path: string): ModelFileConfig {
  const problems: ConfigProblem[] = [];
  const model = readModel(path, true, problems);
  if (problems.length > 0 || !model) throw configError(problems);
  return model.value;
}

/**
 * One topics file on its own (`tipwire classify --topics FILE`, `eval --compare`, tests, benches): the same reading
 * and validation as loadConfig, the same `file:line:col path: message` problems.
 */
export function loadTopicsFile(path: string): TopicsConfig {
  const problems: ConfigProblem[] = [];
  const parsed = readYaml(dirname(path), basename(path), true, problems);
  const topics = parsed ? validate(topicsFileSchema, parsed, parsed.doc.toJS(), problems) : undefined;
  if (problems.length > 0 || !topics) throw configError(problems);
  return deepFreeze(topics);
}

export function configError(problems: ConfigProblem[]): TipwireError {
  const lines = problems.map(formatProblem);
  return new TipwireError(
    'CONFIG_INVALID',
    `config: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`,
    {
      details: { problems },
    },
  );
}
