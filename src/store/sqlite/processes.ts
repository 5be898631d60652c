import type { ProcessRow, ReleasedLeases } from '../Store.js';
import type { SqliteDatabase } from './SqliteDatabase.js';

/*
 * Process heartbeats and giving back the leases of processes that died
 * (docs/reliability.md#crash-recovery). Held deliveries are found through deliveries_due: a
 * held delivery's `next_attempt_at` is its lease expiry, so `next_attempt_at > now` is a range
 * of that partial index (the open backlog), never a walk of the log. Leases that have already
 * run out are left alone: the claim takes them as it is.
 */

const NOTHING: ReleasedLeases = Object.freeze({ processes: [], deliveries: 0, senders: 0 }) as ReleasedLeases;

export async function heartbeat(db: SqliteDatabase, row: ProcessRow): Promise<boolean> {
  const beat = db.stmt('UPDATE processes SET heartbeat_at = @heartbeat_at WHERE id = @id');
  const insert = db.stmt(
    `INSERT INTO processes (id, host, pid, mode, started_at, heartbeat_at)
     VALUES (@id, @host, @pid, @mode, @started_at, @heartbeat_at)`,
  );
  const existed = db.write((): boolean => {
    if (beat.run({ id: row.id, heartbeat_at: row.heartbeat_at }).changes > 0) return true;
    insert.run(row);
    return false;
  });
  return existed || row.heartbeat_at <= row.started_at;
}

export async function listProcesses(db: SqliteDatabase): Promise<ProcessRow[]> {
  return db.stmt('SELECT id, host, pid, mode, started_at, heartbeat_at FROM processes ORDER BY started_at, id').all() as ProcessRow[];
}

export async function removeProcess(db: SqliteDatabase, id: string): Promise<void> {
  db.stmt('DELETE FROM processes WHERE id = ?').run(id);
}

export async function releaseDeadProcesses(db: SqliteDatabase, opts: { now: number; deadBefore: number; except: string }): Promise<ReleasedLeases> {
  const dead = db.stmt('SELECT id FROM processes WHERE heartbeat_at < @deadBefore AND id <> @except ORDER BY id').pluck();
  return db.write((): ReleasedLeases => {
    const ids = dead.all({ deadBefore: opts.deadBefore, except: opts.except }) as string[];
    if (ids.length === 0) return NOTHING;
    const owners = JSON.stringify(ids);
    const deliveries = db.stmt(
      `UPDATE deliveries SET lease_owner = NULL, next_attempt_at = @now, updated_at = @now
       WHERE next_attempt_at > @now AND lease_owner IN (SELECT value FROM json_each(@owners))`,
    ).run({ now: opts.now, owners }).changes;
    const senders = db.stmt('DELETE FROM webhook_senders WHERE owner IN (SELECT value FROM json_each(?))').run(owners).changes;
    db.stmt('DELETE FROM processes WHERE id IN (SELECT value FROM json_each(?))').run(owners);
    return { processes: ids, deliveries, senders };
  });
}

export async function releaseLeasesNotOwnedBy(db: SqliteDatabase, owner: string, now: number): Promise<ReleasedLeases> {
  return db.write((): ReleasedLeases => {
    const deliveries = db.stmt(
      `UPDATE deliveries SET lease_owner = NULL, next_attempt_at = @now, updated_at = @now
       WHERE next_attempt_at > @now AND lease_owner IS NOT NULL AND lease_owner <> @owner`,
    ).run({ now, owner }).changes;
    const senders = db.stmt('DELETE FROM webhook_senders WHERE owner <> ?').run(owner).changes;
    const processes = db.stmt('DELETE FROM processes WHERE id <> ? RETURNING id').pluck().all(owner) as string[];
    return { processes: processes.sort(), deliveries, senders };
  });
}
