// The HTTP server: node:http and the route table (routes.ts). Per request, in this order: the security headers of
// layout.ts (one strict Content-Security-Policy for every response) → the route whose path matches (exact, or a
// prefix for "/feeds/*") → its handler for the method (HEAD is answered by GET's, without a body; any other
// method gets 405 with Allow) → a plain-text 404 when no path matches. A handler that throws gets a 500 and a log
// line, never a crashed process.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JobContext } from '../jobs/context.ts';
import { SECURITY_HEADERS, sendText } from './layout.ts';
import { createRoutes, METHODS, type Method, type Route } from './routes.ts';

export interface RunningServer {
  /** http://host:port, with the port the system chose when 0 was asked for. */
  url: string;
  server: Server;
  /** Stops accepting, ends idle keep-alive connections at once and busy ones after their response. */
  close(): Promise<void>;
}

export function findRoute(routes: readonly Route[], pathname: string): Route | undefined {
  return routes.find((route) =>
    route.path.endsWith('/*') ? pathname.startsWith(route.path.slice(0, -1)) : route.path === pathname,
  );
}

export function allowedMethods(route: Route): string {
  return METHODS.filter((method) => (method === 'HEAD' ? route.GET : route[method])).join(', ');
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  routes: readonly Route[],
  app: JobContext,
): Promise<void> {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    sendText(res, 400, 'Bad request: the request target is not a valid path.');
    return;
  }
  try {
    const route = findRoute(routes, url.pathname);
    if (!route) {
      sendText(
        res,
        404,
        `Not found: ${url.pathname}. Stories are at /; feeds at /feeds/all.rss, /feeds/all.atom and /feeds/all.json.`,
      );
      return;
    }
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? '');
    const handler = (METHODS as readonly string[]).includes(method) ? route[method as Method] : undefined;
    if (!handler) {
      const allow = allowedMethods(route);
      sendText(res, 405, `Method ${req.method ?? '?'} not allowed at ${url.pathname}: use ${allow}.`, {
        Allow: allow,
      });
      return;
    }
    await handler({ req, res, url, app });
  } catch (err) {
    app.log.error({ err, path: url.pathname }, `http: ${req.method ?? '?'} ${url.pathname} failed`);
    sendText(
      res,
      500,
      'Internal error: the server could not answer this request; the operator has it in the logs.',
    );
  }
}

export async function startServer(
  app: JobContext,
  options: { host: string; port: number; routes?: readonly Route[] },
): Promise<RunningServer> {
  const routes = options.routes ?? createRoutes();
  const server = createServer((req, res) => void handle(req, res, routes, app));
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port, options.host, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  server.on('error', (err) => app.log.error({ err }, 'http: server error'));
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
