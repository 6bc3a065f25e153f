// Subscriber pages, served beside the feeds: plain, accessible HTML (one form, native controls, labels, lang set,
// no scripts, no external assets; a CSP forbids them anyway). Every link from a mail carries a signed token
// (src/digest/tokens.ts); no page reveals whether an address is subscribed.
//   GET  /confirm?token=       double opt-in: pending → active (confirm tokens expire after 7 days)
//   GET  /unsubscribe?token=   a page with one button; never acts, so link scanners and prefetchers cannot unsubscribe
//   POST /unsubscribe?token=   acts: RFC 8058 one-click (body "List-Unsubscribe=One-Click") and the page's button
//   GET  /subscribe, POST /subscribe        sign-up form → pending subscriber + confirm mail
//   GET  /preferences?token=, POST …        change topics, countries, languages, language of the digest, frequency
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Subscriber } from '../core/types.ts';
import type { Config } from '../config/types.ts';
import { escapeHtml as esc } from '../core/html.ts';
import { asLocale, countryName, languageName, type Locale } from '../digest/i18n.ts';
import { createMailer } from '../digest/mailer.ts';
import type { Mailer } from '../digest/port.ts';
import type { DigestTemplates } from '../digest/render.ts';
import { isValidTimeZone } from '../digest/schedule.ts';
import { verifyToken } from '../digest/tokens.ts';
import { loadDigestTemplates, sendConfirmation } from '../jobs/digest.ts';
import type { HttpContext, RouteHandler } from './routes.ts';

const CONFIRM_MAX_AGE_SECONDS = 7 * 86_400;
const MAX_BODY = 16 * 1024;
const COUNTRIES = ['kz', 'kg', 'tj', 'tm', 'uz'];
const LANGUAGES = ['en', 'ru', 'kk', 'ky', 'tg', 'tk', 'uz'];

/** Addresses we accept: one plain address, no display name, no spaces or control characters (no header injection). */
export function isPlainEmail(value: string): boolean {
  if (value.length > 254 || [...value].some((ch) => ch.charCodeAt(0) < 32 || ch.charCodeAt(0) === 127))
    return false;
  return /^[^\s@<>()[\]\\,;:"]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/i.test(
    value,
  );
}

const TEXT: Record<Locale, Record<string, string>> = {
  en: {
    invalid:
      'This link is not valid or has expired. Use the link in your most recent e-mail, or sign up again.',
    confirmed: 'Your subscription is confirmed. The first digest arrives at the next regular sending time.',
    alreadyConfirmed: 'This subscription is already confirmed (or was ended). Nothing changed.',
    unsubscribeTitle: 'Unsubscribe',
    unsubscribeAsk: 'Stop sending the tipwire digest to this address?',
    unsubscribeButton: 'Unsubscribe',
    unsubscribed: 'You are unsubscribed. No more digests will be sent to this address.',
    subscribeTitle: 'Subscribe to the tipwire digest',
    subscribeIntro:
      'A weekly e-mail with news on human trafficking and migration in Central Asia. Leave a group empty to get all of it.',
    email: 'E-mail address',
    topics: 'Topics',
    countries: 'Countries',
    languages: 'Languages of the stories',
    locale: 'Language of the digest',
    frequency: 'How often',
    weekly: 'Weekly',
    daily: 'Daily',
    subscribeButton: 'Subscribe',
    checkInbox:
      'Thank you. If the address can receive the digest, a message to confirm it is on its way: open the link in it.',
    badEmail: 'Please enter one e-mail address, like name@example.org.',
    preferencesTitle: 'Your choices',
    saveButton: 'Save',
    saved: 'Your choices are saved; the next digest follows them.',
    methodNotAllowed: 'This address only answers GET and POST.',
  },
  ru: {
    invalid:
      'Ссылка недействительна или устарела. Воспользуйтесь ссылкой из последнего письма или подпишитесь снова.',
    confirmed: 'Подписка подтверждена. Первый дайджест придёт в ближайшее обычное время рассылки.',
    alreadyConfirmed: 'Эта подписка уже подтверждена (или отменена). Ничего не изменилось.',
    unsubscribeTitle: 'Отписка',
    unsubscribeAsk: 'Больше не присылать дайджест tipwire на этот адрес?',
    unsubscribeButton: 'Отписаться',
    unsubscribed: 'Вы отписались. Дайджест на этот адрес больше не придёт.',
    subscribeTitle: 'Подписка на дайджест tipwire',
    subscribeIntro:
      'Еженедельное письмо о торговле людьми и миграции в Центральной Азии. Оставьте группу пустой, чтобы получать всё.',
    email: 'Адрес электронной почты',
    topics: 'Темы',
    countries: 'Страны',
    languages: 'Языки материалов',
    locale: 'Язык дайджеста',
    frequency: 'Как часто',
    weekly: 'Раз в неделю',
    daily: 'Каждый день',
    subscribeButton: 'Подписаться',
    checkInbox:
      'Спасибо. Если на этот адрес можно отправить дайджест, письмо для подтверждения уже в пути: откройте ссылку в нём.',
    badEmail: 'Введите один адрес, например name@example.org.',
    preferencesTitle: 'Ваш выбор',
    saveButton: 'Сохранить',
    saved: 'Выбор сохранён; следующий дайджест будет по нему.',
    methodNotAllowed: 'Этот адрес отвечает только на GET и POST.',
  },
};

