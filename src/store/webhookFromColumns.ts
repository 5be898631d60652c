import type { WebhookRow } from './Store.js';

/**
 * How a driver hands back the webhook columns that are not plain text and numbers: SQLite
 * keeps JSON as text and booleans as 0/1, PostgreSQL's driver returns jsonb and boolean
 * already decoded. Everything else has the same name and type in both stores.
 */
export interface ColumnDecoding {
  json(value: unknown): unknown;
  bool(value: unknown): boolean;
}

export function webhookFromColumns(r: Record<string, unknown>, decode: ColumnDecoding): WebhookRow {
  return {
    id: r.id as string,
    business_id: r.business_id as string,
    name: r.name as string,
    url: r.url as string,
    events: decode.json(r.events) as string[],
    dialect: r.dialect as string,
    enabled: decode.bool(r.enabled),
    headers: decode.json(r.headers) as Record<string, string>,
    timeout_ms: r.timeout_ms as number,
    retry_schedule: r.retry_schedule === null || r.retry_schedule === undefined ? null : (decode.json(r.retry_schedule) as number[]),
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
