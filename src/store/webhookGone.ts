/**
 * SQL both stores share for a deleted webhook's deliveries. A deleted webhook never sends again,
 * so what it still owed must end as `failed`, not wait parked for an unpark that cannot come.
 */

/** True (inside an UPDATE of `deliveries`) when the delivery's webhook is deleted. */
export const WEBHOOK_DELETED = 'EXISTS (SELECT 1 FROM webhooks w WHERE w.id = deliveries.webhook_id AND w.deleted_at IS NOT NULL)';

/**
 * Deliveries of the webhook no process holds that are still to be sent: the delete fails them in
 * its own transaction. Held ones fail in the process that holds them, when it sees the webhook gone.
 */
export const UNSENT_UNHELD = "status IN ('pending', 'retrying') AND lease_owner IS NULL";
