import type { Dialect, RenderInput, RenderedRequest } from './Dialect.js';
import { signingSecrets } from './Dialect.js';
import { standardSignature } from './standard.js';
import { svixEventName, catalogTypeOfSvixName } from './svixNames.js';

/**
 * What endpoints created through Svix's API (docs/svix.md) receive: the message's payload as
 * it was sent, as Svix sends it, signed as Standard Webhooks signs but under Svix's header
 * names, so receivers built on Svix's libraries verify it unchanged. `svix-id` is the event id,
 * the same on every attempt, for de-duplication.
 */
export const svixDialect: Dialect = {
  name: 'svix',
  description: "Svix's wire format: svix-id, svix-timestamp and svix-signature headers; the body is the payload as published.",

  render({ event, webhook, now }: RenderInput): RenderedRequest {
    const timestamp = Math.floor(now / 1000);
    const signature = signingSecrets(webhook, now)
      .map((s) => standardSignature(s, event.id, timestamp, event.data))
      .join(' ');
    return {
      body: event.data,
      headers: { 'svix-id': event.id, 'svix-timestamp': String(timestamp), 'svix-signature': signature },
    };
  },

  sign({ event, webhook, now }: RenderInput, body: string): Record<string, string> {
    const timestamp = Math.floor(now / 1000);
    return { 'svix-signature': signingSecrets(webhook, now).map((s) => standardSignature(s, event.id, timestamp, body)).join(' ') };
  },

  isSuccess: (status) => status >= 200 && status < 300,
  eventName: svixEventName,
  catalogType: catalogTypeOfSvixName,
  eventNames: null,
  headerNames: ['svix-id', 'svix-timestamp', 'svix-signature'],
};
