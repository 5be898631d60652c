import type { DispatchItem, EventRow, OrderedClaim, OrderedClaimOptions, SenderLease } from '../Store.js';
import type { SqliteDatabase } from './SqliteDatabase.js';
import { deliveryFromRow, type RawRow } from './rows.js';

/*
 * The store side of flow control (docs/delivery.md#flow-control): sender leases, the ordered
 * (fifo) head of a webhook, and circuit probes. SQLite is one process, so sender leases are
 * never contended here; they are implemented so that both stores keep one contract.
 */

export async function acquireSenders(db: SqliteDatabase, owner: string, webhookIds: string[], now: number, leaseUntil: number): Promise<SenderLease[]> {
  const take = db.stmt(
    `INSERT INTO webhook_senders (webhook_id, owner, lease_until) VALUES (@id, @owner, @until)
     ON CONFLICT (webhook_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
     WHERE webhook_senders.owner = excluded.owner OR webhook_senders.lease_until <= @now`,
  );
  const read = db.stmt('SELECT webhook_id, owner, lease_until FROM webhook_senders WHERE webhook_id = ?');
  return db.write((): SenderLease[] => {
    const out: SenderLease[] = [];
    for (const id of new Set(webhookIds)) {
      take.run({ id, owner, until: leaseUntil, now });
      const row = read.get(id) as SenderLease | undefined;
      if (row) out.push(row);
    }
    return out;
  });
}

export async function releaseSenders(db: SqliteDatabase, owner: string, webhookIds: string[]): Promise<void> {
  const release = db.stmt('DELETE FROM webhook_senders WHERE webhook_id = ? AND owner = ?');
  db.write(() => {
    for (const id of webhookIds) release.run(id, owner);
  });
}

export async function claimOrdered(db: SqliteDatabase, opts: OrderedClaimOptions): Promise<OrderedClaim> {
  const head = db.stmt(
    `SELECT * FROM deliveries WHERE webhook_id = ? AND status IN ('pending', 'retrying')
     ORDER BY created_at, event_id LIMIT ?`,
  );
  return db.write((): OrderedClaim => {
    const run: RawRow[] = [];
    let blockedUntil: number | null = null;
    for (const r of head.all(opts.webhookId, Math.max(1, opts.limit)) as RawRow[]) {
      const at = r.next_attempt_at as number | null;
      if (at === null ? opts.includeParked === true : r.lease_owner === opts.owner || at <= opts.now) {
        run.push(r);
        continue;
      }
      blockedUntil = at;
      break;
    }
    return { items: lease(db, run, opts), blocked_until: blockedUntil };
  });
}

export async function claimProbe(
  db: SqliteDatabase,
  opts: { owner: string; webhookId: string; now: number; leaseUntil: number },
): Promise<DispatchItem | null> {
  const oldest = db.stmt(
    `SELECT * FROM deliveries WHERE webhook_id = @webhookId AND status IN ('pending', 'retrying')
       AND (next_attempt_at IS NULL OR next_attempt_at <= @now OR lease_owner = @owner)
     ORDER BY created_at, event_id LIMIT 1`,
  );
  return db.write((): DispatchItem | null => {
    const r = oldest.get({ webhookId: opts.webhookId, now: opts.now, owner: opts.owner }) as RawRow | undefined;
    return r ? (lease(db, [r], opts)[0] ?? null) : null;
  });
}

export async function unhealthyWebhookIds(db: SqliteDatabase): Promise<string[]> {
  return db.stmt("SELECT id FROM webhooks WHERE health_state = 'unhealthy' AND enabled = 1 AND deleted_at IS NULL ORDER BY id")
    .pluck()
    .all() as string[];
}

/** Leases `rows` to the caller and pairs them with their events; call inside a transaction. */
function lease(db: SqliteDatabase, rows: RawRow[], opts: { owner: string; now: number; leaseUntil: number }): DispatchItem[] {
  const update = db.stmt('UPDATE deliveries SET lease_owner = @owner, next_attempt_at = @leaseUntil, updated_at = @now WHERE id = @id');
  const selectEvent = db.stmt('SELECT * FROM events WHERE business_id = ? AND id = ?');
  const items: DispatchItem[] = [];
  for (const r of rows) {
    update.run({ owner: opts.owner, leaseUntil: opts.leaseUntil, now: opts.now, id: r.id });
    const event = selectEvent.get(r.business_id, r.event_id) as EventRow | undefined;
    if (!event) continue;
    items.push({ delivery: deliveryFromRow({ ...r, lease_owner: opts.owner, next_attempt_at: opts.leaseUntil, updated_at: opts.now }), event });
  }
  return items;
}
