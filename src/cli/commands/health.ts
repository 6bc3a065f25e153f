// `tipwire health`: asks the running server's /healthz on the port the configuration (and TIPWIRE_PORT) gives, so a
// container HEALTHCHECK follows the port instead of hard-coding :8080. Exit 0 when it answers 200, 1 otherwise.
import { listenUrl } from '../../config/deployment.ts';
import { EXIT, type Command } from '../command.ts';

export const healthCommand: Command = {
  name: 'health',
  summary: "ask this machine's running server whether it is healthy (for container health checks)",
  usage: '[--timeout MS]',
  options: { timeout: { type: 'string' } },
  async run(args, ctx) {
    const config = await ctx.loadConfig();
    const timeoutMs = Number(args.values.timeout ?? 4000);
    const url = `${listenUrl(config.app.server.host, config.app.server.port)}/healthz`;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      ctx.stdout.write(`${url}: ${response.status}\n`);
      return response.ok ? EXIT.ok : EXIT.failed;
    } catch (err) {
      ctx.stderr.write(`${url}: no answer (${(err as Error).message})\n`);
      return EXIT.failed;
    }
  },
};
