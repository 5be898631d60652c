import { newWebhookId, newWebhookSecret } from '../ids.js';
import type { WebhookRow } from '../store/Store.js';

/** Defaults of a new webhook; DESIGN.md fixes dialect, timeout and the retry schedule. */
export const WEBHOOK_DEFAULTS = Object.freeze({
  dialect: 'standard',
  enabled: true,
  headers: Object.freeze({}) as Record<string, string>,
  timeout_ms: 5000,
  retry_schedule: null,
  rate_limit: null,
  /** Enough for a fast receiver; low enough that ten hung endpoints leave most global slots free. */
  max_in_flight: 10,
  ordering: 'none' as const,
});

/** The fields a caller chooses; everything else of a new webhook is decided here. */
export type WebhookChoices = Pick<WebhookRow, 'url' | 'events' | 'name'> &
  Partial<Pick<WebhookRow, 'dialect' | 'enabled' | 'headers' | 'timeout_ms' | 'retry_schedule' | 'rate_limit' | 'max_in_flight' | 'ordering' | 'filter' | 'channels' | 'secret'>>;

/** A complete, healthy, never-rotated webhook row: one place for what every new webhook starts as. */
export function newWebhookRow(businessId: string, choices: WebhookChoices, now = Date.now()): WebhookRow {
  const given = Object.fromEntries(Object.entries(choices).filter(([, v]) => v !== undefined)) as WebhookChoices;
  return {
    ...WEBHOOK_DEFAULTS,
    headers: {},
    secret: newWebhookSecret(),
    ...given,
    id: newWebhookId(),
    business_id: businessId,
    previous_secret: null,
    previous_secret_expires_at: null,
    health_state: 'healthy',
    consecutive_failures: 0,
    health_since: null,
    health_reason: null,
    created_at: now,
    updated_at: now,
  };
}
