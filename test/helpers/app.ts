// The use-cases' context for tests: a real store and a real mailer (a file outbox unless one is given), the config
// as a function (so a test can swap it), a fixed or real clock.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../../src/config/types.ts';
import { silentLogger } from '../../src/core/log.ts';
import { createFileMailer } from '../../src/digest/mailer.ts';
import type { Mailer } from '../../src/digest/port.ts';
import type { DigestTemplates } from '../../src/digest/render.ts';
import { createPublishMarker, type JobContext } from '../../src/jobs/context.ts';
import { loadDigestTemplates } from '../../src/jobs/digest.ts';
import type { Store } from '../../src/store/port.ts';

export function testApp(options: {
  config: Config | (() => Config);
  store: Store;
  mailer?: Mailer;
  now?: () => Date;
}): JobContext {
  const config = typeof options.config === 'function' ? options.config : () => options.config as Config;
  let templates: Promise<DigestTemplates> | undefined;
  return {
    config,
    store: options.store,
    mailer: options.mailer ?? createFileMailer(mkdtempSync(join(tmpdir(), 'tipwire-outbox-')), silentLogger),
    log: silentLogger,
    now: options.now ?? (() => new Date()),
    templates: () => (templates ??= loadDigestTemplates(config())),
    published: createPublishMarker(),
  };
}
