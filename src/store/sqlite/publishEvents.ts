import type Database from 'better-sqlite3';
import { newDeliveryRow } from '../deliveryFromRow.js';
import type { DeliveryRow, EventRow, PublishItem, PublishResult } from '../Store.js';

/**
 * Events and their deliveries in one transaction; a repeated event id inserts nothing and
 * answers the stored event. The store publishes through it, and so does a program publishing
 * inside its own transaction on the same file (src/library/publish.ts): better-sqlite3 turns a
 * transaction begun inside another into a savepoint, so the caller's commit or rollback decides.
 */
export function publishEvents(db: Database.Database, stmt: (sql: string) => Database.Statement, items: PublishItem[]): PublishResult[] {
  const insertEvent = stmt(
    `INSERT INTO events (business_id, id, type, data, occurred_at, created_at)
     VALUES (@business_id, @id, @type, @data, @occurred_at, @created_at) ON CONFLICT DO NOTHING`,
  );
  // Most events carry no trace: they keep the statement without its columns.
  const insertTracedEvent = stmt(
    `INSERT INTO events (business_id, id, type, data, occurred_at, created_at, traceparent, tracestate)
     VALUES (@business_id, @id, @type, @data, @occurred_at, @created_at, @traceparent, @tracestate) ON CONFLICT DO NOTHING`,
  );
  const selectEvent = stmt('SELECT business_id, id, type, data, occurred_at, created_at FROM events WHERE business_id = ? AND id = ?');
  const insertDelivery = stmt(
    `INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count,
       next_attempt_at, last_status_code, lease_owner, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?, ?, ?)`,
  );
  return db.transaction((): PublishResult[] => {
    const results: PublishResult[] = [];
    for (const { event, deliveries } of items) {
      const inserted = event.traceparent ? insertTracedEvent.run({ tracestate: null, ...event }) : insertEvent.run(event);
      if (inserted.changes === 0) {
        results.push({ event: selectEvent.get(event.business_id, event.id) as EventRow, created: false, deliveries: [] });
        continue;
      }
      const rows: DeliveryRow[] = [];
      for (const d of deliveries) {
        insertDelivery.run(d.id, event.business_id, event.id, d.webhook_id, event.type, d.next_attempt_at, d.lease_owner, event.created_at, event.created_at);
        rows.push(newDeliveryRow(event, d));
      }
      results.push({ event: { ...event }, created: true, deliveries: rows });
    }
    return results;
  }).immediate();
}
