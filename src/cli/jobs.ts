// Builds the use-cases' context (jobs/context.ts) for one command from what the composition root opened: the store
// now, the mailer on its first message (most commands send none, and the file outbox would make its folder), the
// templates on first use. close() closes what was opened.
import type { Config } from '../config/types.ts';
import { createPublishMarker, type JobContext } from '../jobs/context.ts';

type Mailer = JobContext['mailer'];
type DigestTemplates = Awaited<ReturnType<JobContext['templates']>>;
import { loadDigestTemplates } from '../jobs/digest.ts';
import type { CommandContext } from './command.ts';

export interface OpenJobs extends JobContext {
  close(): Promise<void>;
}

export async function openJobs(
  ctx: CommandContext,
  config: Config | (() => Config),
  options: { now?: () => Date } = {},
): Promise<OpenJobs> {
  const current = typeof config === 'function' ? config : () => config;
  const store = await ctx.openStore(current());
  let opened: Mailer | undefined;
  const open = (): Mailer => (opened ??= ctx.openMailer(current()));
  const mailer: Mailer = {
    get kind() {
      return current().app.mail.smtpUrl ? 'smtp' : 'file';
    },
    send: (mail) => open().send(mail),
    close: async () => undefined,
  };
  let templates: Promise<DigestTemplates> | undefined;
  return {
    config: current,
    store,
    mailer,
    log: ctx.log,
    now: options.now ?? (() => new Date()),
    templates: () => (templates ??= loadDigestTemplates(current())),
    published: createPublishMarker(),
    async close() {
      await opened?.close();
      await store.close();
    },
  };
}
