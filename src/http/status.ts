// The operator's pages: /healthz (for container health checks: the store answers), /status.json and /status (a
// page through the one layout): every source with its state and last error, the last poll, the next scheduled runs.
import { escapeHtml } from '../core/html.ts';
import { statusReport, storeAnswers, type RuntimeStatus, type StatusReport } from '../jobs/status.ts';
import { sendHtml, sendText } from './layout.ts';
import type { RequestContext } from './routes.ts';

function send(r: RequestContext, type: string, body: string): void {
  r.res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
  });
  r.res.end(body);
}

export async function healthz(r: RequestContext): Promise<void> {
  await storeAnswers(r.app);
  sendText(r.res, 200, 'ok');
}

export async function statusJson(r: RequestContext, runtime: RuntimeStatus): Promise<void> {
  send(
    r,
    'application/json; charset=utf-8',
    `${JSON.stringify(await statusReport(r.app, runtime), null, 2)}\n`,
  );
}

function statusBody(status: StatusReport): string {
  const rows = status.sources
    .map(
      (s) =>
        `<tr class="${s.health}"><td>${escapeHtml(s.id)}</td><td>${escapeHtml(s.name)}</td><td>${s.health}</td><td>${escapeHtml(s.lastPolledAt ?? '—')}</td><td>${s.consecutiveFailures || ''}</td><td>${escapeHtml(s.lastError ? `${s.lastError.code}: ${s.lastError.message}` : s.movedTo ? `moved to ${s.movedTo}` : '')}</td></tr>`,
    )
    .join('\n');
  const broken = status.sources.filter((s) => s.health === 'failing' || s.health === 'disabled').length;
  return `<p>${status.items} items stored, ${status.matchedItems} on topic. ${broken} of ${status.sources.length} sources need attention.</p>
<table><thead><tr><th>id</th><th>name</th><th>health</th><th>last poll</th><th>failures</th><th>last error</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p><a href="/status.json">status.json</a></p>`;
}

export async function statusPage(r: RequestContext, runtime: RuntimeStatus): Promise<void> {
  sendHtml(r.res, 200, {
    locale: 'en',
    title: 'tipwire status',
    body: statusBody(await statusReport(r.app, runtime)),
  });
}
