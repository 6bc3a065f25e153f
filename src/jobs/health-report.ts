// The weekly operator report: what /status.atom says, by e-mail, through the same Mailer port as the digests (SMTP,
// or an .eml file in the outbox). Sent when health.reportTo is set, once per ISO week: the week is claimed in the
// store before sending (a restart, a second worker or a repeated run finds it claimed), and the claim is released
// when the send fails, so the next run tries again.
import { stableId } from '../core/hash.ts';
import { escapeHtml } from '../core/html.ts';
import { isoWeekLabel } from '../digest/index.ts';
import { renderHealthFeed } from '../publish/health-feed.ts';
import type { HealthEvent } from '../store/port.ts';
import type { JobContext } from './context.ts';
import {
  healthReport,
  NEWS_KINDS,
  needsAttention,
  type HealthReport,
  type SourceHealthRow,
} from './health.ts';
import type { RuntimeStatus } from './status.ts';

const DAY = 86_400_000;

export interface HealthMail {
  subject: string;
  text: string;
  html: string;
}

function sourceLine(row: SourceHealthRow): string {
  const failure = row.lastFailure
    ? `; last failure ${row.lastFailureAt ?? '?'}: ${row.lastFailure.code}: ${row.lastFailure.message}`
    : '';
  const moved = row.movedTo ? `; moved to ${row.movedTo}` : '';
  return `${row.id} (${row.marks.join(', ')}): ${row.week.seen} new items this week, ${row.week.matched} on topic${failure}${moved}`;
}

/** The report's text: the sources that need attention, then the week's events, then a count of job runs. */
export function healthMail(
  report: HealthReport,
  week: string,
  events: HealthEvent[],
  statusUrl: string,
): HealthMail {
  const attention = report.sources.filter(needsAttention);
  const failedRuns = report.jobRuns.filter((run) => run.outcome === 'failed').length;
  const subject =
    attention.length === 0
      ? `tipwire health ${week}: all ${report.sources.length} sources fine`
      : `tipwire health ${week}: ${attention.length} of ${report.sources.length} sources need attention`;
  const lines = [
    subject,
    '',
    attention.length ? 'Needs attention:' : 'No source needs attention.',
    ...attention.map((row) => `- ${sourceLine(row)}`),
    '',
    events.length ? `This week (${events.length} events, newest first):` : 'Nothing happened this week.',
    ...events.map((event) => `- ${event.at} ${event.title}\n  ${event.detail.replace(/\n/g, '\n  ')}`),
    '',
    `Job runs shown on the status page: ${report.jobRuns.length}, ${failedRuns} failed.`,
    `${report.items} items stored, ${report.matchedItems} on topic.`,
    '',
    `Status page: ${statusUrl}`,
  ];
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head><body>
<h1>${escapeHtml(subject)}</h1>
<h2>Needs attention</h2>
${attention.length ? `<ul>${attention.map((row) => `<li>${escapeHtml(sourceLine(row))}</li>`).join('')}</ul>` : '<p>No source needs attention.</p>'}
<h2>This week</h2>
${events.length ? `<ul>${events.map((event) => `<li><strong>${escapeHtml(event.title)}</strong> <small>${escapeHtml(event.at)}</small><br>${escapeHtml(event.detail).replace(/\n/g, '<br>')}</li>`).join('')}</ul>` : '<p>Nothing happened this week.</p>'}
<p>${report.items} items stored, ${report.matchedItems} on topic. Job runs on the status page: ${report.jobRuns.length}, ${failedRuns} failed.</p>
<p><a href="${escapeHtml(statusUrl)}">Status page</a></p>
</body></html>`;
  return { subject, text: `${lines.join('\n')}\n`, html };
}

export type ReportOutcome = 'sent' | 'not-configured' | 'already-sent';

/** Sends this week's report unless it is off or was sent already. Throws (after releasing the week) if sending fails. */
export async function sendHealthReport(
  ctx: JobContext,
  runtime: RuntimeStatus,
): Promise<{ outcome: ReportOutcome; week: string; subject?: string }> {
  const config = ctx.config();
  const now = ctx.now();
  const week = isoWeekLabel(Math.floor(now.getTime() / DAY));
  const to = config.app.health.reportTo;
  if (!to) return { outcome: 'not-configured', week };
  const claim: HealthEvent = {
    id: stableId(`report-sent\u0000${week}\u0000${to}`),
    at: now.toISOString(),
    kind: 'report-sent',
    title: `health report ${week} to ${to}`,
    detail: '',
  };
  if (!(await ctx.store.health.addEvent(claim))) return { outcome: 'already-sent', week };
  try {
    const report = await healthReport(ctx, runtime);
    const events = await ctx.store.health.listEvents({
      kinds: NEWS_KINDS,
      since: new Date(now.getTime() - 7 * DAY).toISOString(),
      limit: 200,
    });
    const statusUrl = `${config.app.server.baseUrl.replace(/\/+$/, '')}/status`;
    const mail = healthMail(report, week, events, statusUrl);
    const host = new URL(config.app.server.baseUrl).hostname || 'tipwire.invalid';
    await ctx.mailer.send({
      from: config.app.digest.from,
      to: { address: to },
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      messageId: `health.${week}.${claim.id}@${host}`,
      date: now,
      fileName: `health-${week}`,
    });
    return { outcome: 'sent', week, subject: mail.subject };
  } catch (err) {
    await ctx.store.health.deleteEvent(claim.id);
    throw err;
  }
}

/** /status.atom: the last 100 health events. */
export async function healthFeed(ctx: Pick<JobContext, 'store' | 'config' | 'now'>): Promise<string> {
  const events = await ctx.store.health.listEvents({ kinds: NEWS_KINDS, limit: 100 });
  return renderHealthFeed(events, {
    baseUrl: ctx.config().app.server.baseUrl,
    updated: ctx.now().toISOString(),
  });
}
