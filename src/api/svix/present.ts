import type { AttemptRow, DeliveryRow, EventRow, WebhookRow } from '../../store/Store.js';
import { svixEventName } from '../../dialects/svixNames.js';
import type { ResolvedApp, EndpointFields } from './access.js';

/*
 * Hookline's rows in Svix's shapes: camelCase, ISO dates, every field the SDK's models read
 * present (null where Hookline has no value), since current SDKs break on a missing one.
 */

const iso = (ms: number): string => new Date(ms).toISOString();

export function presentApp(app: ResolvedApp) {
  return {
    id: app.business.id,
    uid: app.record?.uid ?? null,
    name: app.fields.name,
    metadata: app.fields.metadata,
    rateLimit: null,
    throttleRate: null,
    createdAt: iso(app.business.created_at),
    updatedAt: iso(app.record?.updated_at ?? app.business.created_at),
  };
}

/** A webhook's catalogue filters as Svix event type names; null for "everything". */
export function filterTypesOf(events: readonly string[]): string[] | null {
  if (events.includes('*')) return null;
  return events.map((e) => (e.endsWith('/*') ? `${e.slice(0, -2)}.*` : svixEventName(e)));
}

export function presentEndpoint(webhook: WebhookRow, uid: string | null, fields: EndpointFields) {
  const filterTypes = filterTypesOf(webhook.events);
  return {
    id: webhook.id,
    uid,
    url: webhook.url,
    description: fields.description,
    version: 1,
    disabled: !webhook.enabled,
    // SDK 1.x reads filterTypes, 2.x eventTypes: both are sent.
    filterTypes,
    eventTypes: filterTypes,
    // The webhook's own: they are what routes (docs/api.md#channels).
    channels: webhook.channels ?? null,
    rateLimit: webhook.rate_limit,
    throttleRate: webhook.rate_limit,
    metadata: fields.metadata,
    createdAt: iso(webhook.created_at),
    updatedAt: iso(webhook.updated_at),
  };
}

/** Hookline's generated event ids; any other id was the caller's `eventId`. */
const GENERATED_EVENT_ID = /^evt_[0-9A-HJKMNP-TV-Z]{26}$/;

export function presentMessage(event: EventRow, channels: string[] | null, withPayload = true) {
  return {
    id: event.id,
    eventId: GENERATED_EVENT_ID.test(event.id) ? null : event.id,
    eventType: svixEventName(event.type),
    ...(withPayload ? { payload: JSON.parse(event.data) as unknown } : {}),
    channels,
    tags: null,
    timestamp: iso(event.created_at),
  };
}

/** Svix's attempt statuses. */
export const ATTEMPT_STATUS = { success: 0, pending: 1, fail: 2, sending: 3 } as const;
const STATUS_TEXT = ['success', 'pending', 'fail', 'sending'] as const;

/** Attempt ids name their delivery and number, so nothing is stored for them. */
export const attemptId = (deliveryId: string, number: number): string => `atmpt_${deliveryId}_${number}`;

export function presentAttempt(delivery: DeliveryRow, attempt: AttemptRow, url: string) {
  const ok = attempt.error === null && attempt.status_code !== null && attempt.status_code >= 200 && attempt.status_code < 300;
  const status = ok ? ATTEMPT_STATUS.success : ATTEMPT_STATUS.fail;
  return {
    id: attemptId(delivery.id, attempt.number),
    msgId: delivery.event_id,
    endpointId: delivery.webhook_id,
    url,
    response: attempt.response_body ?? (attempt.error ? `Not sent: ${attempt.error}` : ''),
    responseStatusCode: attempt.status_code ?? 0,
    responseDurationMs: attempt.duration_ms,
    status,
    statusText: STATUS_TEXT[status],
    // Hookline does not record whether an attempt was a retry asked for by hand: all read as scheduled.
    triggerType: 0,
    timestamp: iso(attempt.started_at),
  };
}
