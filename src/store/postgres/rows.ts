export { deliveryFromRow } from '../deliveryFromRow.js';
import type { AttemptRow, BusinessRow, DeliveryRow, EventRow, EventTypeRow, WebhookRow } from '../Store.js';
import { webhookFromColumns, type ColumnDecoding } from '../webhookFromColumns.js';

/**
 * pg already gives booleans, parsed `json` and (with our int8 parser) numbers; these pick the
 * Store's fields out of a row so both stores return objects of exactly the same shape.
 */

export type RawRow = Record<string, unknown>;

export const WEBHOOK_COLUMNS = [
  'id', 'business_id', 'name', 'url', 'events', 'dialect', 'enabled', 'headers', 'timeout_ms', 'retry_schedule',
  'rate_limit', 'max_in_flight', 'ordering', 'secret', 'previous_secret', 'previous_secret_expires_at',
  'health_state', 'consecutive_failures', 'health_since', 'health_reason', 'created_at', 'updated_at',
] as const satisfies readonly (keyof WebhookRow)[];

export const DELIVERY_COLUMNS = [
  'id', 'business_id', 'event_id', 'webhook_id', 'event_type', 'status', 'attempt_count', 'next_attempt_at',
  'last_status_code', 'lease_owner', 'created_at', 'updated_at',
] as const satisfies readonly (keyof DeliveryRow)[];

const JSON_WEBHOOK_COLUMNS = new Set<string>(['events', 'headers', 'retry_schedule']);

/** `d.id, d.business_id, …` for a select list. */
export function columnList(columns: readonly string[], alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');
}

/**
 * A webhook's fields as column values. Only known columns pass: the names end up in SQL, so
 * an unexpected key in a patch must not become one.
 */
export function webhookToColumns(w: Partial<WebhookRow>): [column: string, value: unknown][] {
  const out: [string, unknown][] = [];
  for (const column of WEBHOOK_COLUMNS) {
    const v = w[column];
    if (v === undefined) continue;
    // pg would send a JS array as a PostgreSQL array literal; these columns hold JSON.
    out.push([column, JSON_WEBHOOK_COLUMNS.has(column) && v !== null ? JSON.stringify(v) : v]);
  }
  return out;
}

const postgresColumns: ColumnDecoding = { json: (v) => v, bool: (v) => v as boolean };

export const webhookFromRow = (r: RawRow): WebhookRow => webhookFromColumns(r, postgresColumns);


export function eventFromRow(r: RawRow): EventRow {
  return {
    business_id: r.business_id as string,
    id: r.id as string,
    type: r.type as string,
    data: r.data as string,
    occurred_at: r.occurred_at as number,
    created_at: r.created_at as number,
  };
}

export function attemptFromJson(r: RawRow): AttemptRow {
  return {
    delivery_id: r.delivery_id as string,
    number: r.number as number,
    started_at: r.started_at as number,
    duration_ms: r.duration_ms as number,
    status_code: (r.status_code as number | null) ?? null,
    error: (r.error as string | null) ?? null,
    response_body: (r.response_body as string | null) ?? null,
  };
}

export function businessFromRow(r: RawRow): BusinessRow {
  return { id: r.id as string, name: r.name as string, created_at: r.created_at as number };
}

export function eventTypeFromRow(r: RawRow): EventTypeRow {
  return {
    type: r.type as string,
    description: r.description as string,
    schema: r.schema as Record<string, unknown>,
    example: r.example as unknown,
    created_at: r.created_at as number,
  };
}
