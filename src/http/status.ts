// The operator's pages: /healthz (for container health checks: the store answers), /status (a page through the one
// layout, readable on a phone: the sources that need attention first, each with its last success, last failure and
// reason, failures in a row, this week's items, next poll; rejected config edits with their problems; job runs with
// durations; recent health events), /status.json (the same as data), /status.atom (the health events as a feed)
// and /metrics (Prometheus text format).
import { createHash } from 'node:crypto';
import { escapeHtml as esc } from '../core/html.ts';
import { healthReport, type HealthReport, type SourceHealthRow } from '../jobs/health.ts';
import { healthFeed } from '../jobs/health-report.ts';
import type { Metrics } from '../jobs/metrics.ts';
import { describePoll } from '../jobs/poll-summary.ts';
import { storeAnswers, type RuntimeStatus } from '../jobs/status.ts';
import { sendHtml, sendText } from './layout.ts';
import type { RequestContext } from './routes.ts';

function send(r: RequestContext, type: string, body: string, headers: Record<string, string> = {}): void {
  r.res.writeHead(200, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  r.res.end(body);
}

export async function healthz(r: RequestContext): Promise<void> {
  await storeAnswers(r.app);
  sendText(r.res, 200, 'ok');
}

/** The old single-word health of a source (kept in /status.json for scripts written against it). */
function oneWord(row: SourceHealthRow): string {
  if (row.marks.includes('off')) return 'off';
  if (row.marks.includes('disabled')) return 'disabled';
  if (row.marks.includes('failing')) return 'failing';
  return row.marks.includes('new') ? 'new' : 'ok';
}

export async function statusJson(r: RequestContext, runtime: RuntimeStatus): Promise<void> {
  const report = await healthReport(r.app, runtime);
  const body = {
    ...report,
    lastPoll: runtime.lastPoll
      ? {
          startedAt: runtime.lastPoll.startedAt,
          finishedAt: runtime.lastPoll.finishedAt,
          summary: runtime.lastPoll.summary,
          classified: runtime.lastPoll.classified,
          matched: runtime.lastPoll.matched,
          storiesCreated: runtime.lastPoll.storiesCreated,
        }
      : null,
    sources: report.sources.map((row) => ({ ...row, health: oneWord(row) })),
  };
  send(r, 'application/json; charset=utf-8', `${JSON.stringify(body, null, 2)}\n`);
}

/** "3 h ago", "in 25 min": the page is read by people; the exact time is in the element's datetime and title. */
function relative(iso: string | null, now: Date): string {
  if (!iso) return '—';
  const seconds = Math.round((Date.parse(iso) - now.getTime()) / 1000);
  const abs = Math.abs(seconds);
  const [n, unit] =
    abs < 90
      ? [abs, 's']
      : abs < 90 * 60
        ? [Math.round(abs / 60), 'min']
        : abs < 36 * 3600
          ? [Math.round(abs / 3600), 'h']
          : [Math.round(abs / 86400), 'd'];
  const text = abs < 2 ? 'just now' : seconds > 0 ? `in ${n} ${unit}` : `${n} ${unit} ago`;
  return `<time datetime="${esc(iso)}" title="${esc(iso)}">${text}</time>`;
}

const duration = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);

const MARK_TEXT: Record<string, string> = {
  failing: 'failing',
  disabled: 'disabled',
  moved: 'moved permanently',
  stale: 'stale',
  off: 'off in sources.yaml',
  new: 'not polled yet',
};

function sourceItem(row: SourceHealthRow, now: Date): string {
  const marks = row.marks.length
    ? row.marks.map((mark) => `<span class="mark ${mark}">${esc(MARK_TEXT[mark] ?? mark)}</span>`).join(' ')
    : '<span class="mark ok">ok</span>';
  const failure = row.lastFailure
    ? `${relative(row.lastFailureAt, now)}: <code>${esc(row.lastFailure.code)}</code> ${esc(row.lastFailure.message)}`
    : '—';
  const facts: [string, string][] = [
    ['last success', relative(row.lastSuccessAt, now)],
    ['last failure', failure],
    ['failures in a row', String(row.consecutiveFailures)],
    ['this week', `${row.week.seen} new items, ${row.week.matched} on topic`],
    ['last new item', relative(row.lastChangedAt, now)],
    [
      'next poll',
      row.disabledAt
        ? `disabled ${relative(row.disabledAt, now)}: <code>tipwire sources enable ${esc(row.id)}</code>`
        : relative(row.nextPollAt, now),
    ],
  ];
  if (row.movedTo) facts.push(['moved to', `${esc(row.movedTo)} (update its url in sources.yaml)`]);
  return `<li id="source-${esc(row.id)}" class="source${row.marks.some((m) => ['failing', 'disabled', 'moved', 'stale'].includes(m)) ? ' attention' : ''}">
<h3>${esc(row.id)} <span class="name">${esc(row.name)}</span></h3>
<p class="marks">${marks}</p>
<dl>${facts.map(([term, value]) => `<dt>${term}</dt><dd>${value}</dd>`).join('')}</dl>
</li>`;
}

