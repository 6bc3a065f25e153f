// DigestStore over the SQL driver (SQLite and PostgreSQL, the common subset of driver.ts). Every state change of an
// outbox row is one conditional UPDATE (… WHERE state = 'sending'), never read-then-write, and the partial unique
// index digest_outbox_open keeps one unfinished digest per subscriber, so two workers or a restarted one cannot
// plan overlapping windows. Marking a digest sent and moving the subscriber's cutoff happen in one transaction.
import { stableId } from '../core/hash.ts';
import { TipwireError } from '../core/errors.ts';
import type { Subscriber, SubscriberStatus } from '../core/types.ts';
import type {
  DigestStore,
  NewSubscriber,
  OutboxEntry,
  OutboxState,
  SentPeriod,
  SubscriberQuery,
  SubscriberRecord,
} from '../digest/port.ts';
import type { Row, SqlDriver, SqlValue } from './driver.ts';

const opt = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);
const list = (value: unknown): string[] => (typeof value === 'string' ? (JSON.parse(value) as string[]) : []);

function rowToSubscriber(row: Row): SubscriberRecord {
  return {
    id: String(row.id),
    email: String(row.email),
    name: opt(row.name),
    locale: String(row.locale),
    timeZone: String(row.time_zone),
    topics: list(row.topics),
    countries: list(row.countries),
    languages: list(row.languages),
    frequency: row.frequency === 'daily' ? 'daily' : 'weekly',
    sendDay: row.send_day === null || row.send_day === undefined ? undefined : Number(row.send_day),
    sendHour: row.send_hour === null || row.send_hour === undefined ? undefined : Number(row.send_hour),
    status: String(row.status) as SubscriberStatus,
    createdAt: String(row.created_at),
    confirmedAt: opt(row.confirmed_at),
    cutoff: opt(row.cutoff),
    hardBounces: Number(row.hard_bounces ?? 0),
  };
}

function rowToEntry(row: Row): OutboxEntry {
  const count = row.story_count;
  return {
    subscriberId: String(row.subscriber_id),
    period: String(row.period),
    state: String(row.state) as OutboxState,
    windowStart: String(row.window_start),
    windowEnd: String(row.window_end),
    messageId: String(row.message_id),
    attempts: Number(row.attempts),
    nextAttemptAt: opt(row.next_attempt_at),
    leaseUntil: opt(row.lease_until),
    lastError: opt(row.last_error),
    storyCount: count === null || count === undefined ? undefined : Number(count),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    sentAt: opt(row.sent_at),
  };
}

/** Addresses compare case-insensitively (the local part is case-sensitive in theory, never in practice). */
export const emailKey = (email: string): string => email.trim().toLowerCase();

/** The stable id of an address, so a re-import or a second sign-up names the same subscriber. */
export const subscriberIdFor = (email: string): string => stableId(`subscriber:${emailKey(email)}`);

export class SqlDigestStore implements DigestStore {
  readonly db: SqlDriver;

  constructor(db: SqlDriver) {
    this.db = db;
  }

  // --- subscribers ---------------------------------------------------------------------------------------------

  async addSubscriber(input: NewSubscriber): Promise<SubscriberRecord> {
    const now = new Date().toISOString();
    const record: SubscriberRecord = {
      id: input.id ?? subscriberIdFor(input.email),
      email: input.email.trim(),
      name: input.name,
      locale: input.locale,
      timeZone: input.timeZone,
      topics: input.topics,
      countries: input.countries,
      languages: input.languages,
      frequency: input.frequency,
      sendDay: input.sendDay,
      sendHour: input.sendHour,
      status: input.status ?? 'pending',
      createdAt: input.createdAt ?? now,
      confirmedAt: input.confirmedAt,
      hardBounces: 0,
    };
    const inserted = await this.db.get(
      `INSERT INTO subscribers (id, email, email_key, name, locale, time_zone, topics, countries, languages, frequency,
          send_day, send_hour, status, created_at, confirmed_at, status_changed_at, hard_bounces, cutoff)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, NULL)
       ON CONFLICT DO NOTHING RETURNING id`,
      [
        record.id,
        record.email,
        emailKey(record.email),
        record.name ?? null,
        record.locale,
        record.timeZone,
        JSON.stringify(record.topics),
        JSON.stringify(record.countries),
        JSON.stringify(record.languages),
        record.frequency,
        record.sendDay ?? null,
        record.sendHour ?? null,
        record.status,
        record.createdAt,
        record.confirmedAt ?? null,
        record.createdAt,
      ],
    );
    if (!inserted) {
      throw new TipwireError('STORE_FAILED', `store: subscriber ${record.email} already exists`, {
        details: { conflict: 'email', email: record.email },
      });
    }
    return record;
  }

