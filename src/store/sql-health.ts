// HealthStore over the SQL driver: health events (one row per happening, its id a hash of what happened, so a
// repeat is a no-op through ON CONFLICT), job runs, and the per-source item counts of the status page. Kept apart
// from sql-store.ts so the item and poll paths there can change without touching it.
import type { IsoDate } from '../core/types.ts';
import type { HealthEvent, HealthEventKind, HealthStore, JobRun, SourceItemCounts } from './port.ts';
import type { Row, SqlDriver, SqlValue } from './driver.ts';

const opt = (value: unknown): string | undefined =>
  value === null || value === undefined ? undefined : String(value);

function rowToEvent(row: Row): HealthEvent {
  return {
    id: String(row.id),
    at: String(row.at),
    kind: String(row.kind) as HealthEventKind,
    sourceId: opt(row.source_id),
    title: String(row.title),
    detail: String(row.detail),
  };
}

function rowToRun(row: Row): JobRun {
  return {
    id: String(row.id),
    job: String(row.job),
    startedAt: String(row.started_at),
    ms: Number(row.ms),
    outcome: row.outcome === 'failed' ? 'failed' : 'ok',
    summary: String(row.summary),
  };
}

export class SqlHealthStore implements HealthStore {
  private readonly db: SqlDriver;

  constructor(db: SqlDriver) {
    this.db = db;
  }

  async addEvent(event: HealthEvent): Promise<boolean> {
    const { changes } = await this.db.run(
      `INSERT INTO health_events (id, at, kind, source_id, title, detail) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
      [event.id, event.at, event.kind, event.sourceId ?? null, event.title, event.detail],
    );
    return changes > 0;
  }

  async listEvents(
    query: { since?: IsoDate; kinds?: HealthEventKind[]; limit?: number } = {},
  ): Promise<HealthEvent[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (query.since) {
      where.push('at >= ?');
      params.push(query.since);
    }
    if (query.kinds && query.kinds.length > 0) {
      where.push(`kind IN (${query.kinds.map(() => '?').join(', ')})`);
      params.push(...query.kinds);
    }
    params.push(query.limit ?? 100);
    const rows = await this.db.all(
      `SELECT * FROM health_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at DESC, id LIMIT ?`,
      params,
    );
    return rows.map(rowToEvent);
  }

  async deleteEvent(id: string): Promise<void> {
    await this.db.run('DELETE FROM health_events WHERE id = ?', [id]);
  }

  async addJobRun(run: JobRun): Promise<void> {
    await this.db.run(
      `INSERT INTO job_runs (id, job, started_at, ms, outcome, summary) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO NOTHING`,
      [run.id, run.job, run.startedAt, run.ms, run.outcome, run.summary],
    );
  }

  async listJobRuns(query: { job?: string; limit?: number } = {}): Promise<JobRun[]> {
    const rows = await this.db.all(
      `SELECT * FROM job_runs ${query.job ? 'WHERE job = ?' : ''} ORDER BY started_at DESC, id LIMIT ?`,
      query.job ? [query.job, query.limit ?? 50] : [query.limit ?? 50],
    );
    return rows.map(rowToRun);
  }

  async countItemsBySource(fetchedSince: IsoDate): Promise<SourceItemCounts[]> {
    const rows = await this.db.all(
      `SELECT source_id, COUNT(*) AS seen, SUM(CASE WHEN matched = 1 THEN 1 ELSE 0 END) AS matched
         FROM items WHERE fetched_at >= ? GROUP BY source_id ORDER BY source_id`,
      [fetchedSince],
    );
    return rows.map((row) => ({
      sourceId: String(row.source_id),
      seen: Number(row.seen),
      matched: Number(row.matched ?? 0),
    }));
  }

  async prune(before: IsoDate): Promise<number> {
    const events = await this.db.run('DELETE FROM health_events WHERE at < ?', [before]);
    const runs = await this.db.run('DELETE FROM job_runs WHERE started_at < ?', [before]);
    return events.changes + runs.changes;
  }
}
