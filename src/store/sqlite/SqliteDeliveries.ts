import type Database from 'better-sqlite3';
import type {
  AttemptOutcome,
  AttemptRow,
  DeliveryFilter,
  DeliveryRow,
  DispatchItem,
  EventRow,
  Page,
  PublishItem,
  PublishResult,
} from '../Store.js';
import { deliveryLogQuery, REOPENED_STATUS } from '../deliveryLog.js';
import { pageOf } from '../paging.js';
import { WEBHOOK_DELETED } from '../webhookGone.js';
import { deliveryFromRow, type RawRow } from './rows.js';
import { StoreParts, type StorePartModules } from '../StoreParts.js';
import * as flowControl from './flowControl.js';
import * as processes from './processes.js';
import * as portalSessions from './portalSessions.js';
import * as svixRecords from './svixRecords.js';
import { SqliteDatabase } from './SqliteDatabase.js';
import { publishEvents } from './publishEvents.js';
import * as tokens from './tokens.js';
import * as webhooks from './webhooks.js';

const PARTS: StorePartModules<SqliteDatabase> = { webhooks, tokens, processes, portalSessions, svixRecords, flowControl };

/**
 * The delivery half of the SQLite store: the hot path (publish, claim, record) and the log.
 * Statements are prepared once on first use and reused; each batch runs in one transaction.
 * Every transaction here writes, so each begins IMMEDIATE: a deferred one that reads first and
 * then writes fails at once with SQLITE_BUSY, without waiting, if another connection (another
 * store thread, a `hookline migrate`) committed in between.
 */
export class SqliteDeliveries extends StoreParts<SqliteDatabase> {
  /** The connection and its prepared statements, which every part of the store shares. */
  private readonly sqlite: SqliteDatabase;

  protected constructor(protected readonly db: Database.Database) {
    const sqlite = new SqliteDatabase(db);
    super(sqlite, PARTS);
    this.sqlite = sqlite;
  }

  protected stmt(sql: string): Database.Statement {
    return this.sqlite.stmt(sql);
  }

  async publish(items: PublishItem[]): Promise<PublishResult[]> {
    return publishEvents(this.db, (sql) => this.stmt(sql), items);
  }

  /**
   * Picks due ids in due order, then leases them all with one UPDATE inside the same
   * transaction (SQLite has one writer, so nobody can take them in between); one statement
   * instead of one per row is what makes claiming cheap. A delivery whose event is gone
   * (purged by retention) cannot be sent: it is failed here instead of being re-leased forever.
   */
  async claimDue(opts: { owner: string; now: number; leaseUntil: number; limit: number; excludeWebhooks: string[]; excludeBusinesses?: string[] }): Promise<DispatchItem[]> {
    const due = this.stmt(
      `SELECT id FROM deliveries
       WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= @now
         AND webhook_id NOT IN (SELECT value FROM json_each(@exclude))
         AND business_id NOT IN (SELECT value FROM json_each(@excludeBusinesses))
       ORDER BY next_attempt_at LIMIT @limit`,
    ).pluck();
    const lease = this.stmt(
      `UPDATE deliveries SET lease_owner = @owner, next_attempt_at = @leaseUntil, updated_at = @now
       WHERE id IN (SELECT value FROM json_each(@ids)) RETURNING *`,
    );
    const orphan = this.stmt(
      "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, lease_owner = NULL, updated_at = @now WHERE id = @id",
    );
    const selectEvent = this.stmt('SELECT * FROM events WHERE business_id = ? AND id = ?');
    return this.db.transaction((): DispatchItem[] => {
      const ids = due.all({
        now: opts.now,
        limit: opts.limit,
        exclude: JSON.stringify(opts.excludeWebhooks),
        excludeBusinesses: JSON.stringify(opts.excludeBusinesses ?? []),
      }) as string[];
      if (ids.length === 0) return [];
      const leased = new Map<string, RawRow>();
      for (const r of lease.all({ owner: opts.owner, leaseUntil: opts.leaseUntil, now: opts.now, ids: JSON.stringify(ids) }) as RawRow[]) {
        leased.set(r.id as string, r);
      }
      // Fan-out means many deliveries of one claim share an event: read each once.
      const events = new Map<string, EventRow | undefined>();
      const items: DispatchItem[] = [];
      for (const id of ids) {
        const delivery = deliveryFromRow(leased.get(id)!);
        const key = `${delivery.business_id}\u0000${delivery.event_id}`;
        if (!events.has(key)) events.set(key, selectEvent.get(delivery.business_id, delivery.event_id) as EventRow | undefined);
        const event = events.get(key);
        if (event) items.push({ delivery, event });
        else orphan.run({ id, now: opts.now });
      }
      return items;
    }).immediate();
  }

  private forEachId(sql: string, ids: string[], params: Record<string, unknown>): void {
    const s = this.stmt(sql);
    this.db.transaction(() => {
      for (const id of ids) s.run({ ...params, id });
    }).immediate();
  }

  async renewLeases(owner: string, ids: string[], leaseUntil: number): Promise<void> {
    this.forEachId('UPDATE deliveries SET next_attempt_at = @leaseUntil WHERE id = @id AND lease_owner = @owner', ids, { owner, leaseUntil });
  }

