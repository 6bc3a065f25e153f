// One root pino logger. Logs go to stderr, so a command's tables and JSON on stdout stay clean for pipes; JSON lines
// by default (what log shippers want), readable lines when stderr is a terminal or TIPWIRE_LOG_PRETTY=1. Stages get
// children: log.child({ job: 'poll', source }); a child never repeats a key its parent already binds (pino would
// write it twice). Errors go under `err`, serialised with their cause as a nested object, because our messages
// already quote the cause and pino's default serializer would append it a second time.
import { pino, stdSerializers, type Logger } from 'pino';

export type { Logger };

const serializers = { err: stdSerializers.errWithCause };

export function createLogger(
  options: {
    level?: string;
    pretty?: boolean;
    destination?: NodeJS.WritableStream;
    env?: NodeJS.ProcessEnv;
  } = {},
): Logger {
  const env = options.env ?? process.env;
  const level = options.level ?? env.TIPWIRE_LOG_LEVEL ?? 'info';
  if (options.destination) return pino({ level, serializers }, options.destination);
  const pretty =
    options.pretty ?? (env.TIPWIRE_LOG_PRETTY ? env.TIPWIRE_LOG_PRETTY === '1' : process.stderr.isTTY);
  if (pretty) {
    return pino({
      level,
      serializers,
      transport: {
        target: 'pino-pretty',
        options: {
          destination: 2,
          colorize: true,
          translateTime: 'SYS:HH:MM:ss',
          // One line per event on a terminal: the source in front, the message, and an error's stack when one
          // is logged; the other fields stay in the JSON form (TIPWIRE_LOG_PRETTY=0).
          messageFormat: '{if source}{source}: {end}{msg}',
          include: 'level,time,err',
        },
      },
    });
  }
  return pino({ level, serializers }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything, for tests and pure library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
