import type { Dialect, RenderInput, RenderedRequest } from './Dialect.js';
import { signingSecrets } from './Dialect.js';
import { parseData, type JsonObject } from './dataJson.js';
import { mapFields, type Unrepresentable } from './fieldMapping.js';
import { upodiMapping } from './upodiMapping.js';
import { hmacBase64 } from './hmac.js';
import { Vocabulary, splitType } from './Vocabulary.js';
import { toFiletime, uuidV5 } from './upodiIds.js';

/** Every object/action pair of document 001, written `Type.Action`, and the test event. */
const events = new Vocabulary([
  ['Customer.create', 'client/created'],
  ['Customer.update', 'client/updated'],
  ['Customer.delete', 'client/deleted'],
  ['Subscription.create', 'subscription/created'],
  ['Subscription.update', 'subscription/updated'],
  ['Subscription.delete', 'subscription/deleted'],
  ['Subscription.cancel', 'subscription/cancelled'],
  ['Subscription.activated', 'subscription/activated'],
  ['Subscription.renewing', 'subscription/renewing'],
  ['Subscription.renewed', 'subscription/renewed'],
  ['Subscription.ended', 'subscription/ended'],
  ['Subscription.hold', 'subscription/on_hold'],
  ['Subscription.expire', 'subscription/expired'],
  ['Invoice.create', 'invoice/created'],
  ['Invoice.update', 'invoice/updated'],
  ['Invoice.delete', 'invoice/deleted'],
  ['Invoice.paid', 'invoice/paid'],
  ['Transaction.create', 'transaction/created'],
  ['Webhook.test', 'webhook/test'],
]);

/** What `Signature` is computed over: the body with this in place of the real value. */
export const UPODI_UNSIGNED_MARK = '"Signature":""';

/**
 * Upodi v1 (seed 001): the envelope `{ID, Time, Signature, Action, Issuer{Url, Identifier},
 * Data, Type}` in 001's key order. `ID` is a name-based GUID of the event, `Time` the event's
 * time as Windows FILETIME; `Issuer.Identifier` and `Data` come from `upodiMapping`, `Data`
 * null when it has nothing beyond the id (001's "payload is id"). 001 does not say how `Signature` is made; Hookline puts there the base64
 * HMAC-SHA256 of the body itself with `"Signature":""` in place of the value, so a receiver
 * checks the whole body, `Data` included, without re-serialising anything.
 */
export const upodiDialect: Dialect = {
  name: 'upodi',
  description: 'Upodi v1: envelope {ID, Time (FILETIME), Signature, Action, Issuer{Url, Identifier}, Data, Type}; Signature = base64 HMAC of the body with "Signature":"".',

  render({ event, webhook, now }: RenderInput): RenderedRequest | Unrepresentable {
    const [type, action] = upodiPair(event.type);
    const rules = upodiMapping[event.type];
    let identifier: string | null = null;
    let data: string = event.data;
    if (rules) {
      const mapped = mapFields(rules, parseData(event.data), 'upodi');
      if (!mapped.ok) return mapped.problem;
      identifier = ((mapped.value['Issuer'] as JsonObject | undefined)?.['Identifier'] as string | undefined) ?? null;
      data = mapped.value['Data'] === undefined ? 'null' : JSON.stringify(mapped.value['Data']);
    }
    const url = `/${type}/${action}${identifier === null ? '' : `/${encodeURIComponent(identifier)}`}`;
    const rest =
      `"Action":${JSON.stringify(action)},` +
      `"Issuer":{"Url":${JSON.stringify(url)},"Identifier":${JSON.stringify(identifier)}},` +
      `"Data":${data},"Type":${JSON.stringify(type)}}`;
    const head = `{"ID":"${uuidV5(`${event.business_id}:${event.id}`)}","Time":${toFiletime(event.occurred_at).toString()},`;
    const unsigned = `${head}${UPODI_UNSIGNED_MARK},${rest}`;
    const signature = signingSecrets(webhook, now)
      .map((s) => hmacBase64(s, unsigned))
      .join(' ');
    return { body: `${head}"Signature":"${signature}",${rest}`, headers: {} };
  },

  isSuccess: (status) => status >= 200 && status < 300,
  eventName: (type) => events.nameOf(type),
  catalogType: (name) => events.typeOf(name),
  eventNames: events.byName,
  headerNames: [],

  mapping: upodiMapping,

};

/** `Customer`/`create` for `client/created`; a type outside 001 keeps its own two parts. */
function upodiPair(type: string): [string, string] {
  const name = events.nameOf(type);
  if (name) {
    const dot = name.indexOf('.');
    return [name.slice(0, dot), name.slice(dot + 1)];
  }
  const [entity, action] = splitType(type);
  return [entity.charAt(0).toUpperCase() + entity.slice(1), action];
}
