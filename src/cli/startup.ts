// What `tipwire run` and `tipwire serve` say when they start: where to look (status page, feeds, outbox, database,
// config) and what is still set for a development machine. It goes to the log (stderr), one event, so a terminal
// shows a short block and a log shipper one record.
import { relative, resolve } from 'node:path';
import type { Logger } from '../core/log.ts';
import type { Config } from '../config/types.ts';
import { startupWarnings } from '../config/deployment.ts';

function shown(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') ? `${rel}/` : `${resolve(path)}/`;
}

function databaseShown(url: string): string {
  if (url.startsWith('sqlite:')) return shown(url.slice('sqlite:'.length)).replace(/\/$/, '');
  // Never log a password.
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export interface StartFacts {
  /** Where the HTTP server listens, or undefined when there is none (`run --no-server`). */
  url?: string;
  /** Nothing stored yet: say what the first poll will do. */
  firstRun: boolean;
  /** run: polls and sends; serve: only serves. */
  mode: 'run' | 'serve';
}

export function startBanner(config: Config, facts: StartFacts): string {
  const { paths, mail, server } = config.app;
  const lines = [
    facts.firstRun && facts.mode === 'run'
      ? `tipwire is running (first run: the first poll starts now; unreachable sources are retried with backoff)`
      : `tipwire is ${facts.mode === 'run' ? 'running' : 'serving'}`,
  ];
  if (facts.url) {
    lines.push(`  status page  ${facts.url}/status  (also /status.json, /healthz)`);
    lines.push(`  feeds        ${facts.url}/feeds/all.atom  (files in ${shown(paths.feeds)})`);
  } else lines.push(`  feeds        files in ${shown(paths.feeds)} (no HTTP server)`);
  if (facts.mode === 'run')
    lines.push(
      mail.smtpUrl
        ? `  mail         sent by SMTP (${databaseShown(mail.smtpUrl)})`
        : `  outbox       ${shown(paths.outbox)}  (.eml files; set TIPWIRE_SMTP_URL to send mail)`,
    );
  lines.push(`  database     ${databaseShown(config.app.store.databaseUrl)}`);
  lines.push(
    `  config       ${shown(config.dir)}${facts.mode === 'run' ? '  (edits apply without a restart)' : ''}`,
  );
  if (facts.url && !config.defaulted?.baseUrl) lines.push(`  links        ${server.baseUrl}`);
  return lines.join('\n');
}

/** Logs the banner and every development-only setting still in force. */
export function announceStart(log: Logger, config: Config, facts: StartFacts): void {
  log.info(
    {
      url: facts.url,
      feeds: resolve(config.app.paths.feeds),
      outbox: config.app.mail.smtpUrl ? undefined : resolve(config.app.paths.outbox),
      firstRun: facts.firstRun,
    },
    startBanner(config, facts),
  );
  for (const warning of startupWarnings(config)) log.warn({ setting: warning.setting }, warning.message);
}
