// `tipwire demo` (npm run demo): see src/demo/demo.ts. It drives the same commands an operator uses, against a
// config of its own, so what it shows is what `tipwire poll`, `publish` and `digest send` really do.
import { relative } from 'node:path';
import { demoPaths, serveDemoFeeds, writeDemoConfig } from '../../demo/demo.ts';
import { EXIT, defineCommand, type CommandContext } from '../command.ts';
import { renderTable, truncate } from '../table.ts';
import { pollCommand } from './poll.ts';
import { digestSendCommand } from './digest.ts';
import { weekPeriod } from '../../jobs/digest.ts';

/** Two readers of the demo: an English one who wants everything, a Russian one who follows Kyrgyzstan's labour migrants. */
const DEMO_SUBSCRIBERS = [
  {
    email: 'aigul@example.org',
    name: 'Aigul',
    locale: 'en',
    timeZone: 'Asia/Bishkek',
    topics: [],
    countries: [],
    languages: [],
  },
  {
    email: 'timur@example.org',
    name: 'Тимур',
    locale: 'ru',
    timeZone: 'Asia/Tashkent',
    topics: ['trafficking', 'labour-migration'],
    countries: ['kg', 'uz'],
    languages: [],
  },
];

export const demoCommand = defineCommand({
  name: 'demo',
  summary:
    'run the whole pipeline offline against invented demo feeds served on 127.0.0.1 (its own data/demo/ and out/demo/)',
  usage: '',
  async run(_args, ctx) {
    const root = process.cwd();
    const feeds = await serveDemoFeeds();
    try {
      const dir = writeDemoConfig(root, feeds.origin, ctx.configDir);
      const demo: CommandContext = {
        ...ctx,
        configDir: dir,
        // The demo's own folders and outbox whatever the environment says for a real run.
        loadConfig: async () =>
          ctx.loadConfig({
            dir,
            env: {
              ...ctx.env,
              TIPWIRE_DATABASE_URL: '',
              TIPWIRE_SMTP_URL: '',
              TIPWIRE_DATA_DIR: '',
              TIPWIRE_FEEDS_DIR: '',
              TIPWIRE_OUTBOX_DIR: '',
            },
          }),
      };
      ctx.stdout.write(`demo feeds served at ${feeds.origin}; config written to ${dir}\n\n`);
      const polled = await pollCommand.run({ values: { all: true }, positionals: [] }, demo);

      const config = await demo.loadConfig();
      const store = await demo.openStore(config);
      try {
        const stories = await store.listStories({});
        ctx.stdout.write(`\n${stories.length} stories:\n`);
        ctx.stdout.write(
          renderTable(
            ['story', 'topics', 'countries', 'items', 'languages', 'title'],
            stories.map((story) => [
              story.id.slice(0, 8),
              story.topics.join(','),
              story.countries.join(',').toUpperCase(),
              story.items.length,
              story.languages.join(','),
              truncate(story.representative.title, 70),
            ]),
          ),
        );
        for (const subscriber of DEMO_SUBSCRIBERS) {
          await store.digest.addSubscriber({
            ...subscriber,
            frequency: 'weekly',
            status: 'active',
            confirmedAt: new Date().toISOString(),
          });
        }
      } finally {
        await store.close();
      }
      ctx.stdout.write(`\ndigests of this week for ${DEMO_SUBSCRIBERS.map((s) => s.email).join(' and ')}:\n`);
      // This week's digest, sent early: it holds what has arrived so far (the demo's stories, first seen just now).
      const period = weekPeriod(new Date());
      const sent = await digestSendCommand.run({ values: { period }, positionals: [] }, demo);
      const paths = demoPaths(root);
      const shown = (path: string): string => relative(root, path) || '.';
      ctx.stdout.write(
        `\nThe demo's result is in folders of its own (a real run uses config/, data/ and out/ and never touches them):\n` +
          `  feeds     ${shown(paths.feeds)}/\n  digests   ${shown(paths.outbox)}/  (.eml files)\n` +
          `  database  ${shown(paths.database)}\n  config    ${shown(paths.config)}/\n\n` +
          `Browse it:  npx tipwire serve --config ${shown(paths.config)}\n` +
          `            then open http://127.0.0.1:${config.app.server.port}/ (feeds: /feeds/all.atom, status: /status)\n`,
      );
      // A failed demo source would be a bug in the demo, except the deliberately broken one, which must still be read.
      return polled === EXIT.ok && sent === EXIT.ok ? EXIT.ok : EXIT.failed;
    } finally {
      await feeds.close();
    }
  },
});
