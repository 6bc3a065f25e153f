// One root pino logger. JSON lines by default (what log shippers want); readable lines when stdout is a terminal
// or TIPWIRE_LOG_PRETTY=1. Stages get children: log.child({ job: 'poll', source }). Errors go under `err`.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(
  options: { level?: string; pretty?: boolean; destination?: NodeJS.WritableStream } = {},
): Logger {
  const level = options.level ?? process.env.TIPWIRE_LOG_LEVEL ?? 'info';
  const pretty =
    options.pretty ??
    (process.env.TIPWIRE_LOG_PRETTY === '1' || (process.stdout.isTTY && !options.destination));
  if (options.destination) return pino({ level }, options.destination);
  if (pretty) {
    return pino({
      level,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' },
      },
    });
  }
  return pino({ level });
}

/** A logger that drops everything, for tests and pure library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
