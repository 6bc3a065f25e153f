// The subscriber pages, one function per page, each a thin shell over jobs/subscribers.ts: read the request, call
// the use-case, render through the layout in the reader's language. Every link from a mail carries a signed token;
// no page reveals whether an address is subscribed, and a page reached through a token shows its address masked
// (a***@example.org). Links from mails only show: confirming and unsubscribing take a POST (a button), because mail
// scanners open every link of a message. Forms that change something (/subscribe, /preferences, /confirm) are
// refused when posted from another site (sameSiteOnly); /unsubscribe is not, because RFC 8058 one-click POSTs come
// from mail providers' servers, and its token already proves the link came from the mail.
// The time zone, day and hour need no script: the zone list opens on "automatic" (the first chosen country's zone,
// else a guess from Accept-Language, named in the option), day and hour on digest.schedule's.
import type { IncomingMessage } from 'node:http';
import { escapeHtml as esc } from '../core/html.ts';
import { countryName, dateFormat, languageName } from '../core/intl.ts';
import type { Subscriber } from '../core/types.ts';
import { zoneOfCountry } from '../core/zones.ts';
import type { Config } from '../config/types.ts';
import {
  asLocale,
  automaticZone,
  confirm,
  deliveryOf,
  invalidChoice,
  maskEmail,
  preferencesPath,
  savePreferences,
  subscribe,
  subscriberFromToken,
  subscriberOptions,
  unsubscribe,
  type ChoicesInput,
  type ClientLimiter,
  type Locale,
} from '../jobs/subscribers.ts';
import { choiceName, negotiateLocale, words, type PageWords } from './i18n.ts';
import { sendHtml } from './layout.ts';
import type { Handler, RequestContext } from './routes.ts';

const MAX_BODY = 16 * 1024;

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return undefined;
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The choices a form carries; fields the form has no control for stay undefined (unchanged). */
function formChoices(form: URLSearchParams, req: IncomingMessage): ChoicesInput {
  return {
    topics: form.getAll('topics'),
    countries: form.getAll('countries'),
    languages: form.getAll('languages'),
    locale: form.get('locale') ?? undefined,
    frequency: form.get('frequency') ?? undefined,
    timeZone: form.get('timeZone') ?? undefined,
    browserLanguages: String(req.headers['accept-language'] ?? ''),
    sendDay: form.get('sendDay') ?? undefined,
    sendHour: form.get('sendHour') ?? undefined,
  };
}

// --- when the digest comes -----------------------------------------------------------------------------------------

/** Monday … Sunday in the page's language, for ISO weekdays 1 … 7 (1 January 2024 was a Monday). */
function weekdayName(day: number, locale: Locale): string {
  return dateFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(Date.UTC(2024, 0, day));
}

const clock = (hour: number, minute = 0): string =>
  `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;

/** "Asia/Bishkek (GMT+6)": the zone's name and its offset now, so a reader who knows either finds it. */
function zoneLabel(zone: string, now: Date): string {
  const offset =
    dateFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' })
      .formatToParts(now)
      .find((part) => part.type === 'timeZoneName')?.value ?? '';
  return `${zone.replace(/_/g, ' ')}${offset ? ` (${offset})` : ''}`;
}

/** The sentence that says when this subscriber's digest comes, in their language. */
function deliveryText(subscriber: Subscriber, config: Config, locale: Locale): string {
  const delivery = deliveryOf(subscriber, config);
  return words(locale).delivery(
    delivery.frequency,
    weekdayName(delivery.weekday, locale),
    clock(delivery.hour, delivery.minute),
    delivery.timeZone,
  );
}

function timeControls(r: RequestContext, locale: Locale, current: Partial<Subscriber>): string {
  const t = words(locale);
  const config = r.app.config();
  const now = r.app.now();
  const option = (value: string, label: string, selected: boolean): string =>
    `<option value="${esc(value)}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const defaults = deliveryOf(
    { timeZone: config.app.digest.timeZone, frequency: 'weekly', sendDay: undefined, sendHour: undefined },
    config,
  );
  const day = current.sendDay ?? defaults.weekday;
  const hour = current.sendHour ?? defaults.hour;
  const days = [1, 2, 3, 4, 5, 6, 7]
    .map((d) => option(String(d), weekdayName(d, locale), d === day))
    .join('');
  const hours = Array.from({ length: 24 }, (_, h) => option(String(h), clock(h), h === hour)).join('');
  let zone = '';
  if (config.app.digest.perSubscriberTimeZone) {
    const chosen = current.timeZone;
    const guess = automaticZone(config, [], String(r.req.headers['accept-language'] ?? ''));
    const offered = [
      ...new Set(
        subscriberOptions(config)
          .countries.map((c) => zoneOfCountry(c))
          .filter((z): z is string => z !== undefined),
      ),
    ];
    const all = Intl.supportedValuesOf('timeZone');
    const zones = (list: readonly string[], skip: Set<string>) =>
      list
        .filter((z) => !skip.has(z))
        .map((z) => option(z, zoneLabel(z, now), z === chosen))
        .join('');
    zone = `<label for="timeZone">${esc(t.timeZone)}</label>
<select id="timeZone" name="timeZone" aria-describedby="timeZone-note">${option('auto', t.zoneAuto(guess), chosen === undefined)}<optgroup label="${esc(t.zonesOffered)}">${zones(offered, new Set())}</optgroup><optgroup label="${esc(t.zonesAll)}">${zones(all, new Set(offered))}</optgroup></select>
<p class="note" id="timeZone-note">${esc(t.zoneAutoNote(guess))}</p>
`;
  }
  return `${zone}<label for="sendDay">${esc(t.sendDay)}</label>
<select id="sendDay" name="sendDay">${days}</select>
<label for="sendHour">${esc(t.sendHour)}</label>
<select id="sendHour" name="sendHour">${hours}</select>`;
}

