// Operator tools for topic rules, all on the same engine and config as the pipeline:
//   tipwire classify            JSON Lines in ({"id","title","summary","lang"?}) → JSON Lines out (assigned topics)
//   tipwire explain ITEM_ID     stored classification of an item, and every topic's score under the current rules
//   tipwire explain --text "…"  the same for an ad-hoc text, without the store
//   tipwire eval FILE.jsonl     precision / recall / F1 against labelled lines, and each false positive / negative
// `--topics FILE` uses another topics file (a rule edit being tried) instead of the configured one.
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { TipwireError } from '../../core/errors.ts';
import type { TopicsConfig } from '../../config/topics-schema.ts';
import { classifyItem, compileRules, itemLanguage, scoreItem } from '../../classify/index.ts';
import type { CompiledRules, TopicScore } from '../../classify/index.ts';
import { loadTopicsFile } from '../../config/load.ts';
import { evaluate, formatReport, parseLabelled } from '../../classify/eval.ts';
import { EXIT, type Command, type CommandContext, type ParsedArgs } from '../command.ts';

async function loadRules(args: ParsedArgs, ctx: CommandContext): Promise<CompiledRules> {
  const file = args.values.topics;
  const topics: TopicsConfig =
    typeof file === 'string' ? loadTopicsFile(file) : (await ctx.loadConfig()).topics;
  return compileRules(topics);
}

function formatScores(scores: TopicScore[]): string {
  const lines: string[] = [];
  for (const s of scores) {
    const mark = s.assigned ? 'ASSIGNED' : s.score > 0 ? 'below threshold' : 'no match';
    lines.push(`${s.topic}: score ${s.score} / threshold ${s.threshold} — ${mark}`);
    for (const e of s.evidence) {
      lines.push(
        `    ${e.weight > 0 ? '+' : ''}${e.weight}  ${e.field.padEnd(7)}  "${e.match}"  ← ${e.term}`,
      );
    }
  }
  return lines.join('\n') + '\n';
}

export const classifyCommand: Command = {
  name: 'classify',
  summary:
    'classify JSON Lines from stdin ({"id","title","summary","lang"?}) and print {"id","lang","topics"} lines',
  usage: '[--topics FILE] < items.jsonl',
  options: { topics: { type: 'string' } },
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
        topics: result.topics.map((t) => ({ id: t.topic, score: t.score, evidence: t.evidence })),
      };
      ctx.stdout.write(`${JSON.stringify(out)}\n`);
    }
    return bad === 0 ? EXIT.ok : EXIT.failed;
  },
};

export const explainCommand: Command = {
  name: 'explain',
  summary:
    'show why an item got its topics: per topic score, threshold and evidence (or --text for any text)',
  usage: 'ITEM_ID | --text "title" [--summary "text"] [--lang xx] [--topics FILE]',
  options: {
    text: { type: 'string' },
    summary: { type: 'string' },
    lang: { type: 'string' },
    topics: { type: 'string' },
  },
  async run(args, ctx) {
    const text = args.values.text;
    const id = args.positionals[0];
    if (typeof text === 'string') {
      const rules = await loadRules(args, ctx);
      const input = {
        title: text,
        summary: typeof args.values.summary === 'string' ? args.values.summary : '',
        language: typeof args.values.lang === 'string' ? args.values.lang : undefined,
      };
      ctx.stdout.write(`language: ${itemLanguage(input)}   rules ${rules.version}\n`);
      ctx.stdout.write(formatScores(scoreItem(rules, input)));
      return EXIT.ok;
    }
    if (id === undefined) throw new TipwireError('USAGE', 'explain needs an ITEM_ID or --text "…"');
    const config = await ctx.loadConfig();
    const rules =
      typeof args.values.topics === 'string' ? await loadRules(args, ctx) : compileRules(config.topics);
    const store = await ctx.openStore(config);
    try {
      const item = await store.getItem(id);
      if (item === undefined) {
        ctx.stderr.write(`no item with id ${id}\n`);
        return EXIT.failed;
      }
      ctx.stdout.write(
        `${item.id}  ${item.sourceId}  ${item.publishedAt}\n${item.title}\n${item.link ?? ''}\n\n`,
      );
      const stored = item.classification;
      if (stored === undefined) ctx.stdout.write('stored: not classified yet\n');
      else {
        ctx.stdout.write(
          `stored: language ${stored.language}, topics ${stored.topics.map((t) => `${t.topic} (${t.score})`).join(', ') || 'none'}, countries ${stored.countries.join(', ') || 'none'}\n`,
        );
        for (const t of stored.topics) {
          for (const e of t.evidence)
            ctx.stdout.write(`    ${t.topic}  +${e.weight}  ${e.field}  "${e.match}"  ← ${e.term}\n`);
        }
      }
      ctx.stdout.write(`\nunder the current rules (${rules.version}):\n`);
      ctx.stdout.write(
        formatScores(scoreItem(rules, { title: item.title, summary: item.summary, language: item.language })),
      );
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};

export const evalCommand: Command = {
  name: 'eval',
  summary: 'measure topic rules on labelled JSON Lines ("topics":[…]): precision, recall, F1, confusions',
  usage: 'FILE.jsonl [--topics FILE] [--json]',
  options: { topics: { type: 'string' }, json: { type: 'boolean' } },
  async run(args, ctx) {
    const file = args.positionals[0];
    if (file === undefined) throw new TipwireError('USAGE', 'eval needs a FILE.jsonl of labelled items');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new TipwireError('USAGE', `cannot read ${file}`, { cause: err });
    }
    const rules = await loadRules(args, ctx);
    const report = evaluate(rules, parseLabelled(text, file));
    ctx.stdout.write(
      args.values.json === true ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`,
    );
    return EXIT.ok;
  },
};
