import type Database from 'better-sqlite3';
import type { PurgeBatch, PurgedDeliveries, PurgedEvents, RetentionSweep } from '../Store.js';
import { deliveryIdFloor } from '../../ids.js';
import { decodeEventCursor, encodeEventCursor } from '../purgeCursor.js';

/**
 * Retention on SQLite. Each call is one short transaction over at most `limit` rows, so the
 * write lock (and, better-sqlite3 being synchronous, the event loop) is held for milliseconds
 * at a time, however much there is to purge.
 */
export class SqliteRetentionSweep implements RetentionSweep {
  private ended = false;

  constructor(
    private readonly db: Database.Database,
    private readonly onEnd: () => void,
  ) {}

  async purgeDeliveries({ before, cursor, limit }: PurgeBatch): Promise<PurgedDeliveries> {
    // Walks the primary key: ids below deliveryIdFloor(before) were created before `before`.
    const scan = this.db.prepare('SELECT id FROM deliveries WHERE id > ? AND id < ? ORDER BY id LIMIT ?').pluck();
    const removeAttempts = this.db.prepare('DELETE FROM attempts WHERE delivery_id = ?');
    const remove = this.db.prepare(
      `DELETE FROM deliveries WHERE id = ? AND status IN ('succeeded', 'failed', 'cancelled') AND next_attempt_at IS NULL
         AND lease_owner IS NULL AND updated_at < ? AND created_at < ?`,
    );
    return this.db.transaction((): PurgedDeliveries => {
      const ids = scan.all(cursor ?? '', deliveryIdFloor(before), limit) as string[];
      let deliveries = 0;
      let attempts = 0;
      for (const id of ids) {
        if (remove.run(id, before, before).changes === 0) continue;
        deliveries++;
        attempts += removeAttempts.run(id).changes;
      }
      return { scanned: ids.length, deliveries, attempts, cursor: ids.length < limit ? null : ids[ids.length - 1]! };
    }).immediate();
  }

  async purgeEvents({ before, cursor, limit }: PurgeBatch): Promise<PurgedEvents> {
    const scan = this.db.prepare(
      `SELECT created_at, business_id, id FROM events
       WHERE created_at < ? AND (created_at, business_id, id) > (?, ?, ?)
       ORDER BY created_at, business_id, id LIMIT ?`,
    );
    const remove = this.db.prepare(
      `DELETE FROM events WHERE business_id = @business_id AND id = @id
         AND NOT EXISTS (SELECT 1 FROM deliveries WHERE business_id = @business_id AND event_id = @id)`,
    );
    const after = decodeEventCursor(cursor);
    return this.db.transaction((): PurgedEvents => {
      const rows = scan.all(before, after.created_at, after.business_id, after.id, limit) as { created_at: number; business_id: string; id: string }[];
      let events = 0;
      for (const r of rows) events += remove.run({ business_id: r.business_id, id: r.id }).changes;
      const last = rows[rows.length - 1];
      return { scanned: rows.length, events, cursor: rows.length < limit || !last ? null : encodeEventCursor(last) };
    }).immediate();
  }

  async end(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
  }
}