  async updateSubscriber(subscriber: Subscriber): Promise<void> {
    await this.db.run(
      `UPDATE subscribers SET name = ?, locale = ?, time_zone = ?, topics = ?, countries = ?, languages = ?, frequency = ?,
          send_day = ?, send_hour = ?
        WHERE id = ?`,
      [
        subscriber.name ?? null,
        subscriber.locale,
        subscriber.timeZone,
        JSON.stringify(subscriber.topics),
        JSON.stringify(subscriber.countries),
        JSON.stringify(subscriber.languages),
        subscriber.frequency,
        subscriber.sendDay ?? null,
        subscriber.sendHour ?? null,
        subscriber.id,
      ],
    );
  }

  async getSubscriber(id: string): Promise<SubscriberRecord | undefined> {
    const row = await this.db.get('SELECT * FROM subscribers WHERE id = ?', [id]);
    return row ? rowToSubscriber(row) : undefined;
  }

  async getSubscriberByEmail(email: string): Promise<SubscriberRecord | undefined> {
    const row = await this.db.get('SELECT * FROM subscribers WHERE email_key = ?', [emailKey(email)]);
    return row ? rowToSubscriber(row) : undefined;
  }

  async listSubscribers(query: SubscriberQuery = {}): Promise<SubscriberRecord[]> {
    const params: SqlValue[] = [];
    const where = query.status !== undefined ? (params.push(query.status), 'WHERE status = ?') : '';
    const limit = query.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(query.limit))}` : '';
    const rows = await this.db.all(`SELECT * FROM subscribers ${where} ORDER BY email_key${limit}`, params);
    return rows.map(rowToSubscriber);
  }

  async removeSubscriber(id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      await tx.run('DELETE FROM digest_outbox WHERE subscriber_id = ?', [id]);
      await tx.run('DELETE FROM confirm_mail WHERE subscriber_id = ?', [id]);
      return (await tx.run('DELETE FROM subscribers WHERE id = ?', [id])).changes === 1;
    });
  }

  async claimConfirmMail(
    subscriberId: string,
    now: string,
    policy: { firstGapSeconds: number; maxGapSeconds: number },
  ): Promise<boolean> {
    const first = await this.db.run(
      'INSERT INTO confirm_mail (subscriber_id, sends, last_sent_at) VALUES (?, 1, ?) ON CONFLICT DO NOTHING',
      [subscriberId, now],
    );
    if (first.changes === 1) return true;
    const row = await this.db.get<{ sends: unknown; last_sent_at: unknown }>(
      'SELECT sends, last_sent_at FROM confirm_mail WHERE subscriber_id = ?',
      [subscriberId],
    );
    if (!row) return false;
    const sends = Number(row.sends);
    const gap = Math.min(policy.maxGapSeconds, policy.firstGapSeconds * 2 ** Math.max(0, sends - 1));
    if (Date.parse(now) - Date.parse(String(row.last_sent_at)) < gap * 1000) return false;
    // Compare-and-set on the count read above: of two requests racing for the same slot, one wins.
    const taken = await this.db.run(
      'UPDATE confirm_mail SET sends = sends + 1, last_sent_at = ? WHERE subscriber_id = ? AND sends = ?',
      [now, subscriberId, sends],
    );
    return taken.changes === 1;
  }

  async setSubscriberStatus(id: string, status: SubscriberStatus, now: string): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE subscribers SET status = ?, status_changed_at = ?,
          confirmed_at = CASE WHEN ? = 'active' THEN COALESCE(confirmed_at, ?) ELSE confirmed_at END,
          hard_bounces = CASE WHEN ? = 'active' THEN 0 ELSE hard_bounces END
        WHERE id = ? AND status <> ?`,
      [status, now, status, now, status, id, status],
    );
    return changes === 1;
  }

  async confirmSubscriber(id: string, now: string): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE subscribers SET status = 'active', confirmed_at = ?, status_changed_at = ? WHERE id = ? AND status = 'pending'`,
      [now, now, id],
    );
    return changes === 1;
  }

  // --- outbox --------------------------------------------------------------------------------------------------

  async planDigest(
    entry: {
      subscriberId: string;
      period: string;
      windowEnd: string;
      messageId: string;
      defaultWindowStart: string;
    },
    now: string,
  ): Promise<boolean> {
    // INSERT … SELECT so the cutoff is read in the same statement; ON CONFLICT without a target also absorbs the
    // one-open-row index. (The WHERE keeps SQLite from reading ON CONFLICT as a join clause.)
    const inserted = await this.db.get(
      `INSERT INTO digest_outbox (subscriber_id, period, state, window_start, window_end, message_id, attempts,
          created_at, updated_at)
       SELECT id, ?, 'pending', COALESCE(cutoff, ?), ?, ?, 0, ?, ?
         FROM subscribers
        WHERE id = ? AND status = 'active' AND (cutoff IS NULL OR cutoff < ?)
       ON CONFLICT DO NOTHING RETURNING subscriber_id`,
      [
        entry.period,
        entry.defaultWindowStart,
        entry.windowEnd,
        entry.messageId,
        now,
        now,
        entry.subscriberId,
        entry.windowEnd,
      ],
    );
    return inserted !== undefined;
  }

  async listDueDigests(now: string, limit?: number): Promise<OutboxEntry[]> {
    const cap = limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(limit))}` : '';
    const rows = await this.db.all(
      `SELECT * FROM digest_outbox
        WHERE (state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
           OR (state = 'sending' AND lease_until < ?)
        ORDER BY window_end, subscriber_id${cap}`,
      [now, now],
    );
    return rows.map(rowToEntry);
  }

  async claimDigest(
    subscriberId: string,
    period: string,
    now: string,
    leaseUntil: string,
  ): Promise<OutboxEntry | undefined> {
    const row = await this.db.get(
      `UPDATE digest_outbox SET state = 'sending', attempts = attempts + 1, lease_until = ?, updated_at = ?
        WHERE subscriber_id = ? AND period = ?
          AND ((state = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?))
            OR (state = 'sending' AND lease_until < ?))
        RETURNING *`,
      [leaseUntil, now, subscriberId, period, now, now],
    );
    return row ? rowToEntry(row) : undefined;
  }

  async markDigestSent(subscriberId: string, period: string, now: string, storyCount: number): Promise<void> {
    await this.finish(subscriberId, period, now, 'sent', storyCount);
  }

  async markDigestSkipped(subscriberId: string, period: string, now: string): Promise<void> {
    await this.finish(subscriberId, period, now, 'skipped', 0);
  }

  private async finish(
    subscriberId: string,
    period: string,
    now: string,
    state: 'sent' | 'skipped',
    count: number,
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      const row = await tx.get<{ window_end: string }>(
        `UPDATE digest_outbox SET state = ?, story_count = ?, sent_at = ?, updated_at = ?, lease_until = NULL,
            next_attempt_at = NULL
          WHERE subscriber_id = ? AND period = ? AND state = 'sending' RETURNING window_end`,
        [state, count, now, now, subscriberId, period],
      );
      if (!row)
        throw new TipwireError(
          'STORE_FAILED',
          `store: digest ${period} of ${subscriberId} is not being sent`,
        );
      await tx.run(
        `UPDATE subscribers SET cutoff = ?, hard_bounces = CASE WHEN ? = 'sent' THEN 0 ELSE hard_bounces END
          WHERE id = ? AND (cutoff IS NULL OR cutoff < ?)`,
        [row.window_end, state, subscriberId, row.window_end],
      );
    });
  }

  async recordDigestFailure(
    subscriberId: string,
    period: string,
    failure: {
      now: string;
      error: string;
      permanent: boolean;
      nextAttemptAt: string;
      maxAttempts: number;
      bounceAfter: number;
    },
  ): Promise<'deferred' | 'failed' | 'bounced'> {
    return this.db.transaction(async (tx) => {
      const row = await tx.get<{ attempts: number }>(
        `SELECT attempts FROM digest_outbox WHERE subscriber_id = ? AND period = ? AND state = 'sending'`,
        [subscriberId, period],
      );
      if (!row)
        throw new TipwireError(
          'STORE_FAILED',
          `store: digest ${period} of ${subscriberId} is not being sent`,
        );
      let outcome: 'deferred' | 'failed' | 'bounced' =
        Number(row.attempts) >= failure.maxAttempts ? 'failed' : 'deferred';
      if (failure.permanent) {
        const bounced = await tx.get<{ hard_bounces: number }>(
          'UPDATE subscribers SET hard_bounces = hard_bounces + 1 WHERE id = ? RETURNING hard_bounces',
          [subscriberId],
        );
        if (bounced && Number(bounced.hard_bounces) >= failure.bounceAfter) {
          await tx.run(`UPDATE subscribers SET status = 'bounced', status_changed_at = ? WHERE id = ?`, [
            failure.now,
            subscriberId,
          ]);
          outcome = 'bounced';
        }
      }
      await tx.run(
        `UPDATE digest_outbox SET state = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?
          WHERE subscriber_id = ? AND period = ?`,
        [
          outcome === 'deferred' ? 'pending' : 'failed',
          failure.error.slice(0, 1000),
          outcome === 'deferred' ? failure.nextAttemptAt : null,
          failure.now,
          subscriberId,
          period,
        ],
      );
      return outcome;
    });
  }

  async getDigest(subscriberId: string, period: string): Promise<OutboxEntry | undefined> {
    const row = await this.db.get('SELECT * FROM digest_outbox WHERE subscriber_id = ? AND period = ?', [
      subscriberId,
      period,
    ]);
    return row ? rowToEntry(row) : undefined;
  }

  async listSentPeriods(limit = 520): Promise<SentPeriod[]> {
    const rows = await this.db.all(
      `SELECT period, COUNT(*) AS digests, MAX(sent_at) AS last_sent_at FROM digest_outbox
        WHERE state = 'sent' GROUP BY period ORDER BY MAX(sent_at) DESC, period DESC LIMIT ?`,
      [Math.max(1, Math.floor(limit))],
    );
    return rows.map((row) => ({
      period: String(row.period),
      digests: Number(row.digests),
      lastSentAt: String(row.last_sent_at),
    }));
  }

  async listDigests(
    query: { subscriberId?: string; period?: string; state?: OutboxState } = {},
  ): Promise<OutboxEntry[]> {
    const clauses: string[] = [];
    const params: SqlValue[] = [];
    const filters: [string, string | undefined][] = [
      ['subscriber_id', query.subscriberId],
      ['period', query.period],
      ['state', query.state],
    ];
    for (const [column, value] of filters) {
      if (value === undefined) continue;
      clauses.push(`${column} = ?`);
      params.push(value);
    }
    const where = clauses.length ? `WHERE ${clauses.join(' AND ')}` : '';
    const rows = await this.db.all(
      `SELECT * FROM digest_outbox ${where} ORDER BY window_end, subscriber_id`,
      params,
    );
    return rows.map(rowToEntry);
  }
}
