export { deliveryFromRow } from '../deliveryFromRow.js';
import type { EventTypeRow, WebhookRow } from '../Store.js';
import { webhookFromColumns, type ColumnDecoding } from '../webhookFromColumns.js';

/** SQLite keeps booleans as 0/1 and JSON as text; these turn raw rows into the Store's types. */

export type RawRow = Record<string, unknown>;

const sqliteColumns: ColumnDecoding = { json: (v) => JSON.parse(v as string), bool: (v) => v === 1 };

export const webhookFromRow = (r: RawRow): WebhookRow => webhookFromColumns(r, sqliteColumns);

/** The webhook columns a caller may write; keys become SQL identifiers, so nothing else passes. */
const WEBHOOK_COLUMNS = new Set<string>([
  'id', 'business_id', 'name', 'url', 'events', 'dialect', 'enabled', 'headers', 'timeout_ms', 'retry_schedule',
  'rate_limit', 'max_in_flight', 'ordering', 'secret', 'previous_secret', 'previous_secret_expires_at',
  'health_state', 'consecutive_failures', 'health_since', 'health_reason', 'created_at', 'updated_at',
]);

/** Column values for an INSERT or UPDATE of webhook fields. */
export function webhookToColumns(w: Partial<WebhookRow>): RawRow {
  const out: RawRow = {};
  for (const [k, v] of Object.entries(w)) {
    if (v === undefined || !WEBHOOK_COLUMNS.has(k)) continue;
    if (k === 'events' || k === 'headers') out[k] = JSON.stringify(v);
    else if (k === 'retry_schedule') out[k] = v === null ? null : JSON.stringify(v);
    else if (k === 'enabled') out[k] = v ? 1 : 0;
    else out[k] = v;
  }
  return out;
}


export function eventTypeFromRow(r: RawRow): EventTypeRow {
  return {
    type: r.type as string,
    description: r.description as string,
    schema: JSON.parse(r.schema as string) as Record<string, unknown>,
    example: JSON.parse(r.example as string) as unknown,
    created_at: r.created_at as number,
  };
}
