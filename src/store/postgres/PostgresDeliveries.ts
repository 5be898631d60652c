import type {
  ClaimDueOptions,
  AttemptOutcome,
  AttemptRow,
  DeliveryFilter,
  DeliveryRow,
  DispatchItem,
  Page,
  PublishItem,
  PublishResult,
} from '../Store.js';
import { deliveryLogQuery, REOPENED_STATUS } from '../deliveryLog.js';
import { pageOf } from '../paging.js';
import { WEBHOOK_DELETED } from '../webhookGone.js';
import type { PgDatabase } from './PgDatabase.js';
import { DUE_CHANNEL } from './DueListener.js';
import { claimDueDeliveries } from './claimDueDeliveries.js';
import { StoreParts, type StorePartModules } from '../StoreParts.js';
import * as flowControl from './flowControl.js';
import * as processes from './processes.js';
import * as portalSessions from './portalSessions.js';
import * as svixRecords from './svixRecords.js';
import * as tokens from './tokens.js';
import * as webhooks from './webhooks.js';
import { publishEvents } from './publishEvents.js';
import { recordAttemptOutcomes } from './recordAttemptOutcomes.js';
import { attemptFromJson, columnList, DELIVERY_COLUMNS, deliveryFromRow, type RawRow } from './rows.js';
import { prepared } from './PreparedStatement.js';

const DELIVERY = columnList(DELIVERY_COLUMNS);

/**
 * Wraps an UPDATE … RETURNING 1 so the statement answers how many rows changed and, when
 * `$wake` is true and any did, NOTIFYs listeners in the same transaction (so the
 * notification is delivered only once the change is visible).
 */
function countAndWake(update: string, wakeParam: string): string {
  return `WITH changed AS (${update} RETURNING 1)
    SELECT count(*)::integer AS n, CASE WHEN count(*) > 0 AND ${wakeParam} THEN pg_notify('${DUE_CHANNEL}', '') END AS woke
    FROM changed`;
}

// Statements every process runs all the time, at any load; prepared once per connection.
const RENEW_LEASES = prepared('UPDATE deliveries SET next_attempt_at = $3 WHERE id = ANY ($2::text[]) AND lease_owner = $1');
const RELEASE_LEASES = prepared(
  countAndWake('UPDATE deliveries SET next_attempt_at = $3, lease_owner = NULL WHERE id = ANY ($2::text[]) AND lease_owner = $1', '$4::boolean'),
);

const PARTS: StorePartModules<PgDatabase> = { webhooks, tokens, processes, portalSessions, svixRecords, flowControl };

/**
 * The delivery half of the PostgreSQL store: the hot path (publish, claim, record, each one
 * statement in its own file) and the lease bookkeeping and log around it. Every batch is one
 * statement over arrays, so its cost does not grow with round trips.
 */
export class PostgresDeliveries extends StoreParts<PgDatabase> {
  protected constructor(protected readonly db: PgDatabase) {
    super(db, PARTS);
  }

  publish(items: PublishItem[]): Promise<PublishResult[]> {
    return publishEvents(this.db, items);
  }

  claimDue(opts: ClaimDueOptions): Promise<DispatchItem[]> {
    return claimDueDeliveries(this.db, opts);
  }

  recordOutcomes(outcomes: AttemptOutcome[], now: number): Promise<void> {
    return recordAttemptOutcomes(this.db, outcomes, now);
  }

  async renewLeases(owner: string, ids: string[], leaseUntil: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(RENEW_LEASES, [owner, ids, leaseUntil]);
  }

  async releaseLeases(owner: string, ids: string[], availableAt: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      RELEASE_LEASES,
      // Given back for later (a rate limit, a backoff): the claim loop's polling will see them then.
      [owner, ids, availableAt, availableAt <= Date.now()],
    );
  }

  async parkDeliveries(owner: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    // A park that lands after its webhook was deleted fails the delivery instead: nothing would unpark it.
    await this.db.query(
      `UPDATE deliveries SET next_attempt_at = NULL, lease_owner = NULL,
         status = CASE WHEN ${WEBHOOK_DELETED} THEN 'failed' ELSE status END
       WHERE id = ANY ($2::text[]) AND lease_owner = $1`,
      [owner, ids],
    );
  }

  async failDeliveries(owner: string, ids: string[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db.query(
      `UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, lease_owner = NULL, updated_at = $3
       WHERE id = ANY ($2::text[]) AND lease_owner = $1`,
      [owner, ids, now],
    );
  }

  async unparkWebhook(webhookId: string, now: number): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      countAndWake(
        `UPDATE deliveries SET next_attempt_at = $2, updated_at = $2
         WHERE webhook_id = $1 AND status IN ('pending', 'retrying') AND next_attempt_at IS NULL`,
        'true',
      ),
      [webhookId, now],
    );
    return rows[0]!.n;
  }

  async listDeliveries(businessId: string, filter: DeliveryFilter, opts: { cursor?: string; limit: number }): Promise<Page<DeliveryRow>> {
    const { text, values } = deliveryLogQuery('postgres', businessId, filter, opts);
    const { rows } = await this.db.query(text, values);
    return pageOf((rows as RawRow[]).map(deliveryFromRow), opts.limit);
  }

  async getDelivery(businessId: string, id: string): Promise<(DeliveryRow & { attempts: AttemptRow[] }) | null> {
    // One statement, so the attempts are read from the same snapshot as the delivery.
    const { rows } = await this.db.query(
      `SELECT ${DELIVERY},
         (SELECT coalesce(json_agg(a ORDER BY a.number), '[]') FROM attempts a WHERE a.delivery_id = d.id) AS attempts
       FROM deliveries d WHERE id = $1 AND business_id = $2`,
      [id, businessId],
    );
    const r = rows[0] as RawRow | undefined;
    if (!r) return null;
    return { ...deliveryFromRow(r), attempts: (r.attempts as RawRow[]).map(attemptFromJson) };
  }

  /** A delivery some process holds right now is left to that process: it is about to be sent. */
  async retryDelivery(businessId: string, id: string, now: number): Promise<DeliveryRow | null> {
    const { rows } = await this.db.query(
      `WITH retried AS (
         UPDATE deliveries SET next_attempt_at = $3, updated_at = $3, status = ${REOPENED_STATUS}
         WHERE id = $1 AND business_id = $2 AND lease_owner IS NULL
         RETURNING ${DELIVERY}
       )
       SELECT ${DELIVERY}, pg_notify('${DUE_CHANNEL}', '') AS woke FROM retried
       UNION ALL
       SELECT ${DELIVERY}, NULL FROM deliveries WHERE id = $1 AND business_id = $2 AND NOT EXISTS (SELECT FROM retried)`,
      [id, businessId, now],
    );
    const r = rows[0] as RawRow | undefined;
    return r ? deliveryFromRow(r) : null;
  }

  async replayFailed(webhookId: string, since: number, now: number, until?: number): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      countAndWake(
        `UPDATE deliveries SET next_attempt_at = $3, updated_at = $3, status = ${REOPENED_STATUS}
         WHERE webhook_id = $1 AND status = 'failed' AND created_at >= $2 AND created_at <= $4`,
        'true',
      ),
      [webhookId, since, now, until ?? Number.MAX_SAFE_INTEGER],
    );
    return rows[0]!.n;
  }
}
