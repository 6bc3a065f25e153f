// Operator tools for the topic filter, all on the same classifier as the pipeline (jobs/classify.ts):
//   tipwire classify            JSON Lines in ({"id","title","summary","lang"?}) → JSON Lines out (assigned topics)
//   tipwire explain REF         a stored item (item id, story id or URL): stored verdict, and every topic's rule
//                               evidence and model features under the current classifier
//   tipwire explain --text "…"  the same for an ad-hoc text, without the store
//   tipwire eval FILE.jsonl     precision / recall / F1 per topic and language, false positives by kind, errors;
//                               --compare: the configured version (A) against --topics/--model (B) on the same file
//   tipwire train FILE.jsonl    trains the relevance model from labelled lines and writes config/model.json
// `--topics FILE` uses another topics file, `--model FILE` another model (`--model none`: rules alone).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { TipwireError } from '../../core/errors.ts';
import { classifyItem, ruleProblems } from '../../classify/index.ts';
import type { CompiledRules } from '../../classify/index.ts';
import type { FeatureWeight } from '../../core/types.ts';
import { CONFIG_FILES, loadModelFile, loadTopicsFile } from '../../config/load.ts';
import {
  compareLabelled,
  compileClassifier,
  evaluateLabelled,
  explainStored,
  explainText,
  trainFromLabelled,
  type Explanation,
} from '../../jobs/classify.ts';
import { EXIT, type Command, type CommandContext, type ParsedArgs } from '../command.ts';

const VERSION_OPTIONS = { topics: { type: 'string' }, model: { type: 'string' } } as const;

/** The configured classifier, with --topics / --model (or the given overrides) in place of the configured files. */
async function loadRules(
  args: ParsedArgs,
  ctx: CommandContext,
  names: { topics: string; model: string } = { topics: 'topics', model: 'model' },
): Promise<CompiledRules> {
  const topicsFile = args.values[names.topics];
  const modelFile = args.values[names.model];
  const needConfig = typeof topicsFile !== 'string' || typeof modelFile !== 'string';
  const config = needConfig ? await ctx.loadConfig() : undefined;
  const topics =
    typeof topicsFile === 'string'
      ? loadTopicsFile(topicsFile, { checkTopics: ruleProblems })
      : config!.topics;
  const model =
    modelFile === 'none'
      ? undefined
      : typeof modelFile === 'string'
        ? loadModelFile(modelFile)
        : // A model trained for the configured rules does not fit another topics file's rules unless asked.
          typeof topicsFile === 'string'
          ? undefined
          : config?.model;
  return compileClassifier({ topics, model });
}

function readArgFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new TipwireError('USAGE', `cannot read ${file}`, { cause: err });
  }
}

function formatFeatures(features: FeatureWeight[] | undefined, lines: string[]): void {
  if (features === undefined || features.length === 0) return;
  const pro = features.filter((f) => f.weight > 0);
  const con = features.filter((f) => f.weight < 0);
  if (pro.length > 0) lines.push(`    for:     ${pro.map((f) => `${f.feature} +${f.weight}`).join(', ')}`);
  if (con.length > 0) lines.push(`    against: ${con.map((f) => `${f.feature} ${f.weight}`).join(', ')}`);
}

function formatJudgements({ relevance, judgements }: Explanation): string {
  const lines: string[] = [];
  if (relevance !== undefined) {
    lines.push(
      `about any topic: ${relevance.relevant ? 'yes' : 'no'} — model: relevance ${relevance.relevance} / threshold ${relevance.threshold}`,
    );
    formatFeatures(relevance.features, lines);
  }
  for (const j of judgements) {
    const mark = j.assigned
      ? 'ASSIGNED'
      : j.score > 0 || (j.relevance ?? 0) > 0.05
        ? 'not assigned'
        : 'no match';
    const how =
      j.decidedBy === 'model'
        ? `model: relevance ${j.relevance} / threshold ${j.modelThreshold}; rules: score ${j.score} / threshold ${j.threshold}`
        : `rules: score ${j.score} / threshold ${j.threshold}`;
    lines.push(`${j.topic}: ${mark} — ${how}`);
    for (const e of j.evidence) {
      lines.push(
        `    rule ${e.weight > 0 ? '+' : ''}${e.weight}  ${e.field.padEnd(7)}  "${e.match}"  ← ${e.term}`,
      );
    }
    if (j.features !== undefined && j.features.length > 0) {
      const pro = j.features.filter((f) => f.weight > 0);
      const con = j.features.filter((f) => f.weight < 0);
      if (pro.length > 0)
        lines.push(`    for:     ${pro.map((f) => `${f.feature} +${f.weight}`).join(', ')}`);
      if (con.length > 0) lines.push(`    against: ${con.map((f) => `${f.feature} ${f.weight}`).join(', ')}`);
    }
  }
  return lines.join('\n') + '\n';
}

