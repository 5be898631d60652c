import { newDeliveryRow } from '../deliveryFromRow.js';
import type { EventRow, PublishItem, PublishResult } from '../Store.js';
import type { PgQueryable } from './PgDatabase.js';
import { DUE_CHANNEL } from './DueListener.js';
import { eventFromRow, type RawRow } from './rows.js';
import { prepared } from './PreparedStatement.js';

/**
 * One statement, so one round trip and one implicit transaction: the events go in through
 * unnest (repeats skipped by ON CONFLICT), and the deliveries of the events that were really
 * inserted follow. The statement touches `events` only through ON CONFLICT's probe of the
 * primary key. It used to read repeated events back by a join on `events` too, and a prepared
 * statement keeps the generic plan it first made: made while the table was empty, and never
 * replaced on a server without autovacuum (so without fresh statistics), that join was a
 * sequential scan of `events` on every publish (issue 19). Repeats are rare (a client retrying
 * with the same id), so they are read by a second, unprepared statement, planned afresh each time.
 *
 * The event data (1 KB each, mostly quotes) crosses as one JSON array of strings rather than a
 * text[]: the driver builds an array literal by escaping every element in JavaScript, which
 * was 4 % of the publishing thread, where JSON.stringify does the same escaping natively.
 *
 * NOTIFY is sent only when a delivery nobody holds was created: the publisher usually leases
 * fresh deliveries to itself, and every NOTIFY serialises on a database-wide lock at commit.
 *
 * A delivery the publisher meant to hold goes in unleased and due when another process holds
 * its webhook's sender lease (read once per publish for all its webhooks, through the primary
 * key by sender_leases_of of migration 0021, which no statistics can turn into a scan): the
 * publisher could not send it anyway, and finding that out after the commit cost a second
 * write to give the lease back. The sender claims it after the NOTIFY. Every delivery stored
 * unleased comes back as a row of its own (`unheld_id`), so the caller can tell which of the
 * ones it meant to hold it must not queue. (Deciding in a separate CTE and returning only those
 * made a 1,000-event publish 18 % slower: the CTE is materialised.)
 */
export const PUBLISH_SQL = prepared(`
WITH input AS (
  SELECT t.business_id, t.id, t.type, d.data, t.occurred_at, t.created_at, t.traceparent, t.tracestate
  FROM unnest($1::text[], $2::text[], $3::text[], $5::bigint[], $6::bigint[], $15::text[], $16::text[]) WITH ORDINALITY
    AS t (business_id, id, type, occurred_at, created_at, traceparent, tracestate, n)
  JOIN json_array_elements_text($4::json) WITH ORDINALITY AS d (data, n) ON d.n = t.n
), senders AS MATERIALIZED (
  SELECT webhook_id, owner, lease_until FROM sender_leases_of($10::text[])
), created AS (
  INSERT INTO events (business_id, id, type, data, occurred_at, created_at, traceparent, tracestate)
  SELECT business_id, id, type, data, occurred_at, created_at, traceparent, tracestate FROM input
  ON CONFLICT DO NOTHING
  RETURNING business_id, id
), inserted AS (
  INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count,
    next_attempt_at, last_status_code, lease_owner, created_at, updated_at)
  SELECT d.id, d.business_id, d.event_id, d.webhook_id, d.event_type, 'pending', 0,
    CASE WHEN f.foreign_sender THEN d.created_at ELSE d.next_attempt_at END, NULL,
    CASE WHEN f.foreign_sender THEN NULL ELSE d.lease_owner END, d.created_at, d.created_at
  FROM unnest($7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::bigint[], $13::text[], $14::bigint[])
    AS d (id, business_id, event_id, webhook_id, event_type, next_attempt_at, lease_owner, created_at)
  JOIN created c ON c.business_id = d.business_id AND c.id = d.event_id
  LEFT JOIN senders s ON s.webhook_id = d.webhook_id
  CROSS JOIN LATERAL (
    SELECT coalesce(d.lease_owner IS NOT NULL AND s.owner <> d.lease_owner AND s.lease_until > d.created_at, false) AS foreign_sender
  ) f
  RETURNING id, lease_owner
), wake AS (
  SELECT pg_notify('${DUE_CHANNEL}', '') FROM (SELECT FROM inserted WHERE lease_owner IS NULL LIMIT 1) AS unheld
)
SELECT true AS created, c.business_id, c.id, NULL AS type, NULL AS data, NULL::bigint AS occurred_at, NULL::bigint AS created_at,
    NULL AS unheld_id
  FROM created c
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, id FROM inserted WHERE lease_owner IS NULL
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM wake`);

