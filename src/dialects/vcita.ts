import type { Dialect, RenderInput, RenderedRequest } from './Dialect.js';
import { signingSecrets } from './Dialect.js';
import { timestampedSignature } from './hmac.js';
import { splitType } from './Vocabulary.js';
import { vcitaCatalogType, vcitaNames } from './vcitaNames.js';

export const VCITA_HEADERS = {
  signature: 'X-Vcita-Signature',
  eventId: 'X-Vcita-Event-Id',
} as const;

/**
 * vcita (seed 003): `{entity_name, event_type, data}`, the names as vcita publishes them
 * (aliases folded: a `lead/created` subscriber receives `client`/`created`). vcita publishes no
 * signing, so Hookline uses the widely known layout also used for Hapana:
 * `X-Vcita-Signature: t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`. The body has no event id,
 * so `X-Vcita-Event-Id` carries it for de-duplication.
 */
export const vcitaDialect: Dialect = {
  name: 'vcita',
  description: 'vcita: {entity_name, event_type, data}; X-Vcita-Signature t=<unix>,v1=<hex HMAC of "t.body">, X-Vcita-Event-Id.',

  render({ event, webhook, now }: RenderInput): RenderedRequest {
    const [entity, action] = splitType(vcitaNames.nameOf(event.type) ?? event.type);
    const body = `{"entity_name":${JSON.stringify(entity)},"event_type":${JSON.stringify(action)},"data":${event.data}}`;
    return {
      body,
      headers: {
        [VCITA_HEADERS.signature]: timestampedSignature(signingSecrets(webhook, now), Math.floor(now / 1000), body),
        [VCITA_HEADERS.eventId]: event.id,
      },
    };
  },

  sign({ webhook, now }: RenderInput, body: string): Record<string, string> {
    return { [VCITA_HEADERS.signature]: timestampedSignature(signingSecrets(webhook, now), Math.floor(now / 1000), body) };
  },

  isSuccess: (status) => status >= 200 && status < 300,
  eventName: (type) => vcitaNames.nameOf(type),
  catalogType: (name) => vcitaCatalogType(name),
  eventNames: vcitaNames.byName,
  headerNames: Object.values(VCITA_HEADERS).map((h) => h.toLowerCase()),
};