export const classifyCommand: Command = {
  name: 'classify',
  summary:
    'classify JSON Lines from stdin ({"id","title","summary","lang"?}) and print {"id","lang","topics"} lines',
  usage: '[--topics FILE] [--model FILE|none] < items.jsonl',
  options: { ...VERSION_OPTIONS },
  async run(args, ctx) {
    const rules = await loadRules(args, ctx);
    const lines = createInterface({ input: ctx.stdin, crlfDelay: Infinity });
    let lineNo = 0;
    let bad = 0;
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim().length === 0) continue;
      let input: { id?: unknown; title?: unknown; summary?: unknown; lang?: unknown };
      try {
        input = JSON.parse(line) as typeof input;
      } catch {
        ctx.stderr.write(`stdin:${lineNo}: not JSON, skipped\n`);
        bad += 1;
        continue;
      }
      if (typeof input !== 'object' || input === null || typeof input.title !== 'string') {
        ctx.stderr.write(`stdin:${lineNo}: needs at least a "title" string, skipped\n`);
        bad += 1;
        continue;
      }
      const result = classifyItem(rules, {
        title: input.title,
        summary: typeof input.summary === 'string' ? input.summary : '',
        language: typeof input.lang === 'string' ? input.lang : undefined,
      });
      const out = {
        id: input.id ?? null,
        lang: result.language,
        topics: result.topics.map((t) => ({
          id: t.topic,
          score: t.score,
          evidence: t.evidence,
          ...(t.relevance === undefined ? {} : { relevance: t.relevance, features: t.features }),
        })),
      };
      ctx.stdout.write(`${JSON.stringify(out)}\n`);
    }
    return bad === 0 ? EXIT.ok : EXIT.failed;
  },
};