function statusBody(report: HealthReport, runtime: RuntimeStatus): string {
  const now = new Date(report.generatedAt);
  const summary = runtime.lastPoll
    ? describePoll(runtime.lastPoll.summary, {
        matched: runtime.lastPoll.matched,
        storiesCreated: runtime.lastPoll.storiesCreated,
      })
    : undefined;
  const rejected = report.rejectedEdits.length
    ? `<ol class="rejected">${report.rejectedEdits
        .map(
          (event) =>
            `<li><p>${relative(event.at, now)}: ${esc(event.title)}</p><pre>${esc(event.detail)}</pre></li>`,
        )
        .join('\n')}</ol>`
    : '<p>None.</p>';
  const runs = report.jobRuns.length
    ? `<ol class="runs">${report.jobRuns
        .map(
          (run) =>
            `<li class="${run.outcome}"><strong>${esc(run.job)}</strong> ${relative(run.startedAt, now)}, ${duration(run.ms)}${run.outcome === 'failed' ? ', <span class="mark failing">failed</span>' : ''}<br><span class="summary">${esc(run.summary)}</span></li>`,
        )
        .join('\n')}</ol>`
    : '<p>No job has run yet.</p>';
  const events = report.events.length
    ? `<ol class="events">${report.events
        .map(
          (event) =>
            `<li class="${esc(event.kind)}">${relative(event.at, now)}: <strong>${esc(event.title)}</strong><br><span class="summary">${esc(event.detail)}</span></li>`,
        )
        .join('\n')}</ol>`
    : '<p>Nothing has happened yet.</p>';
  const next = Object.entries(report.nextRuns)
    .map(([job, at]) => `${esc(job)} ${relative(at ?? null, now)}`)
    .join(', ');
  return `<p class="overview"><strong>${report.attention} of ${report.sources.length} sources need attention.</strong>
${report.items} items stored, ${report.matchedItems} on topic.${next ? ` Next: ${next}.` : ''}</p>
${summary ? `<p class="overview">Last poll ${relative(runtime.lastPoll?.finishedAt ?? null, now)}: ${esc(summary)}</p>` : ''}
<p class="links"><a href="/status.json">status.json</a> · <a href="/status.atom">health feed</a> · <a href="/metrics">metrics</a></p>
<h2>Sources</h2>
<ul class="sources">
${report.sources.map((row) => sourceItem(row, now)).join('\n')}
</ul>
<h2>Rejected config edits</h2>
${rejected}
<h2>Job runs</h2>
${runs}
<h2>Health events</h2>
${events}`;
}

export async function statusPage(r: RequestContext, runtime: RuntimeStatus): Promise<void> {
  const report = await healthReport(r.app, runtime);
  sendHtml(r.res, 200, {
    locale: 'en',
    title: 'tipwire status',
    body: statusBody(report, runtime),
    head: '<link rel="alternate" type="application/atom+xml" title="tipwire health" href="/status.atom">',
    noindex: true,
  });
}

/** The health events as Atom, with a strong ETag so feed readers can ask "anything new?" cheaply. */
export async function statusAtom(r: RequestContext): Promise<void> {
  const xml = await healthFeed(r.app);
  const etag = `"${createHash('sha256').update(xml).digest('base64url').slice(0, 27)}"`;
  if (r.req.headers['if-none-match'] === etag) {
    r.res.writeHead(304, { ETag: etag, 'Cache-Control': 'no-cache' });
    r.res.end();
    return;
  }
  send(r, 'application/atom+xml; charset=utf-8', xml, { ETag: etag, 'Cache-Control': 'no-cache' });
}

export async function metrics(r: RequestContext, registry: Metrics): Promise<void> {
  send(r, registry.contentType, await registry.render(r.app.store, r.app.config(), r.app.now()));
}
