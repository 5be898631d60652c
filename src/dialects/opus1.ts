import type { Dialect, RenderInput, RenderedRequest } from './Dialect.js';
import { signingSecrets } from './Dialect.js';
import { parseData, withFields } from './dataJson.js';
import { firstProblem, type Unrepresentable } from './fieldMapping.js';
import { opus1Mapping } from './opus1Mapping.js';
import { hmacHex } from './hmac.js';
import { Vocabulary, splitType } from './Vocabulary.js';

/** Opus1.io's four triggers (document 000), plus the name the "test webhook" button uses. */
const triggers = new Vocabulary([
  ['client_create_trigger', 'client/created'],
  ['client_update_trigger', 'client/updated'],
  ['subscription_create_trigger', 'subscription/created'],
  ['subscription_update_trigger', 'subscription/updated'],
  ['webhook_test_trigger', 'webhook/test'],
]);

export const OPUS1_HEADERS = {
  trigger: 'X-Opus1-Trigger',
  eventId: 'X-Opus1-Event-Id',
  signature: 'X-Opus1-Signature',
} as const;

/**
 * Opus1.io (seed 000): the body is the flat resource object (client or subscription) with
 * `business` first and no envelope. The trigger travels in a header, because 000's payloads
 * have no field for it and rewriting the business's URL could break its routing; a receiver
 * that reads `?trigger=` gets it by registering that URL, one webhook per trigger, as 000's
 * dashboard flow does anyway. 000 says nothing about signing, so Hookline signs the raw body
 * the way GitHub does (`sha256=<hex>`), which is what integrators try first.
 */
export const opus1Dialect: Dialect = {
  name: 'opus1',
  description: 'Opus1.io: flat client/subscription object plus "business"; X-Opus1-Trigger, X-Opus1-Event-Id, X-Opus1-Signature (sha256=<hex HMAC of the body>).',

  render({ event, webhook, now }: RenderInput): RenderedRequest | Unrepresentable {
    // The catalogue's shape is 000's, so the text goes as published once its ids fit 000's types.
    const rules = opus1Mapping[event.type];
    const problem = rules ? firstProblem(rules, parseData(event.data), 'opus1') : null;
    if (problem) return problem;
    // `business` is the event's owner, whatever the data says: receivers route by it.
    const body = withFields(event.data, { first: { business: event.business_id } });
    const signature = signingSecrets(webhook, now)
      .map((s) => `sha256=${hmacHex(s, body)}`)
      .join(' ');
    return {
      body,
      headers: {
        [OPUS1_HEADERS.trigger]: triggerFor(event.type),
        [OPUS1_HEADERS.eventId]: event.id,
        [OPUS1_HEADERS.signature]: signature,
      },
    };
  },

  sign({ webhook, now }: RenderInput, body: string): Record<string, string> {
    return { [OPUS1_HEADERS.signature]: signingSecrets(webhook, now).map((s) => `sha256=${hmacHex(s, body)}`).join(' ') };
  },

  isSuccess: (status) => status >= 200 && status < 300,
  eventName: (type) => triggers.nameOf(type),
  catalogType: (name) => triggers.typeOf(name),
  eventNames: triggers.byName,
  headerNames: Object.values(OPUS1_HEADERS).map((h) => h.toLowerCase()),

  mapping: opus1Mapping,

};

/** The API never subscribes an opus1 webhook to a type without a trigger; this keeps render total anyway. */
function triggerFor(type: string): string {
  const [entity, action] = splitType(type);
  return triggers.nameOf(type) ?? `${entity}_${action}_trigger`;
}
