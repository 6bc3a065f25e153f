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
import { ruleSchema, topicsFileSchema, type TopicsConfig } from './topics-schema.ts';
import { modelFileSchema, type ModelFileConfig } from './model-schema.ts';
import type { Config, ConfigProblem } from './types.ts';
import { applyEnv } from './env.ts';

export const CONFIG_FILES = {
  app: 'tipwire.yaml',
  sources: 'sources.yaml',
  topics: 'topics.yaml',
  /** The relevance model (`tipwire train`); optional: without it the topic rules alone decide. */
  model: 'model.json',
} as const;

export type { ConfigProblem } from './types.ts';

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
  // As the operator typed it from here (config/topics.yaml); a file outside the working directory by its full path.
  const rel = relative(process.cwd(), path);
  const file = rel && !rel.startsWith('..') ? rel : path;
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

/** The parts of a zod issue these messages use (zod 4). */
interface Issue {
  code: string;
  path: PropertyKey[];
  message: string;
  expected?: string;
  input?: unknown;
  keys?: string[];
  values?: unknown[];
  errors?: Issue[][];
}

const TYPE_NAMES: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a map of fields',
  array: 'a list',
  record: 'a map of fields',
};

/** How a wrong value reads in a message: `"three"`, `5`, `a list`. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map of fields';
  return String(value);
}

/**
 * One issue per real mistake. A union ("a term, or a rule object") that fails is reported through the branch the
 * value was meant for: the one that got past the value's own type. When no branch did, one line lists what is
 * accepted. Wrong types say what was expected and what was found.
 */
function flatten(issue: Issue, prefix: PropertyKey[] = []): Issue[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors && issue.errors.length > 0) {
    const wrongType = (branch: Issue[]): boolean =>
      branch.length === 1 && branch[0]?.code === 'invalid_type' && branch[0].path.length === 0;
    const meant = issue.errors.filter((branch) => !wrongType(branch));
    if (meant.length > 0) {
      // The branch that got furthest (deepest issue), then the one with the fewest complaints.
      const depth = (branch: Issue[]): number => Math.max(...branch.map((i) => i.path.length));
      const best = [...meant].sort((a, b) => depth(b) - depth(a) || a.length - b.length)[0] ?? [];
      return best.flatMap((inner) => flatten(inner, path));
    }
    const expected = [...new Set(issue.errors.map((branch) => branch[0]?.expected ?? '?'))]
      .map((type) => TYPE_NAMES[type] ?? type)
      .join(' or ');
    const input = issue.errors[0]?.[0]?.input ?? issue.input;
    return [{ ...issue, path, message: `expected ${expected}, got ${shown(input)}` }];
  }
  if (issue.code === 'invalid_type' && issue.expected) {
    const expected = TYPE_NAMES[issue.expected] ?? issue.expected;
    const message =
      issue.input === undefined ? `required: ${expected}` : `expected ${expected}, got ${shown(issue.input)}`;
    return [{ ...issue, path, message }];
  }
  if (issue.code === 'invalid_value' && issue.values) {
    const allowed = issue.values.map((value) => JSON.stringify(value)).join(', ');
    return [{ ...issue, path, message: `expected one of ${allowed}, got ${shown(issue.input)}` }];
  }
  return [{ ...issue, path }];
}

function validate<S extends z.ZodType>(
  schema: S,
  parsed: ParsedFile,
  value: unknown,
  problems: ConfigProblem[],
): z.output<S> | undefined {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of (result.error.issues as unknown as Issue[]).flatMap((one) => flatten(one))) {
    // An unknown key is reported at the key itself, which is where the typo is.
    const key = issue.code === 'unrecognized_keys' ? (issue.keys?.[0] ?? '') : undefined;
    const path = key === undefined ? issue.path : [...issue.path, key];
    const message =
      key !== undefined ? `unknown field (allowed: ${allowedKeys(schema, issue.path)})` : issue.message;
    const where = key !== undefined ? locateKey(parsed, issue.path, key) : locate(parsed, path);
    problems.push({ file: parsed.file, ...where, path: formatPath(path), message });
  }
  return undefined;
}

type SchemaDef = {
  type?: string;
  innerType?: unknown;
  in?: unknown;
  options?: unknown[];
  element?: unknown;
  valueType?: unknown;
  shape?: Record<string, unknown>;
};
const defOf = (node: unknown): SchemaDef | undefined => (node as { def?: SchemaDef } | undefined)?.def;

/** Through defaults, optionals and transforms to the schema that holds fields or elements; a union's object option. */
function unwrap(node: unknown): unknown {
  for (let def = defOf(node); def; def = defOf(node)) {
    if (def.innerType) node = def.innerType;
    else if (def.type === 'pipe' && def.in) node = def.in;
    else if (def.type === 'union' && def.options) {
      const option = def.options.map(unwrap).find((o) => defOf(o)?.shape || defOf(o)?.element);
      if (!option) return node;
      node = option;
    } else return node;
  }
  return node;
}