export const explainCommand: Command = {
  name: 'explain',
  summary:
    'show why an item got its topics: rule evidence and model features per topic (item id, story id, URL or --text)',
  usage:
    'ITEM_ID|STORY_ID|URL | --text "title" [--summary "text"] [--lang xx] [--topics FILE] [--model FILE|none]',
  options: {
    text: { type: 'string' },
    summary: { type: 'string' },
    lang: { type: 'string' },
    ...VERSION_OPTIONS,
  },
  async run(args, ctx) {
    const text = args.values.text;
    const ref = args.positionals[0];
    if (typeof text === 'string') {
      const rules = await loadRules(args, ctx);
      const input = {
        title: text,
        summary: typeof args.values.summary === 'string' ? args.values.summary : '',
        language: typeof args.values.lang === 'string' ? args.values.lang : undefined,
      };
      const explained = explainText(rules, input);
      ctx.stdout.write(`language: ${explained.language}   classifier ${rules.version}\n`);
      ctx.stdout.write(formatJudgements(explained));
      return EXIT.ok;
    }
    if (ref === undefined)
      throw new TipwireError('USAGE', 'explain needs an item id, a story id, a URL or --text "…"');
    const config = await ctx.loadConfig();
    const rules = await loadRules(args, ctx);
    const store = await ctx.openStore(config);
    try {
      const found = await explainStored(store, rules, ref, config.app.dedupe.trackingParams);
      if (found.length === 0) {
        ctx.stderr.write(`no item or story for ${ref}\n`);
        return EXIT.failed;
      }
      for (const { item, ...explained } of found) {
        ctx.stdout.write(
          `${item.id}  ${item.sourceId}  ${item.publishedAt}\n${item.title}\n${item.link ?? ''}\n\n`,
        );
        const stored = item.classification;
        if (stored === undefined) ctx.stdout.write('stored: not classified yet\n');
        else {
          const topics = stored.topics
            .map(
              (t) =>
                `${t.topic} (${t.relevance === undefined ? `score ${t.score}` : `relevance ${t.relevance}`})`,
            )
            .join(', ');
          ctx.stdout.write(
            `stored: language ${stored.language}, topics ${topics || 'none'}, countries ${stored.countries.join(', ') || 'none'}\n`,
          );
        }
        ctx.stdout.write(
          `\nunder the current classifier (${rules.version}), language ${explained.language}:\n`,
        );
        ctx.stdout.write(formatJudgements(explained));
        ctx.stdout.write('\n');
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

export const evalCommand: Command = {
  name: 'eval',
  summary:
    'measure the topic filter on labelled JSON Lines ("topics":[…]): P/R/F1 per topic and language, errors; --compare two versions',
  usage:
    'FILE.jsonl [--topics FILE] [--model FILE|none] [--compare [--base-topics FILE] [--base-model FILE|none]] [--no-errors] [--json]',
  options: {
    ...VERSION_OPTIONS,
    compare: { type: 'boolean' },
    'base-topics': { type: 'string' },
    'base-model': { type: 'string' },
    'no-errors': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, ctx) {
    const file = args.positionals[0];
    if (file === undefined) throw new TipwireError('USAGE', 'eval needs a FILE.jsonl of labelled items');
    const text = readArgFile(file);
    const rules = await loadRules(args, ctx);
    if (args.values.compare === true) {
      const base = await loadRules(args, ctx, { topics: 'base-topics', model: 'base-model' });
      const name = (topics: unknown, model: unknown): string =>
        `${typeof topics === 'string' ? topics : 'configured topics'} + ${typeof model === 'string' ? model : 'configured model'}`;
      const result = compareLabelled(base, rules, text, file, [
        name(args.values['base-topics'], args.values['base-model']),
        name(args.values.topics, args.values.model),
      ]);
      ctx.stdout.write(
        args.values.json === true
          ? `${JSON.stringify({ a: result.a, b: result.b }, null, 2)}\n`
          : `${result.text}\n`,
      );
      return EXIT.ok;
    }
    const { report, text: out } = evaluateLabelled(rules, text, file, {
      errors: args.values['no-errors'] !== true,
    });
    ctx.stdout.write(args.values.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${out}\n`);
    return EXIT.ok;
  },
};

export const trainCommand: Command = {
  name: 'train',
  summary:
    'train the relevance model from labelled JSON Lines and write it beside the topic rules (config/model.json)',
  usage: 'FILE.jsonl [FILE.jsonl …] [--out FILE] [--topics FILE] [--seed N] [--epochs N]',
  options: {
    out: { type: 'string' },
    topics: { type: 'string' },
    seed: { type: 'string' },
    epochs: { type: 'string' },
  },
  async run(args, ctx) {
    if (args.positionals.length === 0)
      throw new TipwireError('USAGE', 'train needs one or more FILE.jsonl of labelled items');
    const files = args.positionals.map((file) => ({ file, text: readArgFile(file) }));
    const topicsFile = args.values.topics;
    const topics =
      typeof topicsFile === 'string'
        ? loadTopicsFile(topicsFile, { checkTopics: ruleProblems })
        : (await ctx.loadConfig()).topics;
    const number = (name: string): number | undefined => {
      const value = args.values[name];
      if (typeof value !== 'string') return undefined;
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new TipwireError('USAGE', `--${name} needs a whole number`);
      return n;
    };
    const seed = number('seed');
    const epochs = number('epochs');
    const { model, summary } = trainFromLabelled(topics, files, {
      ...(seed === undefined ? {} : { seed }),
      ...(epochs === undefined ? {} : { epochs }),
    });
    const out =
      typeof args.values.out === 'string' ? args.values.out : join(ctx.configDir, CONFIG_FILES.model);
    writeFileSync(out, `${JSON.stringify(model, null, 1)}\n`);
    ctx.stdout.write(`${summary}\nwrote ${out}\n`);
    return EXIT.ok;
  },
};
