import type { Dialect, RenderInput, RenderedRequest } from './Dialect.js';
import { signingSecrets } from './Dialect.js';
import { parseData, withFields } from './dataJson.js';
import { mapFields, type Unrepresentable } from './fieldMapping.js';
import { wellnessLivingMapping } from './wellnessLivingMapping.js';
import { hmacHex, sha256Hex } from './hmac.js';
import { Vocabulary, splitType } from './Vocabulary.js';

/** WellnessLiving's 13 topics (document 004, public docs) and the test event. */
const topics = new Vocabulary([
  ['appointment.created', 'meeting/created'],
  ['appointment.updated', 'meeting/updated'],
  ['business.updated', 'business/updated'],
  ['class.created', 'class/created'],
  ['class.updated', 'class/updated'],
  ['client.created', 'client/created'],
  ['client.updated', 'client/updated'],
  ['location.created', 'location/created'],
  ['location.updated', 'location/updated'],
  ['purchase.created', 'purchase/created'],
  ['purchase.refunded', 'purchase/refunded'],
  ['staff.created', 'staff/created'],
  ['staff.updated', 'staff/updated'],
  ['webhook.test', 'webhook/test'],
]);

/** `meta_data.version`: the shape of this body. Bump it only with a documented change. */
export const WELLNESSLIVING_PAYLOAD_VERSION = 1;

/**
 * WellnessLiving (seed 004): the resource object itself, in WellnessLiving's field names where
 * `wellnessLivingMapping` has them, with a `meta_data` block
 * {id, business_id, date, topic, operation, source, version}. 004 says the signature is a
 * SHA-256 of the payload with the webhook key; Hookline sends lowercase hex (GitHub's habit
 * for a header named `…-256`). `x-payload-key` is the SHA-256 of the body, so it is the same
 * on every attempt and a receiver can recompute it; `x-generated-at` is the event's time,
 * also the same on every attempt; `x-sent-at` is this attempt. Only 200 and 201 deliver.
 */
export const wellnessLivingDialect: Dialect = {
  name: 'wellnessliving',
  description: 'WellnessLiving: resource object + meta_data; x-topic, x-signature-256 (hex HMAC of the body), x-generated-at, x-sent-at, x-payload-key; only 200/201 succeed.',

  render({ event, webhook, now }: RenderInput): RenderedRequest | Unrepresentable {
    const topic = topicOf(event.type);
    const rules = wellnessLivingMapping[event.type];
    let resource = event.data;
    if (rules) {
      const mapped = mapFields(rules, parseData(event.data), 'wellnessliving');
      if (!mapped.ok) return mapped.problem;
      resource = JSON.stringify(mapped.value);
    }
    const dot = topic.indexOf('.');
    const generatedAt = new Date(event.occurred_at).toISOString();
    const body = withFields(resource, {
      last: {
        meta_data: {
          id: event.id,
          business_id: event.business_id,
          date: generatedAt,
          topic,
          operation: topic.slice(dot + 1),
          source: topic.slice(0, dot),
          version: WELLNESSLIVING_PAYLOAD_VERSION,
        },
      },
    });
    return {
      body,
      headers: {
        'x-topic': topic,
        'x-signature-256': signingSecrets(webhook, now)
          .map((s) => hmacHex(s, body))
          .join(' '),
        'x-generated-at': generatedAt,
        'x-sent-at': new Date(now).toISOString(),
        'x-payload-key': sha256Hex(body),
      },
    };
  },

  // 004: anything but 200 OK or 201 Created is retried, 202 and 204 included.
  sign({ webhook, now }: RenderInput, body: string): Record<string, string> {
    return {
      'x-signature-256': signingSecrets(webhook, now).map((s) => hmacHex(s, body)).join(' '),
      'x-payload-key': sha256Hex(body),
    };
  },

  isSuccess: (status) => status === 200 || status === 201,
  eventName: (type) => topics.nameOf(type),
  catalogType: (name) => topics.typeOf(name),
  eventNames: topics.byName,
  headerNames: ['x-topic', 'x-signature-256', 'x-generated-at', 'x-sent-at', 'x-payload-key'],
  mapping: wellnessLivingMapping,
};

/** `entity.action` for a type outside 004 (kept only so render never fails). */
function topicOf(type: string): string {
  const [entity, action] = splitType(type);
  return topics.nameOf(type) ?? `${entity}.${action}`;
}