/**
 * True when a state-changing POST comes from our own pages: the browser's Sec-Fetch-Site says same-origin, or (older
 * browsers) its Origin is ours. A request with neither header is no browser's cross-site form post (every browser
 * that posts across sites sends Origin), so scripts and curl still work.
 */
function fromOurSite({ req, app }: RequestContext): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  const own = new Set<string>();
  try {
    own.add(new URL(app.config().app.server.baseUrl).origin);
  } catch {
    // a base URL that does not parse leaves only the Host header to compare with
  }
  if (req.headers.host) own.add(`http://${req.headers.host}`).add(`https://${req.headers.host}`);
  return own.has(origin);
}

export function sameSiteOnly(handler: Handler): Handler {
  return async (r) => {
    if (fromOurSite(r)) return handler(r);
    await readForm(r.req).catch(() => undefined);
    const locale = negotiateLocale(r.req);
    const t = words(locale);
    sendHtml(r.res, 403, {
      locale,
      title: 'tipwire',
      body: `<p role="alert">${esc(t.crossSite)}</p>`,
      noindex: true,
    });
  };
}

function choicesForm(
  r: RequestContext,
  locale: Locale,
  current: Partial<Subscriber>,
  action: string,
  withEmail: boolean,
  button: string,
): string {
  const t = words(locale);
  const options = subscriberOptions(r.app.config());
  const box = (name: string, value: string, label: string, checked: boolean): string =>
    `<label><input type="checkbox" name="${name}" value="${esc(value)}"${checked ? ' checked' : ''}> ${esc(label)}</label>`;
  const topics = options.topics
    .map((topic) =>
      box(
        'topics',
        topic.id,
        topic.names[locale] ?? topic.names.en ?? topic.id,
        current.topics?.includes(topic.id) ?? false,
      ),
    )
    .join('\n');
  const countries = options.countries
    .map((c) => box('countries', c, countryName(c, locale), current.countries?.includes(c) ?? false))
    .join('\n');
  const languages = options.languages
    .map((l) => box('languages', l, languageName(l), current.languages?.includes(l) ?? false))
    .join('\n');
  const option = (value: string, label: string, selected: boolean): string =>
    `<option value="${value}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  const digestLocale = asLocale(current.locale ?? locale);
  return `<form method="post" action="${esc(action)}">
${withEmail ? `<label for="email">${esc(t.email)}</label>\n<input type="email" id="email" name="email" required autocomplete="email" value="${esc(current.email ?? '')}">` : ''}
<fieldset><legend>${esc(t.topics)}</legend>
${topics}
</fieldset>
<fieldset><legend>${esc(t.countries)}</legend>
${countries}
</fieldset>
<fieldset><legend>${esc(t.languages)}</legend>
${languages}
</fieldset>
<label for="locale">${esc(t.locale)}</label>
<select id="locale" name="locale">${option('en', languageName('en'), digestLocale === 'en')}${option('ru', languageName('ru'), digestLocale === 'ru')}</select>
<label for="frequency">${esc(t.frequency)}</label>
<select id="frequency" name="frequency">${option('weekly', t.weekly, current.frequency !== 'daily')}${option('daily', t.daily, current.frequency === 'daily')}</select>
${timeControls(r, locale, current)}
<p><button type="submit">${esc(button)}</button></p>
</form>`;
}

/** A refused choice, said in the page's language, or undefined when err is not one (then it is rethrown). */
function problemText(err: unknown, t: PageWords, locale: Locale): string | undefined {
  const problem = invalidChoice(err);
  return problem ? t.invalidChoice(problem, choiceName(problem.field, locale)) : undefined;
}

// --- /subscribe ----------------------------------------------------------------------------------------------------

export const subscribeForm: Handler = async (r) => {
  const locale = negotiateLocale(r.req);
  const t = words(locale);
  sendHtml(r.res, 200, {
    locale,
    title: t.subscribeTitle,
    body: `<p>${esc(t.subscribeIntro)}</p>\n${choicesForm(r, locale, {}, '/subscribe', true, t.subscribeButton)}`,
  });
};

export async function subscribeSubmit(r: RequestContext, signups: ClientLimiter): Promise<void> {
  const locale = negotiateLocale(r.req);
  const t = words(locale);
  const form = (await readForm(r.req)) ?? new URLSearchParams();
  const email = form.get('email') ?? '';
  try {
    const outcome = await subscribe(
      r.app,
      { email, ...formChoices(form, r.req) },
      { id: r.req.socket.remoteAddress ?? 'unknown', limiter: signups },
    );
    const done = words(outcome.locale);
    if (outcome.status === 'too-many') {
      sendHtml(
        r.res,
        429,
        {
          locale: outcome.locale,
          title: done.subscribeTitle,
          body: `<p role="alert">${esc(done.tooMany)}</p>`,
          noindex: true,
        },
        { 'Retry-After': '3600' },
      );
      return;
    }
    sendHtml(r.res, 200, {
      locale: outcome.locale,
      title: done.subscribeTitle,
      body: `<p role="status">${esc(done.checkInbox)}</p>`,
      noindex: true,
    });
  } catch (err) {
    const problem = problemText(err, t, locale);
    if (problem === undefined) throw err;
    const number = (value: string | null): number | undefined =>
      value === null || !/^\d{1,2}$/.test(value) ? undefined : Number(value);
    const zone = form.get('timeZone');
    const current = {
      email,
      topics: form.getAll('topics'),
      countries: form.getAll('countries'),
      languages: form.getAll('languages'),
      timeZone: zone && zone !== 'auto' ? zone : undefined,
      sendDay: number(form.get('sendDay')),
      sendHour: number(form.get('sendHour')),
    };
    sendHtml(r.res, 400, {
      locale,
      title: t.subscribeTitle,
      body: `<p role="alert">${esc(problem)}</p>\n${choicesForm(r, locale, current, '/subscribe', true, t.subscribeButton)}`,
    });
  }
}

// --- links from mails ----------------------------------------------------------------------------------------------

function invalidLink(r: RequestContext): void {
  const locale = negotiateLocale(r.req);
  sendHtml(r.res, 400, {
    locale,
    title: 'tipwire',
    body: `<p role="alert">${esc(words(locale).invalidLink)}</p>`,
    noindex: true,
  });
}

const tokenOf = (r: RequestContext): string => r.url.searchParams.get('token') ?? '';

/** GET: who and what, and one button; nothing changes (mail scanners open links). */
export const confirmForm: Handler = async (r) => {
  const subscriber = await subscriberFromToken(r.app, tokenOf(r), 'confirm');
  if (!subscriber) return invalidLink(r);
  const locale = asLocale(subscriber.locale);
  const t = words(locale);
  const self = `/confirm?token=${encodeURIComponent(tokenOf(r))}`;
  const body =
    subscriber.status === 'pending'
      ? `<p>${esc(t.confirmAsk(maskEmail(subscriber.email)))}</p>
<p class="note">${esc(deliveryText(subscriber, r.app.config(), locale))}</p>
<form method="post" action="${esc(self)}">
<p><button type="submit">${esc(t.confirmButton)}</button></p>
</form>`
      : `<p role="status">${esc(t.alreadyConfirmed)}</p>`;
  sendHtml(r.res, 200, { locale, title: t.confirmTitle, body, noindex: true });
};

/** POST (the button): pending → active; then when the digest comes, and a way on to the preferences. */
export const confirmSubmit: Handler = async (r) => {
  await readForm(r.req).catch(() => undefined);
  const subscriber = await subscriberFromToken(r.app, tokenOf(r), 'confirm');
  if (!subscriber) return invalidLink(r);
  const locale = asLocale(subscriber.locale);
  const t = words(locale);
  const confirmed = await confirm(r.app, subscriber);
  sendHtml(r.res, 200, {
    locale,
    title: t.confirmTitle,
    body: confirmed
      ? `<p role="status">${esc(t.confirmed)}</p>
<p>${esc(deliveryText(subscriber, r.app.config(), locale))} <a href="${esc(preferencesPath(r.app, subscriber))}">${esc(t.changeChoices)}</a></p>`
      : `<p role="status">${esc(t.alreadyConfirmed)}</p>`,
    noindex: true,
  });
};

export const unsubscribeForm: Handler = async (r) => {
  const subscriber = await subscriberFromToken(r.app, tokenOf(r), 'unsubscribe');
  if (!subscriber) return invalidLink(r);
  const locale = asLocale(subscriber.locale);
  const t = words(locale);
  const self = `/unsubscribe?token=${encodeURIComponent(tokenOf(r))}`;
  const masked = maskEmail(subscriber.email);
  const body =
    subscriber.status === 'unsubscribed'
      ? `<p role="status">${esc(t.unsubscribed(masked))}</p>`
      : `<p>${esc(t.unsubscribeAsk(masked))}</p>\n<form method="post" action="${esc(self)}">\n<p><button type="submit">${esc(t.unsubscribeButton)}</button></p>\n</form>`;
  sendHtml(r.res, 200, { locale, title: t.unsubscribeTitle, body, noindex: true });
};

/** RFC 8058 one-click (body "List-Unsubscribe=One-Click") and the page's button: both act at once. */
export const unsubscribeSubmit: Handler = async (r) => {
  await readForm(r.req).catch(() => undefined);
  const subscriber = await subscriberFromToken(r.app, tokenOf(r), 'unsubscribe');
  if (!subscriber) return invalidLink(r);
  await unsubscribe(r.app, subscriber);
  const locale = asLocale(subscriber.locale);
  const t = words(locale);
  sendHtml(r.res, 200, {
    locale,
    title: t.unsubscribeTitle,
    body: `<p role="status">${esc(t.unsubscribed(maskEmail(subscriber.email)))}</p>`,
    noindex: true,
  });
};

export const preferencesForm: Handler = async (r) => {
  const subscriber = await subscriberFromToken(r.app, tokenOf(r), 'preferences');
  if (!subscriber) return invalidLink(r);
  const locale = asLocale(subscriber.locale);
  const t = words(locale);
  const self = `/preferences?token=${encodeURIComponent(tokenOf(r))}`;
  sendHtml(r.res, 200, {
    locale,
    title: t.preferencesTitle,
    body: `<p class="note">${esc(maskEmail(subscriber.email))} · ${esc(deliveryText(subscriber, r.app.config(), locale))}</p>
${choicesForm(r, locale, subscriber, self, false, t.saveButton)}`,
    noindex: true,
  });
};

export const preferencesSubmit: Handler = async (r) => {
  const form = await readForm(r.req);
  const subscriber = await subscriberFromToken(r.app, tokenOf(r), 'preferences');
  if (!subscriber) return invalidLink(r);
  if (!form) return preferencesForm(r);
  const locale = asLocale(subscriber.locale);
  const t = words(locale);
  try {
    const saved = await savePreferences(r.app, subscriber, formChoices(form, r.req));
    const savedLocale = asLocale(saved.locale);
    const done = words(savedLocale);
    const self = `/preferences?token=${encodeURIComponent(tokenOf(r))}`;
    sendHtml(r.res, 200, {
      locale: savedLocale,
      title: done.preferencesTitle,
      body: `<p role="status">${esc(done.saved)}</p>
<p>${esc(deliveryText(saved, r.app.config(), savedLocale))} <a href="${esc(self)}">${esc(done.changeChoices)}</a></p>`,
      noindex: true,
    });
  } catch (err) {
    const problem = problemText(err, t, locale);
    if (problem === undefined) throw err;
    const self = `/preferences?token=${encodeURIComponent(tokenOf(r))}`;
    sendHtml(r.res, 400, {
      locale,
      title: t.preferencesTitle,
      body: `<p role="alert">${esc(problem)}</p>\n${choicesForm(r, locale, subscriber, self, false, t.saveButton)}`,
      noindex: true,
    });
  }
};
