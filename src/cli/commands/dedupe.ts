// `tipwire dedupe`: the story clusterer as a filter, for operators testing the engine on their own data.
// Reads JSON Lines {"id","url","title","summary","lang","published","source"} on stdin and writes {"id","story"} per
// line (with --explain also "relation", "follows" and "evidence"), using the configured dedupe section.
// `tipwire dedupe --eval FILE`: clusters labelled JSON Lines (a "story" field on each) and prints pair precision and
// recall overall and for copies, same-event and cross-language pairs, then the false and missed pairs.
// A bad line gets a message naming its line number on stderr and the exit code 1; the other lines still run.
// `tipwire stories`: a table of recent stories with item counts and languages.
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createClusterer } from '../../jobs/cluster.ts';
import {
  clusterLabelled,
  evaluateStories,
  formatStoryEvaluation,
  identityKey,
  parseStoryLabelled,
} from '../../dedupe/index.ts';
import { stableId } from '../../core/hash.ts';
import { TipwireError } from '../../core/errors.ts';
import { EXIT, type Command } from '../command.ts';
import { renderTable, truncate } from '../table.ts';

interface DedupeLine {
  id?: unknown;
  url?: unknown;
  title?: unknown;
  summary?: unknown;
  lang?: unknown;
  published?: unknown;
  source?: unknown;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

export const dedupeCommand: Command = {
  name: 'dedupe',
  summary:
    'cluster JSON Lines items from stdin into stories ({"id","url","title","summary","lang","published","source"} → {"id","story"})',
  usage: '[--explain]   < items.jsonl   |   --eval FILE.jsonl [--limit N]',
  options: { explain: { type: 'boolean' }, eval: { type: 'string' }, limit: { type: 'string' } },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const clusterer = createClusterer(config.app.dedupe);
    const evalFile = args.values.eval as string | undefined;
    if (evalFile !== undefined) {
      const limit = args.values.limit === undefined ? Infinity : Number(args.values.limit);
      const items = parseStoryLabelled(await readFile(evalFile, 'utf8'), evalFile);
      const result = evaluateStories(items, clusterLabelled(items, clusterer));
      ctx.stdout.write(formatStoryEvaluation(result, Number.isNaN(limit) ? Infinity : limit));
      return EXIT.ok;
    }
    const explain = Boolean(args.values.explain);
    let lineNumber = 0;
    let bad = 0;
    for await (const raw of createInterface({ input: ctx.stdin, crlfDelay: Infinity })) {
      lineNumber += 1;
      if (raw.trim() === '') continue;
      let entry: DedupeLine;
      try {
        entry = JSON.parse(raw) as DedupeLine;
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
          throw new Error('not a JSON object');
      } catch (err) {
        bad += 1;
        ctx.stderr.write(`stdin line ${lineNumber}: ${(err as Error).message}\n`);
        continue;
      }
      const title = text(entry.title);
      const published = text(entry.published);
      const when = published ? Date.parse(published) : Number.NaN;
      if (!title || Number.isNaN(when)) {
        bad += 1;
        ctx.stderr.write(
          `stdin line ${lineNumber}: ${!title ? '"title" is missing or empty' : `"published" is not a date: ${String(entry.published)}`}\n`,
        );
        continue;
      }
      const source = text(entry.source) ?? 'stdin';
      const url = text(entry.url);
      const publishedAt = new Date(when).toISOString();
      const id =
        text(entry.id) ?? stableId(identityKey({ url, title, publishedAt }, source, config.app.dedupe));
      const assignment = clusterer.assign({
        id,
        sourceId: source,
        url,
        title,
        text: text(entry.summary) ?? '',
        language: text(entry.lang),
        publishedAt,
      });
      const out: Record<string, unknown> = { id, story: assignment.storyId };
      if (explain) {
        out.relation = assignment.relation;
        if (assignment.followsStoryId) out.follows = assignment.followsStoryId;
        out.evidence = assignment.evidence;
      }
      ctx.stdout.write(`${JSON.stringify(out)}\n`);
    }
    return bad === 0 ? EXIT.ok : EXIT.failed;
  },
};

/** "7d", "36h", "90m" or an ISO date → ISO date. */
export function parseSince(value: string, now: Date): string {
  const relative = /^(\d+)\s*([dhm])$/i.exec(value.trim());
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[
      (relative[2] ?? 'd').toLowerCase() as 'd' | 'h' | 'm'
    ];
    return new Date(now.getTime() - Number(relative[1]) * unit).toISOString();
  }
  const absolute = Date.parse(value);
  if (Number.isNaN(absolute))
    throw new TipwireError(
      'USAGE',
      `stories: --since "${value}" is neither an ISO date nor a span like 7d, 36h`,
    );
  return new Date(absolute).toISOString();
}

export const storiesCommand: Command = {
  name: 'stories',
  summary: 'recent stories with their ids, item counts and languages (--items: every item with its id)',
  usage: '[--since ISO|7d] [--topic ID] [--limit N] [--items]',
  options: {
    since: { type: 'string' },
    topic: { type: 'string', multiple: true },
    limit: { type: 'string' },
    items: { type: 'boolean' },
  },
  async run(args, ctx) {
    let since: string;
    try {
      since = parseSince((args.values.since as string | undefined) ?? '7d', new Date());
    } catch (err) {
      ctx.stderr.write(`${(err as Error).message}\n`);
      return EXIT.usage;
    }
    const limit = Number((args.values.limit as string | undefined) ?? 50);
    if (!Number.isInteger(limit) || limit <= 0) {
      ctx.stderr.write(
        `stories: --limit must be a positive whole number, got "${String(args.values.limit)}"\n`,
      );
      return EXIT.usage;
    }
    const config = await ctx.loadConfig();
    const store = await ctx.openStore(config);
    try {
      const topics = args.values.topic as string[] | undefined;
      const stories = await store.listStories({ firstSeenSince: since, topics, limit });
      // Ids are shown so that `tipwire explain ID` can be given any story or item listed here.
      const rows = stories.flatMap((story) => [
        [
          story.id,
          story.firstSeenAt.slice(0, 16).replace('T', ' '),
          story.items.length,
          story.languages.join(','),
          new Set(story.items.map((item) => item.sourceId)).size,
          story.topics.join(','),
          truncate(story.representative.title, 70),
          story.followsStoryId ? `follows ${story.followsStoryId}` : '',
        ],
        ...(args.values.items
          ? story.items.map((item) => [
              `  ${item.id}`,
              item.publishedAt.slice(0, 16).replace('T', ' '),
              '',
              item.language ?? '',
              item.sourceId,
              '',
              truncate(item.title, 68),
              '',
            ])
          : []),
      ]);
      ctx.stdout.write(
        renderTable(
          [
            'story (items: --items)',
            'first seen (UTC)',
            'items',
            'languages',
            'sources',
            'topics',
            'title',
            '',
          ],
          rows,
        ),
      );
      ctx.stdout.write(`${stories.length} ${stories.length === 1 ? 'story' : 'stories'} since ${since}\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
