// /status.atom: the operator's health events (a source failing, recovering, going stale, moving, being disabled; a
// config edit rejected) as an Atom 1.0 feed, for operators who watch feeds rather than pages. Pure: events in, XML
// out. Each entry's id is the event's stable id, so a reader shows each happening once.
import { tagUri } from './entries.ts';

export interface HealthFeedEvent {
  id: string;
  at: string;
  kind: string;
  sourceId?: string | undefined;
  title: string;
  detail: string;
}

export interface HealthFeedMeta {
  baseUrl: string;
  /** When the feed was made: the newest event's time, or now when there is none. */
  updated: string;
}

function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      // XML 1.0 has no place for most control characters; an error message could carry one.
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '')
  );
}

const base = (url: string): string => url.replace(/\/+$/, '');

export function renderHealthFeed(events: readonly HealthFeedEvent[], meta: HealthFeedMeta): string {
  const root = base(meta.baseUrl);
  const updated = events[0]?.at ?? meta.updated;
  const entries = events.map((event) => {
    const link = event.sourceId
      ? `${root}/status#source-${encodeURIComponent(event.sourceId)}`
      : `${root}/status`;
    return `  <entry>
    <id>${escapeXml(tagUri(meta.baseUrl, `/status/event/${event.id}`))}</id>
    <title type="text">${escapeXml(event.title)}</title>
    <updated>${escapeXml(event.at)}</updated>
    <link rel="alternate" type="text/html" href="${escapeXml(link)}"/>
    <category term="${escapeXml(event.kind)}"/>
    <content type="text">${escapeXml(event.detail)}</content>
  </entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${escapeXml(tagUri(meta.baseUrl, '/status.atom'))}</id>
  <title type="text">tipwire health</title>
  <subtitle type="text">Sources failing, recovering, going stale or moving; configuration edits rejected.</subtitle>
  <updated>${escapeXml(updated)}</updated>
  <author><name>tipwire</name></author>
  <generator>tipwire</generator>
  <link rel="self" type="application/atom+xml" href="${escapeXml(`${root}/status.atom`)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(`${root}/status`)}"/>
${entries.join('\n')}
</feed>
`;
}
