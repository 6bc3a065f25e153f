// The web archive of the digest: every period at least one digest was sent for is a page, /digest/2026-W48 (weekly)
// or /digest/2026-11-29 (daily), made from the same content as the mail: the same story query, composition
// (digest/compose.ts) and view (digest/render.ts digestView), so its heading names the same days as the mail's
// subject, its counts and sections are the mail's. Two ways in:
//  - a mail's "view in your browser" link carries a signed view token: the page shows that subscriber's digest of
//    that period (their window from the outbox; their choices, zone and language as they are now, since the outbox
//    keeps no copy of them), without ever showing the address;
//  - without one, the period's edition for everyone: the installation's window (digest.schedule in digest.timeZone),
//    all stories, narrowed by ?topic=&country=&language= (checked like a subscriber's choices), in the page's language.
// A period nobody was sent is not a page. The index lists the editions, the latest first; their names come from
// their stories, so each is composed once and remembered for a while (the caller keeps the memo).
import type { Config } from '../config/types.ts';
import type { Subscriber } from '../core/types.ts';
import { composeDigest, type DigestContent } from '../digest/compose.ts';
import { localDay, type Locale } from '../digest/i18n.ts';
import { digestPeriod, digestView, type DigestViewModel } from '../digest/render.ts';
import { dueForPeriod, parseSendTime, type Frequency } from '../digest/schedule.ts';
import { verifyToken } from '../digest/tokens.ts';
import type { JobContext } from './context.ts';
import { archivePath, renderContext } from './digest.ts';
import { storiesInSlice } from './stories.ts';
import { checkChoices, deliveryOf } from './subscribers.ts';

/** Every story of a period is on its page: the size budget is the mail's, not the web's. */
const PAGE_CAP = 10_000;
/** How long the index remembers an edition's name and count. */
const MEMO_MS = 10 * 60_000;
const INDEX_LIMIT = 104;

export const frequencyOf = (period: string): Frequency | undefined =>
  /^\d{4}-W\d{2}$/.test(period) ? 'weekly' : /^\d{4}-\d{2}-\d{2}$/.test(period) ? 'daily' : undefined;

export interface EditionFilter {
  topics: readonly string[];
  countries: readonly string[];
  languages: readonly string[];
}

export interface Edition {
  period: string;
  frequency: Frequency;
  /** What the page shows: the digest's view model, in `locale`. */
  view: DigestViewModel;
  /** True when a view token chose it: one subscriber's digest, as mailed. */
  personal: boolean;
  /** The filters in force (the subscriber's choices for a personal page). */
  filter: EditionFilter;
}

interface Window {
  start: string;
  end: string;
  firstDay: string;
  lastDay: string;
}

/** The installation's window of a period: what everyone on digest.schedule in digest.timeZone got. */
function publicWindow(config: Config, period: string, frequency: Frequency): Window | undefined {
  const { timeZone, schedule } = config.app.digest;
  const due = dueForPeriod(period, timeZone, frequency, parseSendTime(schedule));
  if (!due) return undefined;
  return {
    start: due.defaultWindowStart.toISOString(),
    end: due.windowEnd.toISOString(),
    firstDay: due.firstDay,
    lastDay: due.lastDay,
  };
}

async function wasSent(ctx: JobContext, period: string): Promise<boolean> {
  return (await ctx.store.digest.listSentPeriods()).some((sent) => sent.period === period);
}

async function compose(
  ctx: JobContext,
  subscriber: Subscriber,
  window: Window,
): Promise<{ content: DigestContent; config: Config }> {
  const config = ctx.config();
  const stories = await storiesInSlice(
    ctx.store,
    { topics: subscriber.topics, countries: subscriber.countries, languages: [] },
    { firstSeenSince: window.start, firstSeenUntil: window.end },
  );
  const content = composeDigest(stories, subscriber, {
    topicOrder: config.topics.topics.map((t) => t.id),
    cap: PAGE_CAP,
  });
  return { content, config };
}

function reader(config: Config, locale: Locale, filter: EditionFilter, frequency: Frequency): Subscriber {
  return {
    id: 'archive',
    email: '',
    locale,
    timeZone: config.app.digest.timeZone,
    topics: [...filter.topics],
    countries: [...filter.countries],
    languages: [...filter.languages],
    frequency,
    status: 'active',
    createdAt: new Date(0).toISOString(),
  };
}