const key = (businessId: string, id: string): string => `${businessId}\u0000${id}`;

export async function publishEvents(db: PgQueryable, items: PublishItem[]): Promise<PublishResult[]> {
  if (items.length === 0) return [];
  // The same id twice in one batch: the first occurrence is the one stored (as SQLite does,
  // inserting in order), later ones are repeats of it. A single INSERT cannot tell which of
  // two identical keys it kept, so they are set aside here.
  const first = new Map<string, PublishItem>();
  for (const item of items) {
    const k = key(item.event.business_id, item.event.id);
    if (!first.has(k)) first.set(k, item);
  }
  const unique = [...first.values()];
  const ev = { business: [] as string[], id: [] as string[], type: [] as string[], data: [] as string[], occurred: [] as number[], created: [] as number[] };
  const dl = {
    id: [] as string[], business: [] as string[], event: [] as string[], webhook: [] as string[], type: [] as string[],
    next: [] as number[], owner: [] as (string | null)[], created: [] as number[],
  };
  // unnest pads shorter arrays with NULL, so a publish without trace context sends two empty ones.
  const traced = unique.some((i) => i.event.traceparent);
  const trace = { parent: [] as (string | null)[], state: [] as (string | null)[] };
  for (const { event: e, deliveries } of unique) {
    if (traced) {
      trace.parent.push(e.traceparent ?? null);
      trace.state.push(e.tracestate ?? null);
    }
    ev.business.push(e.business_id);
    ev.id.push(e.id);
    ev.type.push(e.type);
    ev.data.push(e.data);
    ev.occurred.push(e.occurred_at);
    ev.created.push(e.created_at);
    for (const d of deliveries) {
      dl.id.push(d.id);
      dl.business.push(e.business_id);
      dl.event.push(e.id);
      dl.webhook.push(d.webhook_id);
      dl.type.push(e.type);
      dl.next.push(d.next_attempt_at);
      dl.owner.push(d.lease_owner);
      dl.created.push(e.created_at);
    }
  }
  const { rows } = await db.query(PUBLISH_SQL, [
    ev.business, ev.id, ev.type, JSON.stringify(ev.data), ev.occurred, ev.created,
    dl.id, dl.business, dl.event, dl.webhook, dl.type, dl.next, dl.owner, dl.created, trace.parent, trace.state,
  ]);

  const created = new Set<string>();
  const stored = new Map<string, EventRow>();
  const unheld = new Set<string>();
  for (const r of rows as RawRow[]) {
    if (r.created === true) created.add(key(r.business_id as string, r.id as string));
    else if (r.unheld_id !== null) unheld.add(r.unheld_id as string);
  }
  // Repeated ids: the events stored before (by an earlier publish, or by a concurrent one that
  // committed after this statement's snapshot, which ON CONFLICT skipped all the same).
  const missing = unique.filter(({ event: e }) => !created.has(key(e.business_id, e.id)));
  if (missing.length > 0) {
    const again = await db.query(
      'SELECT e.business_id, e.id, e.type, e.data, e.occurred_at, e.created_at FROM events e JOIN unnest($1::text[], $2::text[]) AS k (business_id, id) ON e.business_id = k.business_id AND e.id = k.id',
      [missing.map((m) => m.event.business_id), missing.map((m) => m.event.id)],
    );
    for (const r of again.rows as RawRow[]) stored.set(key(r.business_id as string, r.id as string), eventFromRow(r));
  }

  const results: PublishResult[] = [];
  const answered = new Set<string>();
  for (const item of items) {
    const k = key(item.event.business_id, item.event.id);
    if (created.has(k) && !answered.has(k)) {
      answered.add(k);
      const deliveries = item.deliveries.map((d) =>
        newDeliveryRow(item.event, d.lease_owner !== null && unheld.has(d.id) ? { ...d, lease_owner: null, next_attempt_at: item.event.created_at } : d),
      );
      results.push({ event: { ...item.event }, created: true, deliveries });
    } else {
      const event = stored.get(k) ?? (created.has(k) ? { ...first.get(k)!.event } : undefined);
      if (!event) throw new Error(`Event ${item.event.id} of business ${item.event.business_id} was neither inserted nor found; this is a bug.`);
      results.push({ event, created: false, deliveries: [] });
    }
  }
  return results;
}

