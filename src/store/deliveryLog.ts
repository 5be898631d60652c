import type { DeliveryFilter, DeliveryStatus } from './Store.js';
import { columnList, DELIVERY_COLUMNS } from './columns.js';
import { decodeCursor } from './cursor.js';
import { rowsForPage } from './paging.js';
import { SqlParams } from './sqlParams.js';

/*
 * Delivery statements whose text is the same in both databases but for placeholders.
 */

/**
 * The status a delivery made due again by hand (a retry, a replay) takes: 'pending' until it
 * has had an attempt, 'retrying' after, as if the dispatcher had scheduled it.
 */
export const REOPENED_STATUS = "CASE WHEN attempt_count = 0 THEN 'pending' ELSE 'retrying' END";

/**
 * A page of a business's delivery log, newest first (ULIDs sort by creation, so the id is the
 * order and the cursor). Asks for one row more than the page: see paging.ts.
 */
export function deliveryLogQuery(
  style: 'sqlite' | 'postgres',
  businessId: string,
  filter: DeliveryFilter,
  opts: { cursor?: string; limit: number },
): { text: string; values: unknown[] } {
  const p = new SqlParams(style);
  const where = [`business_id = ${p.add(businessId)}`];
  const before = decodeCursor(opts.cursor);
  if (before) where.push(`id < ${p.add(before)}`);
  if (filter.webhook_id) where.push(`webhook_id = ${p.add(filter.webhook_id)}`);
  if (filter.event_id) where.push(`event_id = ${p.add(filter.event_id)}`);
  if (filter.event_type) where.push(`event_type = ${p.add(filter.event_type)}`);
  if (filter.status) where.push(`status = ${p.add(filter.status)}`);
  // Repeats deliveries_business_status's predicate: SQLite uses a partial index only for a
  // query that states it, and PostgreSQL's planner can then use it whatever the parameter.
  if (filter.status && filter.status !== ('succeeded' satisfies DeliveryStatus)) where.push("status <> 'succeeded'");
  const text = `SELECT ${columnList(DELIVERY_COLUMNS)} FROM deliveries WHERE ${where.join(' AND ')} ORDER BY id DESC LIMIT ${p.add(rowsForPage(opts.limit))}`;
  return { text, values: p.values };
}
