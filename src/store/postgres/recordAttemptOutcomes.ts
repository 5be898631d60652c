import type { AttemptOutcome } from '../Store.js';
import type { PgDatabase } from './PgDatabase.js';
import { prepared } from './PreparedStatement.js';

/**
 * One statement for the whole batch (one round trip, one implicit transaction).
 *
 * Attempt numbers are decided here, not by the sender: a process whose lease ran out may still
 * finish an attempt, and its row must not collide with the new owner's. Each outcome gets the
 * delivery's highest number so far plus its place among the batch's outcomes for that delivery.
 *
 * Every attempt is kept, but only an outcome recorded under the delivery's current lease moves
 * the delivery; the first such outcome wins, since it clears the lease (as in the SQLite store,
 * which applies them in order). The guard is repeated in the UPDATE's WHERE so that PostgreSQL
 * re-checks it against the newest row version if another process changed the row meanwhile.
 *
 * Two processes numbering attempts of the same delivery at the same moment both read the same
 * maximum, and one of them hits the primary key; that statement is simply run again.
 */
export const RECORD_SQL = prepared(`
WITH outcome AS (
  SELECT * FROM unnest($1::text[], $2::bigint[], $3::integer[], $4::integer[], $5::text[], $6::text[], $7::text[], $8::bigint[], $9::text[], $11::integer[])
    WITH ORDINALITY AS o (delivery_id, started_at, duration_ms, status_code, error, response_body, status, next_attempt_at, lease_owner, transformation_version, ord)
), numbered AS (
  SELECT o.*,
    coalesce((SELECT max(a.number) FROM attempts a WHERE a.delivery_id = o.delivery_id), 0)
      + row_number() OVER (PARTITION BY o.delivery_id ORDER BY o.ord) AS number
  FROM outcome o
), recorded AS (
  INSERT INTO attempts (delivery_id, number, started_at, duration_ms, status_code, error, response_body, transformation_version)
  SELECT delivery_id, number, started_at, duration_ms, status_code, error, response_body, transformation_version FROM numbered
), applied AS (
  SELECT DISTINCT ON (n.delivery_id) n.*
  FROM numbered n JOIN deliveries d ON d.id = n.delivery_id AND d.lease_owner = n.lease_owner
  ORDER BY n.delivery_id, n.ord
)
UPDATE deliveries d SET status = a.status, next_attempt_at = a.next_attempt_at, last_status_code = a.status_code,
  lease_owner = NULL, updated_at = $10, attempt_count = a.number
FROM applied a
WHERE d.id = a.delivery_id AND d.lease_owner = a.lease_owner`);

/** PostgreSQL text cannot hold U+0000, and an endpoint may answer with anything. */
const noNul = (s: string | null): string | null => (s === null ? null : s.replaceAll('\u0000', '\uFFFD'));

export async function recordAttemptOutcomes(db: PgDatabase, outcomes: AttemptOutcome[], now: number): Promise<void> {
  if (outcomes.length === 0) return;
  const a = outcomes.map((o) => o.attempt);
  // Integer columns reject 12.5, and one such value would fail the whole batch on every retry
  // of the recorder; whole milliseconds lose nothing anyone reads.
  const whole = (n: number | null): number | null => (n === null ? null : Math.round(n));
  await db.queryRetrying(RECORD_SQL, [
    a.map((x) => x.delivery_id),
    a.map((x) => whole(x.started_at)),
    a.map((x) => whole(x.duration_ms)),
    a.map((x) => x.status_code),
    a.map((x) => noNul(x.error)),
    a.map((x) => noNul(x.response_body)),
    outcomes.map((o) => o.status),
    outcomes.map((o) => whole(o.next_attempt_at)),
    outcomes.map((o) => o.lease_owner),
    now,
    a.map((x) => x.transformation_version ?? null),
  ]);
}
