// The digest stage's public face for the jobs: its ports, rendering, tokens, the schedule. The Mailer adapters
// (mailer.ts) are opened by the composition root alone.
export type {
  DigestStore,
  Mailer,
  OutgoingMail,
  OutboxEntry,
  OutboxState,
  SubscriberRecord,
  NewSubscriber,
} from './port.ts';
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