  async releaseLeases(owner: string, ids: string[], availableAt: number): Promise<void> {
    this.forEachId(
      'UPDATE deliveries SET next_attempt_at = @availableAt, lease_owner = NULL WHERE id = @id AND lease_owner = @owner',
      ids,
      { owner, availableAt },
    );
  }

  async parkDeliveries(owner: string, ids: string[]): Promise<void> {
    // A park that lands after its webhook was deleted fails the delivery instead: nothing would unpark it.
    this.forEachId(
      `UPDATE deliveries SET next_attempt_at = NULL, lease_owner = NULL,
         status = CASE WHEN ${WEBHOOK_DELETED} THEN 'failed' ELSE status END
       WHERE id = @id AND lease_owner = @owner`,
      ids,
      { owner },
    );
  }

  async failDeliveries(owner: string, ids: string[], now: number): Promise<void> {
    this.forEachId(
      `UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, lease_owner = NULL, updated_at = @now
       WHERE id = @id AND lease_owner = @owner`,
      ids,
      { owner, now },
    );
  }

  async unparkWebhook(webhookId: string, now: number): Promise<number> {
    return this.stmt(
      `UPDATE deliveries SET next_attempt_at = @now, updated_at = @now
       WHERE webhook_id = @webhookId AND status IN ('pending', 'retrying') AND next_attempt_at IS NULL`,
    ).run({ webhookId, now }).changes;
  }

  /**
   * The attempt number is decided here, not by the sender: a process whose lease ran out may
   * still finish an attempt, and its row must not collide with the new owner's.
   */
  async recordOutcomes(outcomes: AttemptOutcome[], now: number): Promise<void> {
    const insertAttempt = this.stmt(
      `INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, response_body, transformation_version)
       VALUES (@delivery_id, (SELECT coalesce(max(number), 0) + 1 FROM attempts WHERE delivery_id = @delivery_id),
               @started_at, @duration_ms, @status_code, @error, @response_body, @transformation_version)`,
    );
    const update = this.stmt(
      `UPDATE deliveries SET status = @status, next_attempt_at = @next_attempt_at, last_status_code = @status_code,
         lease_owner = NULL, updated_at = @now,
         attempt_count = (SELECT max(number) FROM attempts WHERE delivery_id = @delivery_id)
       WHERE id = @delivery_id AND lease_owner = @lease_owner`,
    );
    this.db.transaction(() => {
      for (const o of outcomes) {
        const a = o.attempt;
        insertAttempt.run({
          delivery_id: a.delivery_id,
          started_at: a.started_at,
          duration_ms: a.duration_ms,
          status_code: a.status_code,
          error: a.error,
          response_body: a.response_body,
          transformation_version: a.transformation_version ?? null,
        });
        update.run({
          status: o.status,
          next_attempt_at: o.next_attempt_at,
          status_code: a.status_code,
          now,
          delivery_id: a.delivery_id,
          lease_owner: o.lease_owner,
        });
      }
    }).immediate();
  }

  async listDeliveries(businessId: string, filter: DeliveryFilter, opts: { cursor?: string; limit: number }): Promise<Page<DeliveryRow>> {
    const { text, values } = deliveryLogQuery('sqlite', businessId, filter, opts);
    return pageOf((this.stmt(text).all(...values) as RawRow[]).map(deliveryFromRow), opts.limit);
  }

  async getDelivery(businessId: string, id: string): Promise<(DeliveryRow & { attempts: AttemptRow[] }) | null> {
    const r = this.stmt('SELECT * FROM deliveries WHERE id = ? AND business_id = ?').get(id, businessId) as RawRow | undefined;
    if (!r) return null;
    const attempts = (this.stmt('SELECT * FROM attempts WHERE delivery_id = ? ORDER BY number').all(id) as AttemptRow[]).map(withoutNullVersion);
    return { ...deliveryFromRow(r), attempts };
  }

  /** A delivery some process holds right now is left to that process: it is about to be sent. */
  async retryDelivery(businessId: string, id: string, now: number): Promise<DeliveryRow | null> {
    const r = this.stmt(
      `UPDATE deliveries SET next_attempt_at = @now, updated_at = @now, status = ${REOPENED_STATUS}
       WHERE id = @id AND business_id = @businessId AND lease_owner IS NULL RETURNING *`,
    ).get({ id, businessId, now }) as RawRow | undefined;
    if (r) return deliveryFromRow(r);
    const held = this.stmt('SELECT * FROM deliveries WHERE id = ? AND business_id = ?').get(id, businessId) as RawRow | undefined;
    return held ? deliveryFromRow(held) : null;
  }

  async replayFailed(webhookId: string, since: number, now: number, until?: number): Promise<number> {
    return this.stmt(
      `UPDATE deliveries SET next_attempt_at = @now, updated_at = @now, status = ${REOPENED_STATUS}
       WHERE webhook_id = @webhookId AND status = 'failed' AND created_at >= @since AND created_at <= @until`,
    ).run({ webhookId, since, now, until: until ?? Number.MAX_SAFE_INTEGER }).changes;
  }
}

/** An attempt no transformation shaped reads back as it was written: without the field. */
function withoutNullVersion(a: AttemptRow): AttemptRow {
  if (a.transformation_version !== null && a.transformation_version !== undefined) return a;
  const { transformation_version: _, ...rest } = a;
  return rest;
}
