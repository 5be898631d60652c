import type { ClaimDueOptions, DispatchItem } from '../Store.js';
import type { PgDatabase } from './PgDatabase.js';
import { columnList, DELIVERY_COLUMNS, deliveryFromRow, type RawRow } from './rows.js';
import { prepared } from './PreparedStatement.js';

/**
 * The claim: pick due rows in due order, skipping rows another process is claiming this very
 * moment (SKIP LOCKED: claimers never wait for each other and never get the same row), move
 * their next_attempt_at to the lease expiry and stamp the owner, and return them with their
 * events, all in one round trip.
 *
 * MATERIALIZED keeps the locking subquery from being inlined into the UPDATE, where the
 * planner could run it more than once. Rows are returned in the order they were due; the old
 * next_attempt_at is carried through because the UPDATE has replaced it.
 *
 * A webhook another process is the sender for (webhook_senders, docs/delivery.md#flow-control)
 * is skipped: only its sender may send to it, so that its rate limit, max_in_flight and order
 * hold across processes. One primary-key probe per candidate row; the table holds one row per
 * webhook being sent to.
 *
 * Each claimed row's event is read once, by primary key, after the LIMIT. The LIMIT 1 keeps
 * that lookup a per-row probe: as an EXISTS inside the locking scan, the planner was free to
 * answer it with a hash of the whole events table, and did whenever its estimate of due rows
 * was high (stale statistics on a young table), scanning every event on every claim: 40–100 ms
 * per claim with 14,000 events, and growing with them. For the same reason the UPDATE finds
 * its rows through `id = ANY (ARRAY(…))`, a primary-key lookup the planner always takes,
 * rather than through a join it could answer with a hash of the whole deliveries table.
 *
 * With other processes alive ($7, every live process; empty when this one is alone), a
 * webhook nobody holds the sender lease of is left to its owner by rendezvous hashing
 * (src/dispatch/WebhookOwners.ts computes the same key), so that each process sends for its
 * share of the webhooks rather than for whichever it claimed first. Rows due before $8 are
 * anyone's: an owner that is alive but not claiming them (its memory budget full, its claim
 * loop stalled) delays them by that much, never strands them. A webhook this process holds the
 * lease of stays claimable by it whoever owns it by hash, or its own fresh rows would wait.
 *
 * Businesses in $6 hold their share of this process's memory budget (issue 12): their rows
 * stay for other processes, or for later, so that one business's backlog cannot fill the claim.
 *
 * A row whose event is gone (purged by retention) cannot be sent: it is failed in the same
 * statement instead of being leased, as in the SQLite store, and not returned.
 */
export const CLAIM_SQL = prepared(`
WITH due AS MATERIALIZED (
  SELECT id, business_id, event_id, next_attempt_at
  FROM deliveries
  WHERE next_attempt_at IS NOT NULL AND next_attempt_at <= $3 AND webhook_id <> ALL ($5::text[])
    AND business_id <> ALL ($6::text[])
    AND NOT EXISTS (
      SELECT FROM webhook_senders s WHERE s.webhook_id = deliveries.webhook_id AND s.owner <> $1 AND s.lease_until > $3
    )
    AND (cardinality($7::text[]) = 0 OR next_attempt_at <= $8
      OR $1 = substr((SELECT max((md5(p || ':' || deliveries.webhook_id) || p) COLLATE "C") FROM unnest($7::text[]) AS p), 33)
      OR EXISTS (
        SELECT FROM webhook_senders s WHERE s.webhook_id = deliveries.webhook_id AND s.owner = $1 AND s.lease_until > $3
      ))
  ORDER BY next_attempt_at
  LIMIT $4
  FOR UPDATE SKIP LOCKED
), claimed AS (
  UPDATE deliveries d SET
    lease_owner = CASE WHEN e.id IS NOT NULL THEN $1 END,
    next_attempt_at = CASE WHEN e.id IS NOT NULL THEN $2::bigint END,
    status = CASE WHEN e.id IS NOT NULL THEN d.status ELSE 'failed' END,
    updated_at = $3
  FROM due LEFT JOIN LATERAL (
    SELECT ev.id, ev.type, ev.data, ev.occurred_at, ev.created_at, ev.traceparent, ev.tracestate FROM events ev
    WHERE ev.business_id = due.business_id AND ev.id = due.event_id
    LIMIT 1
  ) e ON true
  WHERE d.id = due.id AND d.id = ANY (ARRAY(SELECT id FROM due))
  RETURNING ${columnList(DELIVERY_COLUMNS, 'd')}, due.next_attempt_at AS due_at, e.id IS NOT NULL AS has_event,
    e.type AS event_type_name, e.data AS event_data, e.occurred_at AS event_occurred_at, e.created_at AS event_created_at,
    e.traceparent AS event_traceparent, e.tracestate AS event_tracestate
)
SELECT * FROM claimed WHERE has_event
ORDER BY due_at, id`);

export async function claimDueDeliveries(
  db: PgDatabase,
  opts: ClaimDueOptions,
): Promise<DispatchItem[]> {
  if (opts.limit <= 0) return [];
  const { rows } = await db.query(CLAIM_SQL, [
    opts.owner, opts.leaseUntil, opts.now, opts.limit, opts.excludeWebhooks, opts.excludeBusinesses ?? [],
    opts.shared?.live ?? [], opts.shared?.anyoneBefore ?? 0,
  ]);
  return (rows as RawRow[]).map((r) => ({
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
  }));
}
