import type { AttemptOutcome, NewDelivery, WebhookRow } from '../../src/store/Store.js';
import { newDeliveryId } from '../../src/ids.js';
import { newWebhookRow } from '../../src/webhooks/newWebhookRow.js';

/**
 * Rows for the store suites, written straight to a Store (no API in between). Each builder
 * fills every field with a plain value and takes what a case cares about as overrides, so a
 * case reads as what is special about it.
 */

/** The clock the store suites start from (14 November 2023), far from "now" so no real timer matters. */
export const T0 = 1_700_000_000_000;

/** A healthy, enabled webhook of `business`; headers in reverse order, so key order is seen to survive. */
export function webhookOf(business: string, over: Partial<WebhookRow> = {}): WebhookRow {
  const choices = { name: 'CRM sync', url: 'https://example.com/hook', events: ['client/*', 'invoice/paid'], headers: { 'x-zeta': '1', 'x-alpha': '2' }, secret: 'whsec_c2VjcmV0' };
  return { ...newWebhookRow(business, choices, T0), ...over };
}

/** A delivery to `webhookId` due at `at`; with an `owner` it is held by that process, as a publish that sends at once writes it. */
export function due(webhookId: string, at: number, owner: string | null = null): NewDelivery {
  return { id: newDeliveryId(), webhook_id: webhookId, lease_owner: owner, next_attempt_at: at };
}

/** What attempt overrides may say: a null status code is a timeout, a 2xx a success, anything else an HTTP failure. */
export type OutcomeOverrides = Partial<Pick<AttemptOutcome, 'status' | 'next_attempt_at'>> & { status_code?: number | null; started_at?: number };

/** The first attempt of `deliveryId`, recorded under `owner`'s lease; by default a 500 retried a minute after T0. */
export function outcome(deliveryId: string, owner: string, over: OutcomeOverrides = {}): AttemptOutcome {
  const code = over.status_code === undefined ? 500 : over.status_code;
  return {
    attempt: {
      delivery_id: deliveryId,
      number: 1,
      started_at: over.started_at ?? T0,
      duration_ms: 12,
      status_code: code,
      error: code !== null && code >= 200 && code < 300 ? null : code === null ? 'timeout' : 'http_status',
      response_body: code === null ? null : 'body',
    },
    status: over.status ?? 'retrying',
    next_attempt_at: over.next_attempt_at === undefined ? T0 + 60_000 : over.next_attempt_at,
    lease_owner: owner,
  };
}
