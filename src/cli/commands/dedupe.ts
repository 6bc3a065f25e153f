// Operator tools of the dedupe stage: `tipwire dedupe` runs the same clusterer as the pipeline over JSON Lines, so
// a merge (or a miss) can be reproduced and explained; `tipwire stories` lists what the store has clustered.
import { createInterface } from 'node:readline';
import { TipwireError } from '../../core/errors.ts';
import { createClusterer } from '../../jobs/cluster.ts';
import { EXIT, type Command } from '../command.ts';
import { relativeTime, renderTable, truncate } from '../table.ts';

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
  typeof value === 'string' && value.trim() ? value : undefined;

export const dedupeCommand: Command = {
  name: 'dedupe',
  summary:
    'cluster JSON Lines from stdin ({"id","url","title","summary","lang","published","source"}) into {"id","story"} lines',
  usage: '[--explain]   (reads stdin; --explain adds "relation" and "evidence" to each line)',
  options: { explain: { type: 'boolean' } },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const clusterer = createClusterer(config.app.dedupe);
    const lines = createInterface({ input: ctx.stdin, crlfDelay: Infinity });
    let lineNo = 0;
    let bad = 0;
    for await (const raw of lines) {
      lineNo += 1;
      if (!raw.trim()) continue;
      let line: DedupeLine;
      try {
        line = JSON.parse(raw) as DedupeLine;
      } catch {
        ctx.stderr.write(`stdin:${lineNo}: not JSON, skipped\n`);
        bad += 1;
        continue;
      }
      const id = text(line.id);
      const title = text(line.title);
      const published = text(line.published);
      if (!id || !title || !published || Number.isNaN(Date.parse(published))) {
        ctx.stderr.write(`stdin:${lineNo}: needs "id", "title" and an ISO date in "published", skipped\n`);
        bad += 1;
        continue;
      }
      const assignment = clusterer.assign({
        id,
        sourceId: text(line.source) ?? 'stdin',
        url: text(line.url),
        title,
        text: text(line.summary) ?? '',
        language: text(line.lang),
        publishedAt: new Date(published).toISOString(),
      });
      const out = args.values.explain
        ? { id, story: assignment.storyId, relation: assignment.relation, evidence: assignment.evidence }
        : { id, story: assignment.storyId };
      ctx.stdout.write(`${JSON.stringify(out)}\n`);
    }
    return bad > 0 ? EXIT.failed : EXIT.ok;
  },
};

/** "7d", "48h" or an ISO date → ISO date. */
export function parseSince(value: string, now = new Date()): string {
  const relative = /^(\d+)([dh])$/.exec(value);
  if (relative) {
    const hours = Number(relative[1]) * (relative[2] === 'd' ? 24 : 1);
    return new Date(now.getTime() - hours * 3_600_000).toISOString();
  }
  const time = Date.parse(value);
  if (Number.isNaN(time))
    throw new TipwireError('USAGE', `--since "${value}" is neither 7d/48h nor an ISO date`);
  return new Date(time).toISOString();
}

export const storiesCommand: Command = {
  name: 'stories',
  summary: 'recent stories with their item counts, languages and sources',
  usage: '[--since 7d|ISO] [--topic ID] [--country CC] [--limit N] [--json]',
  options: {
    since: { type: 'string' },
    topic: { type: 'string' },
    country: { type: 'string' },
    limit: { type: 'string' },
    json: { type: 'boolean' },
  },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const topic = args.values.topic as string | undefined;
    if (topic && !config.topics.topics.some((t) => t.id === topic)) {
      throw new TipwireError(
        'USAGE',
        `no topic "${topic}" (topics: ${config.topics.topics.map((t) => t.id).join(', ')})`,
      );
    }
    const limit = Number(args.values.limit ?? 50);
    if (!Number.isInteger(limit) || limit < 1)
      throw new TipwireError('USAGE', '--limit must be a positive whole number');
    const store = await ctx.openStore(config);
    try {
      const country = args.values.country as string | undefined;
      const stories = await store.listStories({
        firstSeenSince: parseSince((args.values.since as string | undefined) ?? '7d'),
        topics: topic ? [topic] : undefined,
        countries: country ? [country.toLowerCase()] : undefined,
        limit,
      });
      if (args.values.json) {
        ctx.stdout.write(`${JSON.stringify(stories, null, 2)}\n`);
        return EXIT.ok;
      }
      ctx.stdout.write(
        renderTable(
          ['story', 'first seen', 'items', 'languages', 'sources', 'topics', 'title'],
          stories.map((story) => [
            story.id,
            relativeTime(story.firstSeenAt),
            story.items.length,
            story.languages.join(','),
            [...new Set(story.items.map((item) => item.sourceId))].join(','),
            story.topics.join(','),
            truncate(story.representative.title, 60),
          ]),
        ),
      );
      ctx.stdout.write(`${stories.length} stories\n`);
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
};
