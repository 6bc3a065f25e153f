// The HTTP server: node:http and a list of route handlers tried in order (feeds, subscriber pages, status…); the
// first that answers wins, and a request none answers gets a plain-text 404. A handler that throws gets a 500 and a
// log line, never a crashed process. Adding a route file is one entry in the list the caller passes.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpContext, RouteHandler } from './routes.ts';

export interface RunningServer {
  /** http://host:port, with the port the system chose when 0 was asked for. */
  url: string;
  server: Server;
  /** Stops accepting, ends idle keep-alive connections at once and busy ones after their response. */
  close(): Promise<void>;
}

function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `${text}\n`;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    'Cache-Control': 'no-store',
  });
  res.end(body);
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly RouteHandler[],
  ctx: HttpContext,
): Promise<void> {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    sendText(res, 400, 'Bad request: the request target is not a valid path.');
    return;
  }
  // Feed text is other people's: never let a browser sniff it into something executable.
  res.setHeader('X-Content-Type-Options', 'nosniff');
  try {
    for (const route of routes) {
      if (await route(req, res, url, ctx)) return;
    }
    sendText(
      res,
      404,
      `Not found: ${url.pathname}. Feeds are at /feeds/all.rss, /feeds/all.atom and /feeds/all.json.`,
    );
  } catch (err) {
    ctx.log.error({ err, path: url.pathname }, `http: ${req.method ?? '?'} ${url.pathname} failed`);
    sendText(
      res,
      500,
      'Internal error: the server could not answer this request; the operator has it in the logs.',
    );
  }
}

export async function startServer(
  ctx: HttpContext,
  routes: readonly RouteHandler[],
  options: { host: string; port: number },
): Promise<RunningServer> {
  const server = createServer((req, res) => void handle(req, res, routes, ctx));
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  server.on('error', (err) => ctx.log.error({ err }, 'http: server error'));
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close() {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        server.closeIdleConnections();
        // Busy connections finish their response; a client that holds one open longer is cut.
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      return closing;
    },
  };
}
