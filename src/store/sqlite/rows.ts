export { deliveryFromRow } from '../deliveryFromRow.js';
import type { EventTypeRow, WebhookRow } from '../Store.js';

/** SQLite keeps booleans as 0/1 and JSON as text; these turn raw rows into the Store's types. */

export type RawRow = Record<string, unknown>;

export function webhookFromRow(r: RawRow): WebhookRow {
  return {
    id: r.id as string,
    business_id: r.business_id as string,
    name: r.name as string,
    url: r.url as string,
    events: JSON.parse(r.events as string) as string[],
    dialect: r.dialect as string,
    enabled: r.enabled === 1,
    headers: JSON.parse(r.headers as string) as Record<string, string>,
    timeout_ms: r.timeout_ms as number,
    retry_schedule: r.retry_schedule === null ? null : (JSON.parse(r.retry_schedule as string) as number[]),
    rate_limit: (r.rate_limit as number | null) ?? null,
    max_in_flight: r.max_in_flight as number,
    ordering: r.ordering as WebhookRow['ordering'],
    secret: r.secret as string,
    previous_secret: (r.previous_secret as string | null) ?? null,
    previous_secret_expires_at: (r.previous_secret_expires_at as number | null) ?? null,
    health_state: r.health_state as WebhookRow['health_state'],
    consecutive_failures: r.consecutive_failures as number,
    health_since: (r.health_since as number | null) ?? null,
    health_reason: (r.health_reason as string | null) ?? null,
    created_at: r.created_at as number,
    updated_at: r.updated_at as number,
  };
}

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
