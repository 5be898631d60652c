import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { dateTime, integerId, objectSchema, text } from '../schemas/common.js';

/**
 * Hookline's own events. The `webhook` and `hookline` entities are reserved: custom types
 * cannot use them, and only Hookline publishes `hookline/…` (operational events, delivered to
 * webhooks that subscribe to them by name; docs/reliability.md#operational-events).
 */

const nullableInteger = { type: ['integer', 'null'] } as const;
const nullableText = { type: ['string', 'null'] } as const;

/** Every operational event says which webhook of which business it is about. */
const subject = {
  business_id: text,
  webhook_id: text,
  webhook_name: text,
  url: text,
} as const;
const subjectRequired = ['business_id', 'webhook_id', 'url'] as const;

const exampleSubject = {
  business_id: 'sunrise-yoga',
  webhook_id: 'wh_01JQ8ZK3V7R2M9XK4T6B5N0C1D',
  webhook_name: 'CRM sync',
  url: 'https://crm.example.com/hooks',
};

export const hooklineTypes: EventTypeDefinition[] = [
  {
    type: 'webhook/test',
    description: 'Sent to a single webhook when someone asks Hookline to test it, so the receiver can check it gets and verifies deliveries.',
    schema: objectSchema({ webhook_id: text, message: text }, ['webhook_id', 'message']),
    example: {
      webhook_id: 'wh_01JQ8ZK3V7R2M9XK4T6B5N0C1D',
      message: 'This is a test event from Hookline.',
    },
  },
  {
    type: 'hookline/webhook.failing',
    description: 'A webhook failed several attempts in a row, so Hookline parks its deliveries and probes the endpoint until it answers again.',
    schema: objectSchema({ ...subject, consecutive_failures: integerId, since: dateTime, reason: text }, [...subjectRequired, 'consecutive_failures', 'since', 'reason']),
    example: {
      ...exampleSubject,
      consecutive_failures: 5,
      since: '2026-01-31T12:00:00.000Z',
      reason: '5 consecutive failed attempts; last: HTTP 503',
    },
  },
  {
    type: 'hookline/webhook.disabled',
    description: 'Hookline disabled a webhook (it answered 410 Gone, or kept failing for days) and keeps its deliveries until it is enabled again.',
    schema: objectSchema({ ...subject, since: dateTime, reason: text }, [...subjectRequired, 'since', 'reason']),
    example: {
      ...exampleSubject,
      since: '2026-02-05T12:00:00.000Z',
      reason: 'Failing for 5 days (1432 consecutive failed attempts; last: connection_refused); re-enable the webhook once the endpoint is fixed.',
    },
  },
  {
    type: 'hookline/webhook.recovered',
    description: 'A failing webhook answered a probe successfully, so Hookline delivers everything it had parked for it.',
    schema: objectSchema({ ...subject, failing_since: { ...dateTime, type: ['string', 'null'] }, recovered_at: dateTime }, [...subjectRequired, 'recovered_at']),
    example: {
      ...exampleSubject,
      failing_since: '2026-01-31T12:00:00.000Z',
      recovered_at: '2026-01-31T14:20:00.000Z',
    },
  },
  {
    type: 'hookline/certificate.expiring',
    description: "A webhook's TLS client certificate expires within 14 days; once it has, the endpoint will refuse Hookline's connections until a new one is saved.",
    schema: objectSchema({ ...subject, expires_at: dateTime, days_left: integerId }, [...subjectRequired, 'expires_at', 'days_left']),
    example: {
      ...exampleSubject,
      expires_at: '2026-02-14T00:00:00.000Z',
      days_left: 13,
    },
  },
  {
    type: 'hookline/delivery.exhausted',
    description: 'A delivery ran out of attempts and is failed; it can still be retried or replayed through the API.',
    schema: objectSchema(
      { ...subject, delivery_id: text, event_id: text, event_type: text, attempts: integerId, last_status_code: nullableInteger, last_error: nullableText },
      [...subjectRequired, 'delivery_id', 'event_id', 'event_type', 'attempts'],
    ),
    example: {
      ...exampleSubject,
      delivery_id: 'dlv_01JQ8ZM1Q3T0V8W7X6Y5Z4A3B2',
      event_id: 'evt_01JQ8ZM1Q3T0V8W7X6Y5Z4A3B1',
      event_type: 'invoice/paid',
      attempts: 15,
      last_status_code: 500,
      last_error: 'http_status',
    },
  },
];
