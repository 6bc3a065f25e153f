// Operator commands about sources: what state each is in, whether its address works, OPML in and out, re-enable.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { checkSources } from '../../jobs/check.ts';
import { sourceMarks } from '../../jobs/health.ts';
import { appendSources, parseOpml } from '../../config/opml.ts';
import { CONFIG_FILES } from '../../config/load.ts';
import { planImport } from '../../jobs/import-sources.ts';
import { sourcesOpml } from '../../jobs/publish.ts';
import { TipwireError } from '../../core/errors.ts';
import { EXIT, defineCommand } from '../command.ts';
import { relativeTime, renderTable, truncate } from '../table.ts';

export const sourcesListCommand = defineCommand({
  name: 'sources list',
  summary: 'each source with its state: last poll, failures, disabled, last error, next poll',
  usage: '[--json]',
  options: { json: { type: 'boolean', description: 'print JSON instead of a table' } },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const store = await ctx.openStore(config);
    try {
      const states = new Map((await store.listSourceStates()).map((state) => [state.sourceId, state]));
      const counts = new Map<string, number>();
      for (const source of config.sources)
        counts.set(source.id, await store.countItems({ sourceId: source.id }));
      const rows = config.sources.map((source) => {
        const state = states.get(source.id);
        const status = !source.enabled
          ? 'off (config)'
          : state?.disabledAt
            ? 'DISABLED'
            : state?.lastError
              ? 'failing'
              : state?.lastSuccessAt
                ? 'ok'
                : 'new';
        // The status page's marks: a source can be ok and still stale (quiet for health.staleDays) or moved.
        const marks = sourceMarks(source, state, new Date(), config.app.health.staleDays);
        return { source, state, status, marks, items: counts.get(source.id) ?? 0 };
      });
      if (args.values.json) {
        ctx.stdout.write(
          `${JSON.stringify(
            rows.map(({ source, state, status, marks, items }) => ({
              ...source,
              status,
              marks,
              items,
              state,
            })),
            null,
            2,
          )}\n`,
        );
        return EXIT.ok;
      }
      ctx.stdout.write(
        renderTable(
          ['id', 'status', 'country', 'lang', 'items', 'last poll', 'fails', 'next poll', 'last error'],
          rows.map(({ source, state, status, marks, items }) => [
            source.id,
            marks.includes('stale') ? `${status}, stale` : status,
            source.country?.toUpperCase() ?? '—',
            source.languages.join(','),
            items,
            relativeTime(state?.lastPolledAt),
            state?.consecutiveFailures || '',
            relativeTime(state?.nextPollAt),
            state?.lastError
              ? truncate(`${state.lastError.code}: ${state.lastError.message}`, 70)
              : state?.movedTo
                ? `moved to ${state.movedTo}`
                : '',
          ]),
        ),
      );
      return rows.some((row) => row.status === 'DISABLED') ? EXIT.failed : EXIT.ok;
    } finally {
      await store.close();
    }
  },
});

export const sourcesCheckCommand = defineCommand({
  name: 'sources check',
  summary:
    'fetch each source once (or the named ones) and report HTTP status, format, encoding, items, newest date',
  usage: '[ID...] [--json]',
  options: { json: { type: 'boolean', description: 'print JSON instead of a table' } },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const wanted = args.positionals;
    const unknown = wanted.filter((id) => !config.sources.some((source) => source.id === id));
    if (unknown.length > 0) throw new TipwireError('USAGE', `no source with id ${unknown.join(', ')}`);
    const sources =
      wanted.length > 0 ? config.sources.filter((source) => wanted.includes(source.id)) : config.sources;
    const checks = await checkSources(sources, config);
    if (args.values.json) ctx.stdout.write(`${JSON.stringify(checks, null, 2)}\n`);
    else {
      ctx.stdout.write(
        renderTable(
          ['source', 'result', 'http', 'format', 'encoding', 'items', 'newest', 'ms', 'error / note'],
          checks.map((check) => [
            check.sourceId,
            check.ok ? 'ok' : 'FAILED',
            check.httpStatus,
            check.format,
            check.encoding,
            check.items,
            check.newest?.slice(0, 10),
            check.ms,
            check.error
              ? truncate(`${check.error.code}: ${check.error.message}`, 100)
              : [
                  check.finalUrl ? `redirected to ${check.finalUrl}` : '',
                  check.lenient ? 'not well-formed (read leniently)' : '',
                ]
                  .filter(Boolean)
                  .join('; '),
          ]),
        ),
      );
      const failed = checks.filter((check) => !check.ok).length;
      ctx.stdout.write(`\n${checks.length - failed} of ${checks.length} sources answered with a feed\n`);
    }
    return checks.every((check) => check.ok) ? EXIT.ok : EXIT.failed;
  },
});

