// The HTTP server is a thin shell: a list of route handlers tried in order. Each handler looks at the method and
// path and either answers (returns true) or passes (false). Feeds, subscriber pages and the status page each own one.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../core/log.ts';
import type { Config } from '../config/types.ts';
import type { Store } from '../store/port.ts';

export interface HttpContext {
  /** The config in force now (hot reload swaps it; handlers read it per request). */
  config(): Config;
  store: Store;
  log: Logger;
}

export type RouteHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  ctx: HttpContext,
) => Promise<boolean>;
