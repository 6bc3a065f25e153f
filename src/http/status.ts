// The operator's view over HTTP: /healthz (for container health checks: the store answers), /status.json and
// /status (a plain page): every source with its state and last error, the last poll, the next scheduled runs.
import type { ServerResponse } from 'node:http';
import type { SourceState } from '../core/types.ts';
import { escapeHtml } from '../core/html.ts';
import type { PollReport } from '../jobs/poll.ts';
import type { HttpContext, RouteHandler } from './routes.ts';

export interface RuntimeStatus {
  startedAt: string;
  lastPoll?: PollReport;
  nextRuns: Record<string, string | undefined>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function statusJson(ctx: HttpContext, runtime: RuntimeStatus): Promise<Record<string, unknown>> {
  const config = ctx.config();
  const states = new Map((await ctx.store.listSourceStates()).map((state) => [state.sourceId, state]));
  const health = (state: SourceState | undefined, enabled: boolean): string =>
    !enabled
      ? 'off'
      : state?.disabledAt
        ? 'disabled'
        : state?.lastError
          ? 'failing'
          : state?.lastSuccessAt
            ? 'ok'
            : 'new';
  return {
    startedAt: runtime.startedAt,
    configVersion: config.version,
    items: await ctx.store.countItems(),
    matchedItems: await ctx.store.countItems({ matched: true }),
    nextRuns: runtime.nextRuns,
    lastPoll: runtime.lastPoll
      ? {
          startedAt: runtime.lastPoll.startedAt,
          finishedAt: runtime.lastPoll.finishedAt,
          classified: runtime.lastPoll.classified,
          matched: runtime.lastPoll.matched,
          storiesCreated: runtime.lastPoll.storiesCreated,
        }
      : null,
    sources: config.sources.map((source) => {
      const state = states.get(source.id);
      return {
        id: source.id,
        name: source.name,
        url: source.url,
        health: health(state, source.enabled),
        lastPolledAt: state?.lastPolledAt ?? null,
        lastSuccessAt: state?.lastSuccessAt ?? null,
        nextPollAt: state?.nextPollAt ?? null,
        consecutiveFailures: state?.consecutiveFailures ?? 0,
        lastStatus: state?.lastStatus ?? null,
        lastError: state?.lastError ?? null,
        movedTo: state?.movedTo ?? null,
        lastItemCount: state?.lastItemCount ?? null,
      };
    }),
  };
}

function statusPage(status: Record<string, unknown>): string {
  const sources = status.sources as {
    id: string;
    name: string;
    health: string;
    lastPolledAt: string | null;
    consecutiveFailures: number;
    lastError: { code: string; message: string } | null;
    movedTo: string | null;
  }[];
  const rows = sources
    .map(
      (s) =>
        `<tr class="${s.health}"><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.name)}</td><td>${s.health}</td><td>${escapeHtml(s.lastPolledAt ?? '—')}</td><td>${s.consecutiveFailures || ''}</td><td>${escapeHtml(s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : s.movedTo ? `moved to ${s.movedTo}` : '')}</td></tr>`,
    )
    .join('\n');
  const broken = sources.filter((s) => s.health === 'failing' || s.health === 'disabled').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tipwire status</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:14px/1.4 system-ui,sans-serif;margin:2rem}table{border-collapse:collapse}td,th{padding:.25rem .6rem;border-bottom:1px solid #ddd;text-align:left}
.failing td:nth-child(3){color:#a60}.disabled td:nth-child(3){color:#c00;font-weight:bold}</style></head>
<body><h1>tipwire status</h1>
<p>${status.items as number} items stored, ${status.matchedItems as number} on topic. ${broken} of ${sources.length} sources need attention.</p>
<table><thead><tr><th>id</th><th>name</th><th>health</th><th>last poll</th><th>failures</th><th>last error</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p><a href="/status.json">status.json</a> · <a href="/feeds/all.atom">feed</a></p>
</body></html>
`;
}

export function statusRoutes(runtime: () => RuntimeStatus): RouteHandler {
  return async (req, res, url, ctx) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (url.pathname === '/healthz') {
      await ctx.store.countItems({ limit: 1 });
      send(res, 200, 'text/plain; charset=utf-8', 'ok\n');
      return true;
    }
    if (url.pathname === '/status.json') {
      send(
        res,
        200,
        'application/json; charset=utf-8',
        `${JSON.stringify(await statusJson(ctx, runtime()), null, 2)}\n`,
      );
      return true;
    }
    if (url.pathname === '/status') {
      send(res, 200, 'text/html; charset=utf-8', statusPage(await statusJson(ctx, runtime())));
      return true;
    }
    return false;
  };
}