/** The keys a strict object schema allows at a path, for "unknown field" messages. */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string {
  let node: unknown = schema;
  for (const part of path) {
    const def = defOf(unwrap(node));
    if (!def) return '…';
    node =
      typeof part === 'number'
        ? def.element
        : def.type === 'record'
          ? def.valueType
          : def.shape?.[part as string];
    if (!node) return '…';
  }
  const shape = defOf(unwrap(node))?.shape;
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
/** A problem a later stage finds in the topics file, with the path of the value it is about. */
export interface TopicRuleProblem {
  path: readonly (string | number)[];
  message: string;
  /** The term as written and what is wrong with it; when given, the message is built from them and the path. */
  term?: string;
  reason?: string;
}

export interface LoadOptions {
  /**
   * Checks the topic rules beyond their schema (the classify stage's compiler: NEAR without a distance, an unknown
   * set…). The composition root passes it in, so config does not import a stage; its problems are reported at their
   * file:line:col with the others, all at once.
   */
  checkTopics?: (topics: TopicsConfig) => readonly TopicRuleProblem[];
}

/**
 * A topics file that failed its schema, made checkable for term syntax: every rule and set term that is valid on
 * its own is kept at its index, anything else becomes a placeholder term (its schema problem is reported already).
 */
function lenientTopics(raw: unknown): TopicsConfig | undefined {
  const file = raw as { topics?: unknown; sets?: unknown } | null;
  if (!file || !Array.isArray(file.topics)) return undefined;
  const PLACEHOLDER = 'placeholder';
  const map = (value: unknown): [string, unknown][] =>
    value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const sets = Object.fromEntries(
    map(file.sets).map(([name, perLang]) => [
      name,
      Object.fromEntries(
        map(perLang).map(([lang, terms]) => [
          lang,
          list(terms).map((term) => (typeof term === 'string' && term.trim() ? term : PLACEHOLDER)),
        ]),
      ),
    ]),
  );
  const topics = file.topics.map((topic: unknown, index) => ({
    id: String((topic as { id?: unknown } | null)?.id ?? `topic-${index}`),
    names: {},
    threshold: 1,
    terms: Object.fromEntries(
      map((topic as { terms?: unknown } | null)?.terms).map(([lang, rules]) => [
        lang,
        list(rules).map((rule) => {
          const parsed = ruleSchema.safeParse(rule);
          return parsed.success ? parsed.data : PLACEHOLDER;
        }),
      ]),
    ),
  }));
  return { settings: { titleWeight: 2, window: 8 }, sets, topics } as TopicsConfig;
}

/** Maps rule problems onto positions in the topics file. */
function topicRuleProblems(
  parsed: ParsedFile,
  topics: TopicsConfig,
  check: NonNullable<LoadOptions['checkTopics']>,
  problems: ConfigProblem[],
): void {
  for (const problem of check(topics)) {
    const topicId = problem.path[0] === 'topics' ? topics.topics[problem.path[1] as number]?.id : undefined;
    const term = problem.term === undefined ? undefined : `"${problem.term}"`;
    const reason =
      term && problem.reason?.startsWith(`${term}: `)
        ? problem.reason.slice(term.length + 2)
        : problem.reason;
    const message =
      term !== undefined && reason !== undefined
        ? `${topicId ? `topic "${topicId}", ` : ''}term ${term}: ${reason}`
        : problem.message;
    problems.push({
      file: parsed.file,
      ...locate(parsed, problem.path),
      path: formatPath(problem.path),
      message,
    });
  }
}

export function loadConfig(
  dir: string,
  env: NodeJS.ProcessEnv = process.env,
  options: LoadOptions = {},
): Config {
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
  if (topicsFile && options.checkTopics) {
    // Term syntax is checked even when the schema found problems elsewhere, so one pass shows them all.
    const checkable = topics ?? lenientTopics(topicsFile.doc.toJS());
    if (checkable) topicRuleProblems(topicsFile, checkable, options.checkTopics, problems);
  }
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
  // As the operator typed it from here (config/topics.yaml); a file outside the working directory by its full path.
  const rel = relative(process.cwd(), path);
  const file = rel && !rel.startsWith('..') ? rel : path;
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
export function loadTopicsFile(path: string, options: LoadOptions = {}): TopicsConfig {
  const problems: ConfigProblem[] = [];
  const parsed = readYaml(dirname(path), basename(path), true, problems);
  const topics = parsed ? validate(topicsFileSchema, parsed, parsed.doc.toJS(), problems) : undefined;
  if (parsed && topics && options.checkTopics)
    topicRuleProblems(parsed, topics, options.checkTopics, problems);
  if (problems.length > 0 || !topics) throw configError(problems);
  return deepFreeze(topics);
}

export function configError(problems: ConfigProblem[]): TipwireError {
  // In reading order: file by file as first named, then line and column.
  const files = [...new Set(problems.map((problem) => problem.file))];
  problems = [...problems].sort(
    (a, b) =>
      files.indexOf(a.file) - files.indexOf(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.col ?? 0) - (b.col ?? 0),
  );
  const lines = problems.map(formatProblem);
  return new TipwireError(
    'CONFIG_INVALID',
    `config: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n  ${lines.join('\n  ')}`,
    {
      details: { problems },
    },
  );
}
