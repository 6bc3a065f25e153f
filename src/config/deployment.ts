// Where the service is reachable, and what is still set for a development machine. The public base URL (feed self
// links, confirm / unsubscribe / digest links) is server.baseUrl when the operator gives one (TIPWIRE_BASE_URL);
// otherwise it follows the address the server really listens on, so `--port 9000` or TIPWIRE_PORT=9000 never leaves
// links on :8080. A wildcard listen address (0.0.0.0 in a container) is not an address anyone can open, so the
// derived link says 127.0.0.1 and a startup warning asks for the public address.
import type { Config } from './types.ts';

const WILDCARD = new Set(['', '0.0.0.0', '::', '[::]']);

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
}

/** http://HOST:PORT for a listen address, with the wildcard shown as 127.0.0.1 and IPv6 in brackets. */
export function listenUrl(host: string, port: number): string {
  const shown = WILDCARD.has(host)
    ? '127.0.0.1'
    : host.includes(':') && !host.startsWith('[')
      ? `[${host}]`
      : host;
  return `http://${shown}:${port}`;
}

/** The config with the server's listen address replaced (`serve --port`, or the port the system chose for 0). */
export function withListenAddress(config: Config, address: { host?: string; port?: number }): Config {
  const host = address.host ?? config.app.server.host;
  const port = address.port ?? config.app.server.port;
  if (host === config.app.server.host && port === config.app.server.port) return config;
  const server = {
    ...config.app.server,
    host,
    port,
    baseUrl: config.defaulted?.baseUrl ? listenUrl(host, port) : config.app.server.baseUrl,
  };
  return Object.freeze({ ...config, app: Object.freeze({ ...config.app, server: Object.freeze(server) }) });
}

export interface StartupWarning {
  setting: string;
  message: string;
}

/**
 * What a production operator must not leave as it is. The base URL default is harmless while the server listens on
 * loopback and mail stays in the local outbox (only this machine reads either); it matters as soon as others can
 * reach the server or receive mail.
 */
export function startupWarnings(config: Config): StartupWarning[] {
  const warnings: StartupWarning[] = [];
  const { server, mail, publish } = config.app;
  if (config.defaulted?.secret) {
    warnings.push({
      setting: 'digest.secret',
      message:
        'the development signing key is in force: anyone can forge unsubscribe and preference links. Set TIPWIRE_SECRET (or TIPWIRE_SECRET_FILE) to 16 or more random characters',
    });
  }
  const reachable = !isLoopback(server.host);
  if (config.defaulted?.baseUrl && (reachable || mail.smtpUrl || publish.websubHub)) {
    const why = reachable
      ? `the server listens on ${server.host}:${server.port}`
      : mail.smtpUrl
        ? 'mail is sent by SMTP'
        : 'feeds are announced to a WebSub hub';
    warnings.push({
      setting: 'server.baseUrl',
      message: `no public base URL is set but ${why}: feed and e-mail links say ${server.baseUrl}, which only this machine can open. Set TIPWIRE_BASE_URL (or server.baseUrl) to the address readers use`,
    });
  }
  return warnings;
}
