import type { DeliveryRow, NewTokenRow, TokenRow, WebhookRow } from './Store.js';

/*
 * The column lists both stores read and write. The tables have the same columns under the
 * same names in both databases (migrations/sqlite, migrations/postgres), so one list each.
 * Names in these lists end up in SQL text; nothing else may.
 */

export const WEBHOOK_COLUMNS = [
  'id', 'business_id', 'name', 'url', 'events', 'dialect', 'enabled', 'headers', 'timeout_ms', 'retry_schedule',
  'rate_limit', 'max_in_flight', 'ordering', 'secret', 'previous_secret', 'previous_secret_expires_at',
  'health_state', 'consecutive_failures', 'health_since', 'health_reason', 'created_at', 'updated_at',
  // Payload filters (issue 16): migration 0010.
  'filter',
  // Endpoint auth, client certificates, ownership verification (issue 18): migration 0014.
  'auth', 'tls', 'verification', 'verified_url', 'verification_error', 'tls_expiry_notified',
  // Transformations (issue 16): migration 0011.
  'transformation',
  // Channels: migration 0018.
  'channels',
] as const satisfies readonly (keyof WebhookRow)[];

/** What identifies a webhook and when it began: a patch never changes these. */
export const UNPATCHABLE_WEBHOOK_COLUMNS: ReadonlySet<string> = new Set(['id', 'business_id', 'created_at'] satisfies (keyof WebhookRow)[]);

export const DELIVERY_COLUMNS = [
  'id', 'business_id', 'event_id', 'webhook_id', 'event_type', 'status', 'attempt_count', 'next_attempt_at',
  'last_status_code', 'lease_owner', 'created_at', 'updated_at',
] as const satisfies readonly (keyof DeliveryRow)[];

/** A token as it is listed: never the token itself, nor its hash. */
export const TOKEN_COLUMNS = [
  'id', 'business_id', 'name', 'prefix', 'created_at', 'last_used_at', 'expires_at',
] as const satisfies readonly (keyof TokenRow)[];

/** What registering a token writes; `last_used_at` starts empty. */
export const NEW_TOKEN_COLUMNS = [
  'token_hash', 'id', 'business_id', 'name', 'prefix', 'created_at', 'expires_at',
] as const satisfies readonly (keyof NewTokenRow)[];

/** `d.id, d.business_id, …` for a select list. */
export function columnList(columns: readonly string[], alias?: string): string {
  return columns.map((c) => (alias ? `${alias}.${c}` : c)).join(', ');
}