/**
 * One archive page, or undefined when the period was never sent (or is no period). A view token that does not
 * verify, or whose subscriber or digest is gone, gives the public edition. Throws SUBSCRIBER_INVALID for filters
 * naming what does not exist.
 */
export async function readEdition(
  ctx: JobContext,
  period: string,
  request: EditionFilter & { view?: string | undefined; locale: Locale },
): Promise<Edition | undefined> {
  const config = ctx.config();
  const frequency = frequencyOf(period);
  if (!frequency) return undefined;

  const id = request.view ? verifyToken(config.app.digest.secret, request.view, 'view') : undefined;
  const row = id ? await ctx.store.digest.getDigest(id, period) : undefined;
  const subscriber =
    row?.state === 'sent' ? await ctx.store.digest.getSubscriber(row.subscriberId) : undefined;
  if (row && subscriber) {
    const zone = deliveryOf(subscriber, config).timeZone;
    const window = {
      start: row.windowStart,
      end: row.windowEnd,
      firstDay: localDay(row.windowStart, zone),
      lastDay: localDay(new Date(Date.parse(row.windowEnd) - 1).toISOString(), zone),
    };
    const { content } = await compose(ctx, subscriber, window);
    return {
      period,
      frequency,
      view: digestView(content, pageContext(config, subscriber, window, period)),
      personal: true,
      filter: subscriber,
    };
  }

  const window = publicWindow(config, period, frequency);
  if (!window || !(await wasSent(ctx, period))) return undefined;
  const choices = checkChoices(config, {
    topics: request.topics,
    countries: request.countries,
    languages: request.languages,
  });
  const filter = { topics: choices.topics, countries: choices.countries, languages: choices.languages };
  const everyone = reader(config, request.locale, filter, frequency);
  const { content } = await compose(ctx, everyone, window);
  return {
    period,
    frequency,
    view: digestView(content, pageContext(config, everyone, window, period)),
    personal: false,
    filter,
  };
}

/** The mail's render context with the web's links: sections on the same page, sign-up instead of personal links. */
function pageContext(config: Config, subscriber: Subscriber, window: Window, period: string) {
  const ctx = renderContext(config, subscriber, { ...window, issued: new Date(0), period });
  ctx.links = {
    preferences: '/subscribe',
    unsubscribe: '/subscribe',
    view: archivePath(period),
    topic: (topic) => `#topic-${encodeURIComponent(topic)}`,
  };
  ctx.maxPerTopic = PAGE_CAP;
  return ctx;
}

export interface EditionSummary {
  period: string;
  frequency: Frequency;
  /** The days its stories were published ("22–28 Nov 2026"), as its page and the mails name them. */
  label: string;
  stories: number;
  path: string;
}

interface Remembered {
  at: number;
  content: Pick<DigestContent, 'published' | 'total'>;
  window: Window;
}

/** What the index remembers between requests; one per server (routes.ts). */
export type EditionMemo = Map<string, Remembered>;

export const createEditionMemo = (): EditionMemo => new Map();

/** The editions, the latest first (at most INDEX_LIMIT), named in the reader's locale. */
export async function listEditions(
  ctx: JobContext,
  locale: Locale,
  memo: EditionMemo = createEditionMemo(),
): Promise<EditionSummary[]> {
  const config = ctx.config();
  const now = ctx.now().getTime();
  const out: EditionSummary[] = [];
  for (const { period } of await ctx.store.digest.listSentPeriods(INDEX_LIMIT)) {
    const frequency = frequencyOf(period);
    if (!frequency) continue;
    let known = memo.get(period);
    if (!known || now - known.at > MEMO_MS) {
      const window = publicWindow(config, period, frequency);
      if (!window) continue;
      const { content } = await compose(
        ctx,
        reader(config, locale, { topics: [], countries: [], languages: [] }, frequency),
        window,
      );
      known = { at: now, content: { published: content.published, total: content.total }, window };
      memo.set(period, known);
    }
    out.push({
      period,
      frequency,
      label: digestPeriod(
        known.content,
        {
          timeZone: config.app.digest.timeZone,
          firstDay: known.window.firstDay,
          lastDay: known.window.lastDay,
        },
        locale,
      ),
      stories: known.content.total,
      path: archivePath(period),
    });
  }
  return out;
}
