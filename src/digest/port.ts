// The ports the digest stages consume, owned here (the consumer): DigestStore (subscribers, outbox, per-subscriber
// cutoffs; implemented by src/store/sql-digest.ts over SQLite and PostgreSQL) and Mailer (SMTP or a file outbox,
// src/digest/mailer.ts). The outbox is the crash-safety ledger: one row per (subscriber, period), created with
// INSERT … ON CONFLICT DO NOTHING, claimed with a conditional UPDATE, and marked sent in the same transaction that
// moves the subscriber's cutoff, so a restart can always tell what is done.
import type { IsoDate, Subscriber, SubscriberStatus } from '../core/types.ts';

/** What an operator or the sign-up form supplies; the store fills the rest. */
export type NewSubscriber = Omit<Subscriber, 'id' | 'createdAt' | 'confirmedAt' | 'status'> & {
  /** Defaults to a stable id derived from the address. */
  id?: string;
  status?: SubscriberStatus;
  createdAt?: IsoDate;
  confirmedAt?: IsoDate | undefined;
};

/** A subscriber with the digest bookkeeping the jobs need. */
export interface SubscriberRecord extends Subscriber {
  /** Stories first seen before this instant were in an earlier digest (or before the subscription). */
  cutoff?: IsoDate | undefined;
  /** Permanent (5xx) failures since the last success. */
  hardBounces: number;
}

export type OutboxState = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface OutboxEntry {
  subscriberId: string;
  /** "2026-W48" (weekly) or "2026-11-29" (daily): the period the digest covers. */
  period: string;
  state: OutboxState;
  /** End of the story window (exclusive): the instant the digest became due. */
  windowEnd: IsoDate;
  /** Start of the window (inclusive): the subscriber's cutoff when the row was planned. */
  windowStart: IsoDate;
  /** Stable for the row, so a repeated send after a crash carries the same Message-ID (receivers can fold it). */
  messageId: string;
  attempts: number;
  nextAttemptAt?: IsoDate | undefined;
  /** While state = sending: the claim is held until then; after it, a restarted worker may take the row over. */
  leaseUntil?: IsoDate | undefined;
  lastError?: string | undefined;
  storyCount?: number | undefined;
  createdAt: IsoDate;
  updatedAt: IsoDate;
  sentAt?: IsoDate | undefined;
}

export interface SentPeriod {
  period: string;
  /** Digests sent for it. */
  digests: number;
  /** When the last of them was sent. */
  lastSentAt: IsoDate;
}

export interface SubscriberQuery {
  status?: SubscriberStatus;
  limit?: number;
}

export interface DigestStore {
  // --- subscribers ---------------------------------------------------------------------------------------------
  /** Inserts; throws STORE_FAILED with code details { conflict: 'email' } when the address exists. */
  addSubscriber(subscriber: NewSubscriber): Promise<SubscriberRecord>;
  /** Replaces name, locale, zone, choices, frequency and send day/hour (not status, not the address). */
  updateSubscriber(subscriber: Subscriber): Promise<void>;
  getSubscriber(id: string): Promise<SubscriberRecord | undefined>;
  /** Case-insensitive. */
  getSubscriberByEmail(email: string): Promise<SubscriberRecord | undefined>;
  listSubscribers(query?: SubscriberQuery): Promise<SubscriberRecord[]>;
  /** Deletes the subscriber and their outbox rows; false when there was none. */
  removeSubscriber(id: string): Promise<boolean>;
  setSubscriberStatus(id: string, status: SubscriberStatus, now: IsoDate): Promise<boolean>;
  /** pending → active (double opt-in); true when this call confirmed it, false when already active or unknown. */
  confirmSubscriber(id: string, now: IsoDate): Promise<boolean>;
  /**
   * Takes the right to send one confirmation mail to this subscriber now: true for the first, then only once the
   * gap since the last one has passed (firstGapSeconds, doubling per mail, at most maxGapSeconds). Atomic: of two
   * concurrent callers at most one gets true.
   */
  claimConfirmMail(
    subscriberId: string,
    now: IsoDate,
    policy: { firstGapSeconds: number; maxGapSeconds: number },
  ): Promise<boolean>;

