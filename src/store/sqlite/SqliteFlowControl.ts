import type Database from 'better-sqlite3';
import type { DispatchItem, EventRow, OrderedClaim, OrderedClaimOptions, SenderLease } from '../Store.js';
import { deliveryFromRow, type RawRow } from './rows.js';

/**
 * The store side of flow control (docs/delivery.md#flow-control): sender leases, the ordered
 * (fifo) head of a webhook, and circuit probes. SQLite is one process, so sender leases are
 * never contended here; they are implemented so that both stores keep one contract.
 */
export class SqliteFlowControl {
  constructor(
    private readonly db: Database.Database,
    private readonly stmt: (sql: string) => Database.Statement,
  ) {}

  async acquireSenders(owner: string, webhookIds: string[], now: number, leaseUntil: number): Promise<SenderLease[]> {
    const take = this.stmt(
      `INSERT INTO webhook_senders (webhook_id, owner, lease_until) VALUES (@id, @owner, @until)
       ON CONFLICT (webhook_id) DO UPDATE SET owner = excluded.owner, lease_until = excluded.lease_until
       WHERE webhook_senders.owner = excluded.owner OR webhook_senders.lease_until <= @now`,
    );
    const read = this.stmt('SELECT webhook_id, owner, lease_until FROM webhook_senders WHERE webhook_id = ?');
    return this.db.transaction((): SenderLease[] => {
      const out: SenderLease[] = [];
      for (const id of new Set(webhookIds)) {
        take.run({ id, owner, until: leaseUntil, now });
        const row = read.get(id) as SenderLease | undefined;
        if (row) out.push(row);
      }
      return out;
    }).immediate();
  }

  async releaseSenders(owner: string, webhookIds: string[]): Promise<void> {
    const release = this.stmt('DELETE FROM webhook_senders WHERE webhook_id = ? AND owner = ?');
    this.db.transaction(() => {
      for (const id of webhookIds) release.run(id, owner);
    }).immediate();
  }

  async claimOrdered(opts: OrderedClaimOptions): Promise<OrderedClaim> {
    const head = this.stmt(
      `SELECT * FROM deliveries WHERE webhook_id = ? AND status IN ('pending', 'retrying')
       ORDER BY created_at, event_id LIMIT ?`,
    );
    return this.db.transaction((): OrderedClaim => {
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
      return { items: this.lease(run, opts), blocked_until: blockedUntil };
    }).immediate();
  }

  async claimProbe(opts: { owner: string; webhookId: string; now: number; leaseUntil: number }): Promise<DispatchItem | null> {
    const oldest = this.stmt(
      `SELECT * FROM deliveries WHERE webhook_id = @webhookId AND status IN ('pending', 'retrying')
         AND (next_attempt_at IS NULL OR next_attempt_at <= @now OR lease_owner = @owner)
       ORDER BY created_at, event_id LIMIT 1`,
    );
    return this.db.transaction((): DispatchItem | null => {
      const r = oldest.get({ webhookId: opts.webhookId, now: opts.now, owner: opts.owner }) as RawRow | undefined;
      return r ? (this.lease([r], opts)[0] ?? null) : null;
    }).immediate();
  }

  async unhealthyWebhookIds(): Promise<string[]> {
    return this.stmt("SELECT id FROM webhooks WHERE health_state = 'unhealthy' AND enabled = 1 AND deleted_at IS NULL ORDER BY id")
      .pluck()
      .all() as string[];
  }

  /** Leases `rows` to the caller and pairs them with their events; call inside a transaction. */
  private lease(rows: RawRow[], opts: { owner: string; now: number; leaseUntil: number }): DispatchItem[] {
    const update = this.stmt('UPDATE deliveries SET lease_owner = @owner, next_attempt_at = @leaseUntil, updated_at = @now WHERE id = @id');
    const selectEvent = this.stmt('SELECT * FROM events WHERE business_id = ? AND id = ?');
    const items: DispatchItem[] = [];
    for (const r of rows) {
      update.run({ owner: opts.owner, leaseUntil: opts.leaseUntil, now: opts.now, id: r.id });
      const event = selectEvent.get(r.business_id, r.event_id) as EventRow | undefined;
      if (!event) continue;
      items.push({ delivery: deliveryFromRow({ ...r, lease_owner: opts.owner, next_attempt_at: opts.leaseUntil, updated_at: opts.now }), event });
    }
    return items;
  }
}
