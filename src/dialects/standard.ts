import { createHmac } from 'node:crypto';
import type { Dialect, RenderInput, RenderedRequest } from './Dialect.js';
import { signingSecrets } from './Dialect.js';
import { cachedKey } from './signingKeys.js';

/** The key bytes of a `whsec_<base64>` secret, as Standard Webhooks defines them. */
export function standardSecretKey(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/** `v1,<base64 HMAC-SHA256 of "id.timestamp.body">` for one secret. */
export function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  // Two updates, not one concatenated string: the body is most of the bytes, and copying it
  // into a new string per attempt only to hash it was the largest allocation of signing.
  const mac = createHmac('sha256', cachedKey(secret, standardSecretKey)).update(`${id}.${timestamp}.`).update(body).digest('base64');
  return `v1,${mac}`;
}

/**
 * Standard Webhooks (standardwebhooks.com). `webhook-id` is the event id, the same for every
 * attempt and every endpoint, so receivers can drop duplicates by it. During a secret rotation
 * both secrets sign, space-separated, and a receiver holding either one verifies.
 */
export const standardDialect: Dialect = {
  name: 'standard',
  description: 'Standard Webhooks: webhook-id, webhook-timestamp and webhook-signature headers; body {id, type, business, timestamp, data}.',

  render({ event, webhook, now }: RenderInput): RenderedRequest {
    // The stored data is already JSON text: splice it in rather than parse and re-serialise.
    const body =
      `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)},` +
      `"business":${JSON.stringify(event.business_id)},"timestamp":"${new Date(event.occurred_at).toISOString()}",` +
      `"data":${event.data}}`;
    const timestamp = Math.floor(now / 1000);
    const signature = signingSecrets(webhook, now)
      .map((s) => standardSignature(s, event.id, timestamp, body))
      .join(' ');
    return {
      body,
      headers: {
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
    };
  },

  sign({ event, webhook, now }: RenderInput, body: string): Record<string, string> {
    const timestamp = Math.floor(now / 1000);
    return { 'webhook-signature': signingSecrets(webhook, now).map((s) => standardSignature(s, event.id, timestamp, body)).join(' ') };
  },

  isSuccess: (status) => status >= 200 && status < 300,
  eventName: (type) => type,
  catalogType: (name) => name,
  eventNames: null,
  headerNames: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
};
