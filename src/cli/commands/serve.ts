// `tipwire serve`: the HTTP server alone (no polling): opens the store and the mailer, serves every route of
// http/routes.ts (feeds, stories, subscriber pages, status), and stops cleanly on SIGINT or SIGTERM (server
// closed, then the store). Feeds written by another process (`tipwire poll` from cron) appear within
// server.feedCacheSeconds.
// `tipwire publish`: one static export of every feed to paths.feeds (see jobs/publish.ts).
import { startServer } from '../../http/server.ts';
import { publishFeeds } from '../../jobs/publish.ts';
import { withListenAddress } from '../../config/deployment.ts';
import { EXIT, defineCommand } from '../command.ts';
import { openJobs } from '../jobs.ts';
import { stopSignal } from '../signals.ts';
import { announceStart } from '../startup.ts';

export const serveCommand = defineCommand({
  name: 'serve',
  summary:
    'serve feeds, story page, subscriber pages and status over HTTP (no polling); stops on SIGINT/SIGTERM',
  usage: '[--host HOST] [--port PORT]',
  options: {
    host: { type: 'string', value: 'HOST', description: 'address to listen on (default server.host)' },
    port: {
      type: 'string',
      value: 'PORT',
      description: 'port to listen on, 0 for any (default server.port)',
    },
  },
  async run(args, ctx) {
    let config = await ctx.loadConfig();
    const portText = args.values.port;
    const port = portText === undefined ? config.app.server.port : Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      ctx.stderr.write(`serve: --port must be a number from 0 to 65535, not "${portText ?? ''}"\n`);
      return EXIT.usage;
    }
    const host = args.values.host ?? config.app.server.host;
    // Read per request: links follow the address the server really listens on (set below).
    const jobs = await openJobs(ctx, () => config);
    const log = ctx.log;
    // Listen for the signals before the server is up, so one that arrives during start-up is not lost.
    const stopped = stopSignal(log);
    let server;
    try {
      server = await startServer(jobs, { host, port });
    } catch (err) {
      await jobs.close();
      ctx.stderr.write(`serve: cannot listen on ${host}:${port}: ${(err as Error).message}\n`);
      return EXIT.failed;
    }
    // Links follow --port (and the port the system chose for 0) unless a public base URL is configured.
    config = withListenAddress(config, { host, port: Number(new URL(server.url).port) });
    announceStart(log, config, { url: server.url, firstRun: false, mode: 'serve' });
    ctx.stdout.write(
      `serving feeds at ${server.url}/feeds/all.atom (also .rss, .json) and ${server.url}/sources.opml\n`,
    );
    const signal = await stopped;
    log.info({ signal }, 'stopping');
    await server.close();
    await jobs.close();
    ctx.stdout.write('stopped\n');
    return EXIT.ok;
  },
});

export const publishCommand = defineCommand({
  name: 'publish',
  summary: 'write every feed (RSS, Atom, JSON Feed, OPML) to the feeds folder once',
  usage: '',
  async run(_args, ctx) {
    const config = await ctx.loadConfig();
    const store = await ctx.openStore(config);
    try {
      const report = await publishFeeds(store, config, { now: new Date(), log: ctx.log });
      ctx.stdout.write(
        `feeds: ${report.files} files in ${config.app.paths.feeds} (${report.written} changed, ${report.unchanged} unchanged` +
          `${config.app.publish.websubHub ? `, ${report.pinged} announced to the hub` : ''}) in ${report.ms} ms\n`,
      );
      return EXIT.ok;
    } finally {
      await store.close();
    }
  },
});
