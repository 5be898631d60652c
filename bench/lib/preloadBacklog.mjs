// Writes a backlog of due deliveries straight into a stopped Hookline's database: one event
// per delivery, across the given webhooks in turn, unleased and due now, as if a process had
// stored them and died. Going around the API is the point: publishing 1M events would make
// the running dispatcher send them as they arrive, and there would be no backlog to drain.
// The columns are those of migrations/*/0001_init.sql.
import Database from 'better-sqlite3';
import pg from 'pg';
import { monotonicFactory } from 'ulidx';
import { eventDataJson, eventType } from './payload.mjs';

const ulid = monotonicFactory();
const CHUNK = 20_000;

export function deliveryKeys(count, webhooks, idPrefix) {
  return Array.from({ length: count }, (_, i) => `${i % webhooks}:${idPrefix}${i}`);
}

export async function preloadSqlite(file, { business, webhookIds, count, idPrefix, onProgress = () => {} }) {
  const db = new Database(file);
  // Durability does not matter for a file about to be drained; speed of the preload does.
  db.pragma('synchronous = OFF');
  const insertEvent = db.prepare('INSERT INTO events (business_id, id, type, data, occurred_at, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  const insertDelivery = db.prepare(
    `INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count, next_attempt_at,
       last_status_code, lease_owner, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, NULL, ?, ?)`,
  );
  const now = Date.now();
  const w = webhookIds.length;
  const chunk = db.transaction((from, to) => {
    for (let i = from; i < to; i++) {
      const id = `${idPrefix}${i}`;
      const type = eventType(i % w);
      // Distinct due times in insertion order, so the claim takes them oldest first.
      const due = now - count + i;
      insertEvent.run(business, id, type, eventDataJson, due, due);
      insertDelivery.run(`dlv_${ulid()}`, business, id, webhookIds[i % w], type, due, due, due);
    }
  });
  try {
    for (let i = 0; i < count; i += CHUNK) {
      chunk(i, Math.min(count, i + CHUNK));
      onProgress(Math.min(count, i + CHUNK));
      await new Promise(setImmediate);
    }
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export async function preloadPostgres(url, { business, webhookIds, count, idPrefix, onProgress = () => {} }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const now = Date.now();
  try {
    for (let from = 0; from < count; from += CHUNK * 5) {
      const to = Math.min(count, from + CHUNK * 5) - 1;
      const params = [business, idPrefix, eventDataJson, now - count, from, to, webhookIds.length];
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO events (business_id, id, type, data, occurred_at, created_at)
         SELECT $1, $2::text || i, 'bench/e' || (i % $7::int), $3, $4::bigint + i, $4::bigint + i FROM generate_series($5::int, $6::int) i`,
        params,
      );
      await client.query(
        `INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count, next_attempt_at,
           last_status_code, lease_owner, created_at, updated_at)
         SELECT 'dlv_' || lpad(i::text, 26, '0'), $1, $2::text || i, ($8::text[])[(i % $7::int) + 1], 'bench/e' || (i % $7::int), 'pending', 0,
           $4::bigint + i, NULL, NULL, $4::bigint + i, $4::bigint + i
         FROM generate_series($5::int, $6::int) i`,
        [...params, webhookIds],
      );
      await client.query('COMMIT');
      onProgress(to + 1);
    }
    await client.query('ANALYZE deliveries');
    await client.query('ANALYZE events');
  } finally {
    await client.end();
  }
}
