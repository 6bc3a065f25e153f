// Stopping on one signal. The first SIGINT or SIGTERM starts a clean shutdown. A second one within a second is the
// same request delivered twice (Ctrl-C under `npm start` reaches node from the terminal and again from npm, which
// forwards it) and is ignored; one that comes later means "now": the process exits at once with 130.
import type { Logger } from '../core/log.ts';

const DUPLICATE_MS = 1_000;

/** Resolves with the name of the first stop signal; listens from the moment it is called. */
export function stopSignal(log: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let first: number | undefined;
    const onSignal = (signal: NodeJS.Signals): void => {
      if (first === undefined) {
        first = Date.now();
        resolve(signal);
        return;
      }
      if (Date.now() - first < DUPLICATE_MS) return;
      log.warn({ signal }, 'second stop signal: exiting without waiting for running jobs');
      process.exit(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
