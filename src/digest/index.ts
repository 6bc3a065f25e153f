// The digest stage's public face for the composition root and the jobs: ports, the mailer factory, rendering.
export type {
  DigestStore,
  Mailer,
  OutgoingMail,
  OutboxEntry,
  OutboxState,
  SubscriberRecord,
  NewSubscriber,
} from './port.ts';
export { createMailer, createFileMailer, createSmtpMailer } from './mailer.ts';
export {
  compileTemplates,
  renderDigest,
  renderConfirm,
  type DigestTemplates,
  type RenderedDigest,
} from './render.ts';
export { signToken, verifyToken, type TokenPurpose } from './tokens.ts';
export {
  latestDue,
  dueForPeriod,
  parseSendTime,
  wakeSchedule,
  isoWeekLabel,
  type DueDigest,
} from './schedule.ts';
