import type { WebhookRow } from '../store/Store.js';
import type { AuthorizedSendRequest } from './EndpointAuthSender.js';

/** What a request to this webhook's endpoint carries beyond URL, body and headers: its auth and TLS material, when it has them. */
export function endpointOptions(webhook: Pick<WebhookRow, 'auth' | 'tls'>): Pick<AuthorizedSendRequest, 'auth' | 'tls'> {
  const out: Pick<AuthorizedSendRequest, 'auth' | 'tls'> = {};
  if (webhook.auth) out.auth = webhook.auth;
  if (webhook.tls) out.tls = webhook.tls;
  return out;
}
