import type { Dialect, RenderInput, RenderedRequest } from './Dialect.js';
import { signingSecrets } from './Dialect.js';
import { parseData } from './dataJson.js';
import { mapFields, type Unrepresentable } from './fieldMapping.js';
import { hapanaMapping } from './hapanaMapping.js';
import { timestampedSignature } from './hmac.js';
import { Vocabulary, splitType } from './Vocabulary.js';

/** Hapana's six webhook types (document 002) and the test event. */
const types = new Vocabulary([
  ['outboundMessage', 'message/sent'],
  ['accountCreated', 'client/created'],
  ['clientUpdated', 'client/updated'],
  ['clientStatusChange', 'client/status_changed'],
  ['packagePurchased', 'package/purchased'],
  ['checkIn', 'client/checked_in'],
  ['webhookTest', 'webhook/test'],
]);

export const HAPANA_HEADERS = {
  signature: 'X-Hapana-Signature',
  delivery: 'X-Hapana-Delivery',
  event: 'X-Hapana-Event',
} as const;

/**
 * Hapana (seed 002): `{eventType, eventId, createdAt, data}`, `data` translated to Hapana's
 * camelCase fields by `hapanaMapping` (the test event goes as published). Signed as Hapana's developer API signs:
 * `X-Hapana-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`; `X-Hapana-Delivery` names
 * this one attempt (`del_<delivery ULID>-<attempt>`), so receivers de-duplicate by `eventId`.
 * The authentication header 002 mentions is the webhook's own `headers`.
 */
export const hapanaDialect: Dialect = {
  name: 'hapana',
  description: 'Hapana: {eventType, eventId, createdAt, data}; X-Hapana-Signature t=<unix>,v1=<hex HMAC of "t.body">, X-Hapana-Delivery per attempt, X-Hapana-Event.',

  render({ event, webhook, deliveryId, attemptNumber, now }: RenderInput): RenderedRequest | Unrepresentable {
    const eventType = hapanaName(event.type);
    const rules = hapanaMapping[event.type];
    let data = event.data;
    if (rules) {
      const mapped = mapFields(rules, parseData(event.data), 'hapana');
      if (!mapped.ok) return mapped.problem;
      data = JSON.stringify(mapped.value);
    }
    const body =
      `{"eventType":${JSON.stringify(eventType)},"eventId":${JSON.stringify(event.id)},` +
      `"createdAt":"${new Date(event.occurred_at).toISOString()}","data":${data}}`;
    const t = Math.floor(now / 1000);
    return {
      body,
      headers: {
        [HAPANA_HEADERS.signature]: timestampedSignature(signingSecrets(webhook, now), t, body),
        [HAPANA_HEADERS.delivery]: `del_${deliveryId.replace(/^dlv_/, '')}-${attemptNumber}`,
        [HAPANA_HEADERS.event]: eventType,
      },
    };
  },

  sign({ webhook, now }: RenderInput, body: string): Record<string, string> {
    return { [HAPANA_HEADERS.signature]: timestampedSignature(signingSecrets(webhook, now), Math.floor(now / 1000), body) };
  },

  isSuccess: (status) => status >= 200 && status < 300,
  eventName: (type) => types.nameOf(type),
  catalogType: (name) => types.typeOf(name),
  eventNames: types.byName,
  headerNames: Object.values(HAPANA_HEADERS).map((h) => h.toLowerCase()),

  mapping: hapanaMapping,

};

/** camelCase of the catalogue type for a type outside 002 (kept only so render never fails). */
function hapanaName(type: string): string {
  const known = types.nameOf(type);
  if (known) return known;
  const [entity, action] = splitType(type);
  return `${entity}_${action}`.replace(/[_.-]+([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}
