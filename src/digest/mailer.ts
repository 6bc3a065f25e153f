// The Mailer port's two adapters, chosen once by the composition root (cli.ts openMailer): SMTP through a nodemailer
// pool when mail.smtpUrl (env TIPWIRE_SMTP_URL) is set — TLS as the URL says (smtps:// implicit TLS, smtp:// STARTTLS when offered; URL query
// options such as ?tls.rejectUnauthorized=false pass through to nodemailer), rate-limited to
// digest.rateLimitPerSecond — otherwise a file outbox that writes each message as a real RFC 5322 .eml file
// (built by nodemailer's stream transport) into paths.outbox, so the digest job works with no setup.
// Every failure becomes TipwireError MAIL_FAILED with details.permanent: true for 5xx replies (the address or
// message is refused), false for 4xx replies and connection trouble (worth a retry).
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import nodemailer from 'nodemailer';
import type { Logger } from '../core/log.ts';
import { TipwireError } from '../core/errors.ts';
import type { Mailer, OutgoingMail, SendResult } from './port.ts';

type MailOptions = Parameters<ReturnType<typeof nodemailer.createTransport>['sendMail']>[0];

/** nodemailer's message options for one mail: list headers (RFC 2369, 2919, 8058), stable Message-ID. */
export function toNodemailer(mail: OutgoingMail): MailOptions {
  const options: MailOptions = {
    from: mail.from,
    to: mail.to.name ? { name: mail.to.name, address: mail.to.address } : mail.to.address,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    messageId: `<${mail.messageId}>`,
    date: mail.date,
    headers: {},
  };
  if (mail.replyTo) options.replyTo = mail.replyTo;
  const list: Record<string, unknown> = {};
  if (mail.listId) list.id = { url: mail.listId.id, comment: mail.listId.name };
  if (mail.unsubscribe) {
    // One List-Unsubscribe header holding both addresses needs the nested array form.
    list.unsubscribe = mail.unsubscribe.mailto
      ? [[mail.unsubscribe.url, mail.unsubscribe.mailto]]
      : mail.unsubscribe.url;
    options.headers = { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
  }
  if (Object.keys(list).length > 0) options.list = list as MailOptions['list'];
  return options;
}

export function mailError(err: unknown, to: string): TipwireError {
  const e = err as { responseCode?: unknown; code?: unknown; message?: unknown; response?: unknown };
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const permanent = responseCode !== undefined && responseCode >= 500 && responseCode < 600;
  const reason = typeof e.response === 'string' ? e.response : String(e.message ?? err);
  return new TipwireError('MAIL_FAILED', `mail: sending to ${to} failed: ${reason}`, {
    cause: err,
    details: { permanent, responseCode, code: typeof e.code === 'string' ? e.code : undefined },
  });
}

export function createSmtpMailer(options: {
  url: string;
  maxConnections: number;
  rateLimitPerSecond: number;
  timeoutMs: number;
  log: Logger;
}): Mailer {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections,
    maxMessages: 100,
    rateDelta: 1000,
    rateLimit:
      options.rateLimitPerSecond > 0 ? Math.max(1, Math.round(options.rateLimitPerSecond)) : undefined,
    connectionTimeout: options.timeoutMs,
    greetingTimeout: options.timeoutMs,
    socketTimeout: options.timeoutMs,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const host = (() => {
    try {
      return new URL(options.url).host;
    } catch {
      return 'smtp';
    }
  })();
  options.log.info(
    { host, maxConnections: options.maxConnections, rate: options.rateLimitPerSecond },
    'smtp mailer ready',
  );
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        const info = await transport.sendMail(toNodemailer(mail));
        const rejected = (info.rejected ?? []) as unknown[];
        if (rejected.length > 0)
          throw Object.assign(new Error(`rejected ${rejected.join(', ')}`), { responseCode: 550 });
        return { messageId: mail.messageId, response: String(info.response ?? '') } satisfies SendResult;
      } catch (err) {
        throw mailError(err, mail.to.address);
      }
    },
    async close() {
      transport.close();
    },
  };
}

const safeFileName = (name: string): string => name.replace(/[^a-zA-Z0-9._@-]+/g, '_').slice(0, 180);

export function createFileMailer(dir: string, log: Logger): Mailer {
  mkdirSync(dir, { recursive: true });
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });
  log.info({ dir }, 'file mailer: messages are written as .eml files');
  return {
    kind: 'file',
    async send(mail) {
      try {
        const info = await transport.sendMail(toNodemailer(mail));
        const file = join(dir, `${safeFileName(mail.fileName ?? mail.messageId)}.eml`);
        // Write then rename: a crash leaves either the whole message or none, and a repeat overwrites the same file.
        const partial = `${file}.partial`;
        try {
          writeFileSync(partial, info.message as Buffer);
          renameSync(partial, file);
        } catch (err) {
          // A full or read-only disk: leave no truncated message behind; the digest is retried later.
          rmSync(partial, { force: true });
          throw err;
        }
        return { messageId: mail.messageId, response: file };
      } catch (err) {
        throw mailError(err, mail.to.address);
      }
    },
    async close() {
      transport.close();
    },
  };
}

export interface MailerOptions {
  /** smtp(s)://… ; undefined: the file outbox. */
  smtpUrl?: string | undefined;
  /** Folder of the file outbox, relative to the working directory like the feeds folder. */
  outbox: string;
  maxConnections: number;
  rateLimitPerSecond: number;
  timeoutMs: number;
}

/** SMTP when an SMTP URL is given (config mail.smtpUrl, env TIPWIRE_SMTP_URL), else the file outbox. */
export function createMailer(options: MailerOptions, log: Logger): Mailer {
  const child = log.child({ component: 'mailer' });
  if (options.smtpUrl) {
    return createSmtpMailer({
      url: options.smtpUrl,
      maxConnections: options.maxConnections,
      rateLimitPerSecond: options.rateLimitPerSecond,
      timeoutMs: options.timeoutMs,
      log: child,
    });
  }
  return createFileMailer(resolve(options.outbox), child);
}