  // --- outbox --------------------------------------------------------------------------------------------------
  /**
   * Creates the (subscriber, period) row unless it exists, the subscriber is not active, their cutoff already
   * reaches windowEnd, or they still have an unfinished row (pending or sending): one open digest per subscriber at
   * a time keeps windows from overlapping. The window starts at the subscriber's cutoff (defaultWindowStart when
   * they never had one). True when created.
   */
  planDigest(
    entry: {
      subscriberId: string;
      period: string;
      windowEnd: IsoDate;
      messageId: string;
      defaultWindowStart: IsoDate;
    },
    now: IsoDate,
  ): Promise<boolean>;
  /** Pending rows whose next attempt is due, plus sending rows whose lease ran out (a crashed worker's), oldest first. */
  listDueDigests(now: IsoDate, limit?: number): Promise<OutboxEntry[]>;
  /**
   * Atomically takes a row for sending (pending and due, or sending with an expired lease → sending, attempts + 1,
   * lease set). Undefined when another worker took it or it is not due.
   */
  claimDigest(
    subscriberId: string,
    period: string,
    now: IsoDate,
    leaseUntil: IsoDate,
  ): Promise<OutboxEntry | undefined>;
  /** sending → sent and the subscriber's cutoff → windowEnd, in one transaction; bounce count reset. */
  markDigestSent(subscriberId: string, period: string, now: IsoDate, storyCount: number): Promise<void>;
  /** sending → skipped (nothing to send) and the cutoff moves on, as for a sent digest. */
  markDigestSkipped(subscriberId: string, period: string, now: IsoDate): Promise<void>;
  /**
   * Records a failed attempt of a claimed row, in one transaction. Transient: back to pending at nextAttemptAt, or
   * failed once attempts reach maxAttempts. Permanent (5xx): the subscriber's bounce count grows; reaching
   * bounceAfter marks the subscriber bounced and the row failed. A failed row leaves the cutoff where it was, so
   * the next digest still holds these stories.
   */
  recordDigestFailure(
    subscriberId: string,
    period: string,
    failure: {
      now: IsoDate;
      error: string;
      permanent: boolean;
      nextAttemptAt: IsoDate;
      maxAttempts: number;
      bounceAfter: number;
    },
  ): Promise<'deferred' | 'failed' | 'bounced'>;
  getDigest(subscriberId: string, period: string): Promise<OutboxEntry | undefined>;
  /** The periods at least one digest was sent for, the latest sent first (the web archive's editions). */
  listSentPeriods(limit?: number): Promise<SentPeriod[]>;
  listDigests(query?: {
    subscriberId?: string;
    period?: string;
    state?: OutboxState;
  }): Promise<OutboxEntry[]>;
}

// --- mail --------------------------------------------------------------------------------------------------------

export interface OutgoingMail {
  from: string;
  to: { name?: string | undefined; address: string };
  replyTo?: string | undefined;
  subject: string;
  html: string;
  text: string;
  /** Without angle brackets: "w48.abc@tipwire.example". */
  messageId: string;
  date: Date;
  /** List-Id, e.g. { id: 'digest.tipwire.example', name: 'tipwire digest' }. */
  listId?: { id: string; name: string } | undefined;
  /** https (one-click POST target) and mailto addresses for List-Unsubscribe. */
  unsubscribe?: { url: string; mailto?: string | undefined } | undefined;
  /** Names a file outbox can use (no path characters). */
  fileName?: string | undefined;
}

export interface SendResult {
  messageId: string;
  /** The server's reply, or the file written. */
  response: string;
}

/**
 * Sends one message. Failures throw TipwireError MAIL_FAILED with details { permanent: boolean, responseCode? }:
 * permanent for 5xx replies, transient for 4xx and connection failures.
 */
export interface Mailer {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}
