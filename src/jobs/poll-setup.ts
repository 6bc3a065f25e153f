// What a poll needs besides the store and the classifier (jobs/classify.ts compileClassifier): the per-host fetch
// limiter, made from the config in force. The shells (poll, run) ask for it here instead of reaching into fetch/.
import type { Config } from '../config/types.ts';
import { createHostLimiter, type HostLimiter } from '../fetch/index.ts';
import type { CompiledRules } from '../classify/index.ts';

export type { CompiledRules, HostLimiter };

export function createPollLimiter(config: Config): HostLimiter {
  return createHostLimiter({
    concurrency: config.app.poll.concurrency,
    perHost: config.app.poll.perHostConcurrency,
  });
}
