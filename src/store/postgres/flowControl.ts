import type { DispatchItem, OrderedClaim, OrderedClaimOptions, SenderLease } from '../Store.js';
import type { PgDatabase } from './PgDatabase.js';
import { columnList, DELIVERY_COLUMNS, deliveryFromRow, type RawRow } from './rows.js';
import { prepared } from './PreparedStatement.js';

/*
 * The store side of flow control (docs/delivery.md#flow-control): sender leases, the ordered
 * (fifo) head of a webhook, and circuit probes. None of it is on the fresh path: a process
 * takes a sender lease once per webhook per lease period, and fifo webhooks pay for their order.
 */

/**
 * Take (or renew) each lease that is free, expired or already ours, and report the holder of
 * every webhook asked about, all from the one upsert. A lease another process holds is
 * rewritten unchanged rather than skipped: ON CONFLICT DO UPDATE waits for a concurrent taker
 * to commit and then acts on its row, whereas a separate SELECT in the same statement reads
 * the statement's snapshot, which predates that commit and would report no holder at all.
 */
const ACQUIRE_SQL = prepared(`
INSERT INTO webhook_senders (webhook_id, owner, lease_until)
SELECT unnest($2::text[]), $1, $4
ON CONFLICT (webhook_id) DO UPDATE SET
  owner = CASE WHEN webhook_senders.owner = excluded.owner OR webhook_senders.lease_until <= $3
    THEN excluded.owner ELSE webhook_senders.owner END,
  lease_until = CASE WHEN webhook_senders.owner = excluded.owner OR webhook_senders.lease_until <= $3
    THEN excluded.lease_until ELSE webhook_senders.lease_until END
RETURNING webhook_id, owner, lease_until`);

export async function acquireSenders(db: PgDatabase, owner: string, webhookIds: string[], now: number, leaseUntil: number): Promise<SenderLease[]> {
  if (webhookIds.length === 0) return [];
  // Sorted and unique: ON CONFLICT cannot touch one row twice, and two processes locking
  // overlapping sets in the same order cannot deadlock.
  const ids = [...new Set(webhookIds)].sort();
  const { rows } = await db.queryRetrying<SenderLease>(ACQUIRE_SQL, [owner, ids, now, leaseUntil]);
  return rows
    .map((r) => ({ webhook_id: r.webhook_id, owner: r.owner, lease_until: Number(r.lease_until) }))
    .sort((a, b) => (a.webhook_id < b.webhook_id ? -1 : a.webhook_id > b.webhook_id ? 1 : 0));
}

export async function releaseSenders(db: PgDatabase, owner: string, webhookIds: string[]): Promise<void> {
  if (webhookIds.length === 0) return;
  await db.query('DELETE FROM webhook_senders WHERE owner = $1 AND webhook_id = ANY ($2::text[])', [owner, webhookIds]);
}

const D = columnList(DELIVERY_COLUMNS, 'd');
const C = columnList(DELIVERY_COLUMNS, 'c');
const WITH_EVENT = `e.type AS event_type_name, e.data AS event_data, e.occurred_at AS event_occurred_at, e.created_at AS event_created_at,
  e.traceparent AS event_traceparent, e.tracestate AS event_tracestate`;

/**
 * The head of the webhook's unfinished deliveries, locked, then the leading run of those that
 * can be sent now. FOR UPDATE (not SKIP LOCKED): order matters, so a row another transaction
 * is touching this instant is waited for, not jumped.
 */
const ORDERED_SQL = prepared(`
WITH head AS MATERIALIZED (
  SELECT id, created_at, event_id, next_attempt_at, lease_owner FROM deliveries
  WHERE webhook_id = $2 AND status IN ('pending', 'retrying')
  ORDER BY created_at, event_id LIMIT $5
  FOR UPDATE
), ranked AS (
  SELECT id, next_attempt_at, row_number() OVER (ORDER BY created_at, event_id) AS n,
    CASE WHEN next_attempt_at IS NULL THEN $6::boolean ELSE lease_owner IS NOT DISTINCT FROM $1 OR next_attempt_at <= $3 END AS available
  FROM head
), stop AS (
  SELECT n, next_attempt_at FROM ranked WHERE NOT available ORDER BY n LIMIT 1
), claimed AS (
  UPDATE deliveries d SET lease_owner = $1, next_attempt_at = $4, updated_at = $3
  FROM ranked r WHERE d.id = r.id AND r.n < coalesce((SELECT n FROM stop), 2147483647)
  RETURNING ${D}
)
SELECT ${C}, ${WITH_EVENT}, NULL::bigint AS blocked_until
FROM claimed c JOIN events e ON e.business_id = c.business_id AND e.id = c.event_id
UNION ALL
SELECT ${columnList(DELIVERY_COLUMNS.map(() => 'NULL'))}, NULL, NULL, NULL, NULL, NULL, NULL, next_attempt_at FROM stop
ORDER BY created_at, event_id`);

const PROBE_SQL = prepared(`
WITH oldest AS MATERIALIZED (
  SELECT id FROM deliveries
  WHERE webhook_id = $2 AND status IN ('pending', 'retrying')
    AND (next_attempt_at IS NULL OR next_attempt_at <= $3 OR lease_owner = $1)
  ORDER BY created_at, event_id LIMIT 1
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE deliveries d SET lease_owner = $1, next_attempt_at = $4, updated_at = $3
  FROM oldest o WHERE d.id = o.id
  RETURNING ${D}
)
SELECT ${C}, ${WITH_EVENT} FROM claimed c JOIN events e ON e.business_id = c.business_id AND e.id = c.event_id`);

function itemFromRow(r: RawRow): DispatchItem {
  return {
    delivery: deliveryFromRow(r),
    event: {
      business_id: r.business_id as string,
      id: r.event_id as string,
      type: r.event_type_name as string,
      data: r.event_data as string,
      occurred_at: r.event_occurred_at as number,
      created_at: r.event_created_at as number,
      traceparent: r.event_traceparent as string | null,
      tracestate: r.event_tracestate as string | null,
    },
  };
}

export async function claimOrdered(db: PgDatabase, opts: OrderedClaimOptions): Promise<OrderedClaim> {
  const { rows } = await db.queryRetrying(ORDERED_SQL, [
    opts.owner, opts.webhookId, opts.now, opts.leaseUntil, Math.max(1, opts.limit), opts.includeParked === true,
  ]);
  const items: DispatchItem[] = [];
  let blockedUntil: number | null = null;
  for (const r of rows as RawRow[]) {
    if (r.id === null) blockedUntil = (r.blocked_until as number | null) ?? null;
    else items.push(itemFromRow(r));
  }
  return { items, blocked_until: blockedUntil };
}

export async function claimProbe(
  db: PgDatabase,
  opts: { owner: string; webhookId: string; now: number; leaseUntil: number },
): Promise<DispatchItem | null> {
  const { rows } = await db.query(PROBE_SQL, [opts.owner, opts.webhookId, opts.now, opts.leaseUntil]);
  const r = rows[0] as RawRow | undefined;
  return r ? itemFromRow(r) : null;
}

export async function unhealthyWebhookIds(db: PgDatabase): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    "SELECT id FROM webhooks WHERE health_state = 'unhealthy' AND enabled AND deleted_at IS NULL ORDER BY id",
  );
  return rows.map((r) => r.id);
}
