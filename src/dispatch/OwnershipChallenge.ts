import { randomBytes } from 'node:crypto';
import { signingSecrets } from '../dialects/Dialect.js';
import { standardSignature } from '../dialects/standard.js';
import type { WebhookRow } from '../store/Store.js';
import type { EndpointAuthSender } from './EndpointAuthSender.js';
import { endpointOptions } from './endpointOptions.js';

export type ChallengeResult = { ok: true } | { ok: false; reason: string };

/** The event type the challenge request carries, in every dialect. */
export const VERIFICATION_TYPE = 'webhook/verification';

/**
 * One ownership challenge (docs/endpoint-auth.md#ownership-verification): a signed POST to the
 * webhook's URL carrying a random challenge, answered with that challenge within the webhook's
 * timeout. Every dialect gets the same Standard Webhooks request (headers `webhook-id`,
 * `webhook-timestamp`, `webhook-signature` under the webhook's secret), because the challenge is
 * Hookline's own, not an event of the receiving platform; it goes out with the webhook's custom
 * headers, auth and TLS material, as deliveries will.
 */
export async function sendOwnershipChallenge(sender: Pick<EndpointAuthSender, 'send'>, webhook: WebhookRow, now = Date.now()): Promise<ChallengeResult> {
  const challenge = randomBytes(24).toString('base64url');
  const id = `vrf_${randomBytes(12).toString('hex')}`;
  const body = JSON.stringify({
    id,
    type: VERIFICATION_TYPE,
    business: webhook.business_id,
    timestamp: new Date(now).toISOString(),
    data: { webhook_id: webhook.id, url: webhook.url, challenge },
  });
  const timestamp = Math.floor(now / 1000);
  const signature = signingSecrets(webhook, now).map((s) => standardSignature(s, id, timestamp, body)).join(' ');
  const result = await sender.send({
    url: webhook.url,
    body,
    headers: { ...webhook.headers, 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature },
    timeoutMs: webhook.timeout_ms,
    ...endpointOptions(webhook),
  });
  if (result.statusCode === null) return { ok: false, reason: `the challenge request failed (${result.error ?? 'network'})${result.error === 'auth_failed' ? `: ${result.responseBody ?? ''}` : ''}` };
  if (result.statusCode < 200 || result.statusCode >= 300) return { ok: false, reason: `the URL answered the challenge with HTTP ${result.statusCode}` };
  return echoed(result.responseBody, challenge) ? { ok: true } : { ok: false, reason: 'the URL answered without echoing the challenge; answer {"challenge": "<the challenge>"}' };
}

/** `{"challenge": "…"}`, or the challenge alone as the body. */
function echoed(body: string | null, challenge: string): boolean {
  const text = (body ?? '').trim();
  if (text === challenge) return true;
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === 'object' && json !== null && (json as { challenge?: unknown }).challenge === challenge;
  } catch {
    return false;
  }
}
