import type { PurgeBatch, PurgedDeliveries, PurgedEvents, RetentionSweep } from '../Store.js';
import { deliveryIdFloor } from '../../ids.js';
import { decodeEventCursor, encodeEventCursor } from '../purgeCursor.js';
import type { PgDatabase, PgSession } from './PgDatabase.js';

/**
 * The two-key advisory lock: "hkln" in ASCII, and the schema Hookline's tables are in, so that
 * installs kept apart by schema in one database do not take turns with each other.
 */
const RETENTION_LOCK = `${0x686b6c6e}, hashtext(current_schema())`;

/**
 * Looks at up to $3 deliveries in id order after $1 and below $2 (ids start with their
 * creation time, so the primary key serves as the age index), and deletes the finished ones
 * with their attempts. Each statement is its own short transaction. The conditions are
 * checked again by the DELETE on the newest row version, so a delivery replayed or retried
 * while the batch runs is kept.
 */
export const PURGE_DELIVERIES_SQL = `
WITH scanned AS MATERIALIZED (
  SELECT id FROM deliveries WHERE id > $1 AND id < $2 ORDER BY id LIMIT $3
), doomed AS (
  DELETE FROM deliveries d USING scanned s
  WHERE d.id = s.id AND d.status IN ('succeeded', 'failed', 'cancelled') AND d.next_attempt_at IS NULL
    AND d.lease_owner IS NULL AND d.updated_at < $4 AND d.created_at < $4
  RETURNING d.id
), gone AS (
  DELETE FROM attempts a USING doomed WHERE a.delivery_id = doomed.id RETURNING 1
)
SELECT (SELECT count(*)::integer FROM scanned) AS scanned, (SELECT max(id) FROM scanned) AS last,
  (SELECT count(*)::integer FROM doomed) AS deliveries, (SELECT count(*)::integer FROM gone) AS attempts`;

/**
 * Looks at up to $5 events created before $1, in (created_at, business_id, id) order after
 * the cursor, and deletes those with no delivery left. An event that still has one (open,
 * or finished too recently) stays, and the cursor moves past it.
 */
export const PURGE_EVENTS_SQL = `
WITH scanned AS MATERIALIZED (
  SELECT created_at, business_id, id FROM events
  WHERE created_at < $1 AND (created_at, business_id, id) > ($2::bigint, $3::text, $4::text)
  ORDER BY created_at, business_id, id LIMIT $5
), doomed AS (
  DELETE FROM events e USING scanned s
  WHERE e.business_id = s.business_id AND e.id = s.id
    AND NOT EXISTS (SELECT FROM deliveries d WHERE d.business_id = e.business_id AND d.event_id = e.id)
  RETURNING 1
), last AS (
  SELECT created_at, business_id, id FROM scanned ORDER BY created_at DESC, business_id DESC, id DESC LIMIT 1
)
SELECT (SELECT count(*)::integer FROM scanned) AS scanned, (SELECT count(*)::integer FROM doomed) AS events,
  last.created_at, last.business_id, last.id
FROM (SELECT) AS one LEFT JOIN last ON true`;

/**
 * Holds a session-level advisory lock on its own pooled connection for the whole pass, so
 * among processes sharing the tables one sweeps and the others skip their turn. If the
 * process dies the connection closes and PostgreSQL releases the lock.
 */
export class PostgresRetentionSweep implements RetentionSweep {
  private ending: Promise<void> | null = null;

  private constructor(private readonly session: PgSession) {}

  static async begin(db: PgDatabase): Promise<PostgresRetentionSweep | null> {
    const session = await db.session();
    try {
      const { rows } = await session.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(${RETENTION_LOCK}) AS ok`);
      if (rows[0]?.ok) return new PostgresRetentionSweep(session);
    } catch (err) {
      session.release();
      throw err;
    }
    session.release();
    return null;
  }

  async purgeDeliveries({ before, cursor, limit }: PurgeBatch): Promise<PurgedDeliveries> {
    const { rows } = await this.session.query<{ scanned: number; last: string | null; deliveries: number; attempts: number }>(
      PURGE_DELIVERIES_SQL,
      [cursor ?? '', deliveryIdFloor(before), limit, before],
    );
    const r = rows[0]!;
    return { scanned: r.scanned, deliveries: r.deliveries, attempts: r.attempts, cursor: r.scanned < limit || r.last === null ? null : r.last };
  }

  async purgeEvents({ before, cursor, limit }: PurgeBatch): Promise<PurgedEvents> {
    const after = decodeEventCursor(cursor);
    const { rows } = await this.session.query<{ scanned: number; events: number; created_at: number | null; business_id: string | null; id: string | null }>(
      PURGE_EVENTS_SQL,
      [before, after.created_at, after.business_id, after.id, limit],
    );
    const r = rows[0]!;
    const done = r.scanned < limit || r.created_at === null;
    return {
      scanned: r.scanned,
      events: r.events,
      cursor: done ? null : encodeEventCursor({ created_at: r.created_at!, business_id: r.business_id!, id: r.id! }),
    };
  }

  /** Safe to call twice. */
  end(): Promise<void> {
    this.ending ??= (async () => {
      try {
        await this.session.query(`SELECT pg_advisory_unlock(${RETENTION_LOCK})`);
        this.session.release();
      } catch {
        // A pooled connection still holding the lock would block every later sweep, so it is
        // closed instead; PostgreSQL releases the lock with the session.
        this.session.release(true);
      }
    })();
    return this.ending;
  }
}