function page(res: ServerResponse, status: number, locale: Locale, title: string, body: string): true {
  const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${esc(title)} · tipwire</title>
<style>
body{font-family:system-ui,Arial,sans-serif;line-height:1.5;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem}fieldset{border:1px solid #d0d7de;margin:1rem 0;padding:.5rem 1rem}legend{font-weight:bold}
label{display:block;margin:.25rem 0}input[type=email],select{font:inherit;padding:.4rem;width:100%;max-width:24rem}
button{font:inherit;font-size:1.1rem;padding:.6rem 1.2rem;background:#0b57a4;color:#fff;border:0;border-radius:4px;cursor:pointer}
button:focus,input:focus,select:focus{outline:3px solid #f59e0b;outline-offset:2px}p.note{color:#57606a}
</style>
</head>
<body>
<main>
<h1>${esc(title)}</h1>
${body}
</main>
</body>
</html>
`;
  res.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Length': Buffer.byteLength(html),
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Content-Security-Policy':
      "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  });
  res.end(html);
  return true;
}

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

function localeOf(req: IncomingMessage, fallback?: string): Locale {
  if (fallback) return asLocale(fallback);
  return /^\s*ru\b/i.test(String(req.headers['accept-language'] ?? '')) ? 'ru' : 'en';
}

function choicesForm(
  config: Config,
  locale: Locale,
  t: Record<string, string>,
  current: Partial<Subscriber>,
  action: string,
  withEmail: boolean,
  button: string,
): string {
  const box = (name: string, value: string, label: string, checked: boolean): string =>
    `<label><input type="checkbox" name="${name}" value="${esc(value)}"${checked ? ' checked' : ''}> ${esc(label)}</label>`;
  const topics = config.topics.topics
    .map((topic) =>
      box(
        'topics',
        topic.id,
        topic.names[locale] ?? topic.names.en ?? topic.id,
        current.topics?.includes(topic.id) ?? false,
      ),
    )
    .join('\n');
  const countries = COUNTRIES.map((c) =>
    box('countries', c, countryName(c, locale), current.countries?.includes(c) ?? false),
  ).join('\n');
  const languages = LANGUAGES.map((l) =>
    box('languages', l, languageName(l), current.languages?.includes(l) ?? false),
  ).join('\n');
  const option = (value: string, label: string, selected: boolean): string =>
    `<option value="${value}"${selected ? ' selected' : ''}>${esc(label)}</option>`;
  return `<form method="post" action="${esc(action)}">
${withEmail ? `<label for="email">${esc(t.email ?? '')}</label>\n<input type="email" id="email" name="email" required autocomplete="email" value="${esc(current.email ?? '')}">` : ''}
<fieldset><legend>${esc(t.topics ?? '')}</legend>
${topics}
</fieldset>
<fieldset><legend>${esc(t.countries ?? '')}</legend>
${countries}
</fieldset>
<fieldset><legend>${esc(t.languages ?? '')}</legend>
${languages}
</fieldset>
<label for="locale">${esc(t.locale ?? '')}</label>
<select id="locale" name="locale">${option('en', 'English', locale === 'en')}${option('ru', 'Русский', locale === 'ru')}</select>
<label for="frequency">${esc(t.frequency ?? '')}</label>
<select id="frequency" name="frequency">${option('weekly', t.weekly ?? '', current.frequency !== 'daily')}${option('daily', t.daily ?? '', current.frequency === 'daily')}</select>
<input type="hidden" name="timeZone" value="${esc(current.timeZone ?? '')}">
<p><button type="submit">${esc(button)}</button></p>
</form>`;
}

function parseChoices(form: URLSearchParams, config: Config) {
  const known = new Set(config.topics.topics.map((t) => t.id));
  const zone = form.get('timeZone') ?? '';
  return {
    topics: form.getAll('topics').filter((t) => known.has(t)),
    countries: form.getAll('countries').filter((c) => COUNTRIES.includes(c)),
    languages: form.getAll('languages').filter((l) => LANGUAGES.includes(l)),
    locale: asLocale(form.get('locale') ?? 'en'),
    frequency: form.get('frequency') === 'daily' ? ('daily' as const) : ('weekly' as const),
    timeZone: zone && isValidTimeZone(zone) ? zone : undefined,
  };
}

export interface SubscriberRouteDeps {
  /** The mailer for confirm mails, or a function that gives it when the first one is sent. */
  mailer: Mailer | ((ctx: HttpContext) => Mailer);
  /** Compiled templates for the confirm mail; compiled on first sign-up when absent. */
  templates?: DigestTemplates;
  now?: () => Date;
}

/** The subscriber pages as one route handler, sending confirm mails through the given mailer. */
export function createSubscriberRoutes(deps: SubscriberRouteDeps): RouteHandler {
  const now = deps.now ?? (() => new Date());
  let templates: Promise<DigestTemplates> | undefined = deps.templates
    ? Promise.resolve(deps.templates)
    : undefined;

  return async (req, res, url, ctx: HttpContext) => {
    const paths = ['/confirm', '/unsubscribe', '/subscribe', '/preferences'];
    if (!paths.includes(url.pathname)) return false;
    const config = ctx.config();
    const secret = config.app.digest.secret;
    const db = ctx.store.digest;
    const token = url.searchParams.get('token') ?? '';
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST' && method !== 'HEAD') {
      res.setHeader('Allow', 'GET, POST');
      return page(res, 405, 'en', 'tipwire', `<p>${esc(TEXT.en.methodNotAllowed ?? '')}</p>`);
    }

    if (url.pathname === '/subscribe') {
      const t = TEXT[localeOf(req)];
      const locale = localeOf(req);
      if (method !== 'POST') {
        return page(
          res,
          200,
          locale,
          t.subscribeTitle ?? '',
          `<p>${esc(t.subscribeIntro ?? '')}</p>\n${choicesForm(config, locale, t, {}, '/subscribe', true, t.subscribeButton ?? '')}`,
        );
      }
      const form = await readForm(req);
      const email = (form?.get('email') ?? '').trim();
      if (!form || !isPlainEmail(email)) {
        return page(
          res,
          400,
          locale,
          t.subscribeTitle ?? '',
          `<p role="alert">${esc(t.badEmail ?? '')}</p>\n${choicesForm(config, locale, t, { email }, '/subscribe', true, t.subscribeButton ?? '')}`,
        );
      }
      const choices = parseChoices(form, config);
      const at = now();
      let subscriber = await db.getSubscriberByEmail(email);
      if (!subscriber) {
        subscriber = await db.addSubscriber({
          email,
          locale: choices.locale,
          timeZone: choices.timeZone ?? config.app.digest.timeZone,
          topics: choices.topics,
          countries: choices.countries,
          languages: choices.languages,
          frequency: choices.frequency,
          status: 'pending',
          createdAt: at.toISOString(),
        });
      } else if (subscriber.status === 'unsubscribed' || subscriber.status === 'pending') {
        // Coming back (or asking again): new choices, pending until this new confirmation.
        const updated = { ...subscriber, ...choices, timeZone: choices.timeZone ?? subscriber.timeZone };
        await db.updateSubscriber(updated);
        if (subscriber.status === 'unsubscribed')
          await db.setSubscriberStatus(subscriber.id, 'pending', at.toISOString());
        subscriber = { ...updated, status: 'pending' };
      }
      // Active and bounced addresses get no mail; the page reads the same, so it reveals nothing.
      if (subscriber.status === 'pending') {
        templates ??= loadDigestTemplates(config);
        try {
          const mailer = typeof deps.mailer === 'function' ? deps.mailer(ctx) : deps.mailer;
          await sendConfirmation({ mailer, config, templates: await templates }, subscriber, at);
        } catch (err) {
          ctx.log.error(
            { err, subscriber: subscriber.id },
            'subscribe: the confirmation mail could not be sent',
          );
        }
      }
      return page(
        res,
        200,
        choices.locale,
        t.subscribeTitle ?? '',
        `<p role="status">${esc(TEXT[choices.locale].checkInbox ?? '')}</p>`,
      );
    }

    if (url.pathname === '/confirm') {
      const id = verifyToken(secret, token, 'confirm', {
        now: now(),
        maxAgeSeconds: CONFIRM_MAX_AGE_SECONDS,
      });
      const subscriber = id ? await db.getSubscriber(id) : undefined;
      if (!subscriber)
        return page(
          res,
          400,
          localeOf(req),
          'tipwire',
          `<p role="alert">${esc(TEXT[localeOf(req)].invalid ?? '')}</p>`,
        );
      const t = TEXT[asLocale(subscriber.locale)];
      const confirmed = await db.confirmSubscriber(subscriber.id, now().toISOString());
      return page(
        res,
        200,
        asLocale(subscriber.locale),
        'tipwire',
        `<p role="status">${esc((confirmed ? t.confirmed : t.alreadyConfirmed) ?? '')}</p>`,
      );
    }

    const purpose = url.pathname === '/unsubscribe' ? 'unsubscribe' : 'preferences';
    const id = verifyToken(secret, token, purpose);
    const subscriber = id ? await db.getSubscriber(id) : undefined;
    if (!subscriber) {
      if (method === 'POST') await readForm(req).catch(() => undefined);
      return page(
        res,
        400,
        localeOf(req),
        'tipwire',
        `<p role="alert">${esc(TEXT[localeOf(req)].invalid ?? '')}</p>`,
      );
    }
    const locale = asLocale(subscriber.locale);
    const t = TEXT[locale];
    const self = `${url.pathname}?token=${encodeURIComponent(token)}`;

    if (url.pathname === '/unsubscribe') {
      if (method === 'POST') {
        await readForm(req).catch(() => undefined); // "List-Unsubscribe=One-Click" or the button's empty form
        await db.setSubscriberStatus(subscriber.id, 'unsubscribed', now().toISOString());
        ctx.log.info({ subscriber: subscriber.id }, 'unsubscribed');
        return page(
          res,
          200,
          locale,
          t.unsubscribeTitle ?? '',
          `<p role="status">${esc(t.unsubscribed ?? '')}</p>`,
        );
      }
      if (subscriber.status === 'unsubscribed') {
        return page(
          res,
          200,
          locale,
          t.unsubscribeTitle ?? '',
          `<p role="status">${esc(t.unsubscribed ?? '')}</p>`,
        );
      }
      return page(
        res,
        200,
        locale,
        t.unsubscribeTitle ?? '',
        `<p>${esc(t.unsubscribeAsk ?? '')}</p>\n<form method="post" action="${esc(self)}">\n<p><button type="submit">${esc(t.unsubscribeButton ?? '')}</button></p>\n</form>`,
      );
    }

    // /preferences
    if (method === 'POST') {
      const form = await readForm(req);
      if (form) {
        const choices = parseChoices(form, config);
        await db.updateSubscriber({
          ...subscriber,
          ...choices,
          timeZone: choices.timeZone ?? subscriber.timeZone,
        });
        const saved = TEXT[choices.locale];
        return page(
          res,
          200,
          choices.locale,
          saved.preferencesTitle ?? '',
          `<p role="status">${esc(saved.saved ?? '')}</p>`,
        );
      }
    }
    return page(
      res,
      200,
      locale,
      t.preferencesTitle ?? '',
      choicesForm(config, locale, t, subscriber, self, false, t.saveButton ?? ''),
    );
  };
}

/**
 * The route handler to list in startServer when no mailer is at hand: confirm mails go through a mailer made from
 * the config in force at the first sign-up (SMTP or the file outbox), made again when mail settings change.
 */
export const subscriberRoutes: RouteHandler = (() => {
  let made: { key: string; mailer: Mailer } | undefined;
  return createSubscriberRoutes({
    mailer: (ctx) => {
      const config = ctx.config();
      const key = `${config.app.mail.smtpUrl ?? ''}|${config.app.paths.outbox}`;
      if (made?.key !== key) {
        void made?.mailer.close();
        made = { key, mailer: createMailer(config, ctx.log) };
      }
      return made.mailer;
    },
  });
})();