export const sourcesImportCommand = defineCommand({
  name: 'sources import',
  summary:
    'add the feeds of an OPML file to sources.yaml (the rest of the file untouched; languages detected from the items)',
  usage: 'FILE.opml [--language CODE]... [--country CC] [--no-fetch]',
  options: {
    language: {
      type: 'string',
      multiple: true,
      value: 'LL',
      description: 'language of the new feeds (default: detected from their items)',
    },
    country: { type: 'string', value: 'CC', description: 'country of the new feeds' },
    'no-fetch': { type: 'boolean', description: 'do not fetch the feeds to detect their language' },
  },
  async run(args, ctx) {
    const file = args.positionals[0];
    if (!file) throw new TipwireError('USAGE', 'name the OPML file to import');
    const config = await ctx.loadConfig(); // refuse to edit a config that is already broken
    const outlines = parseOpml(readFileSync(file, 'utf8'), file);
    const plan = await planImport(outlines, config, {
      languages: args.values.language,
      country: args.values.country,
      fetch: !args.values['no-fetch'],
    });
    for (const skip of plan.skipped) ctx.stdout.write(`skipped ${skip.url}: ${skip.reason}\n`);
    if (plan.added.length === 0) {
      ctx.stdout.write(`0 added, ${plan.skipped.length} skipped\n`);
      return EXIT.ok;
    }
    const today = new Date().toISOString().slice(0, 10);
    const sourcesFile = join(ctx.configDir, CONFIG_FILES.sources);
    const before = readFileSync(sourcesFile, 'utf8');
    const written = appendSources(
      ctx.configDir,
      plan.added.map(({ entry, guessed }) => ({
        entry,
        comments: [
          `from ${basename(file)} (${today})${guessed.length ? ': please check' : ''}`,
          ...guessed.map((guess) => `  ${guess.field}: ${guess.how}`),
        ],
      })),
    );
    try {
      await ctx.loadConfig(); // the edited file must still validate as a whole
    } catch (err) {
      writeFileSync(sourcesFile, before);
      throw err;
    }
    for (const { entry, guessed } of plan.added) {
      ctx.stdout.write(`added   ${entry.id}  ${entry.url}\n`);
      for (const guess of guessed) ctx.stdout.write(`        ${guess.field} ${guess.value}: ${guess.how}\n`);
    }
    ctx.stdout.write(
      `${plan.added.length} added, ${plan.skipped.length} skipped; review them in ${written.path} lines ${written.from}–${written.to}\n`,
    );
    return EXIT.ok;
  },
});

export const sourcesExportCommand = defineCommand({
  name: 'sources export',
  summary: 'print the sources as OPML 2.0 (the same document the server offers at /sources.opml)',
  usage: '',
  async run(_args, ctx) {
    const config = await ctx.loadConfig();
    ctx.stdout.write(sourcesOpml(config));
    return EXIT.ok;
  },
});

export const sourcesEnableCommand = defineCommand({
  name: 'sources enable',
  summary: 're-enable a source that was disabled after repeated failures, and poll it at the next run',
  usage: 'ID...',
  async run(args, ctx) {
    if (args.positionals.length === 0) throw new TipwireError('USAGE', 'name the source ids to enable');
    const config = await ctx.loadConfig();
    const store = await ctx.openStore(config);
    try {
      for (const id of args.positionals) {
        if (!config.sources.some((source) => source.id === id))
          throw new TipwireError('USAGE', `no source with id "${id}"`);
        const state = await store.getSourceState(id);
        await store.saveSourceState({
          ...(state ?? { sourceId: id }),
          sourceId: id,
          consecutiveFailures: 0,
          disabledAt: undefined,
          nextPollAt: undefined,
        });
        ctx.stdout.write(`${id}: enabled\n`);
      }
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
});
