import type { HeaderInput } from './headers.js';
import { verifyWebhook, type VerifyOptions } from './verifyWebhook.js';

/** What a receiver sends back to prove it owns the URL: `{"challenge": "…"}` as JSON with status 200. */
export interface ChallengeAnswer {
  challenge: string;
}

/**
 * Hookline's ownership challenge (`webhook/verification`, docs/endpoint-auth.md#ownership-verification)
 * answered: when the request is one, its Standard Webhooks signature is checked against
 * `secrets` (whatever the webhook's dialect: the challenge is always signed that way) and the
 * answer to send is returned; for any other request, null, so the caller goes on to verify it
 * as an event. A challenge with a bad signature throws the VerifyError `verifyWebhook` throws.
 */
export function answerChallenge(
  rawBody: string | Uint8Array,
  headers: HeaderInput,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): ChallengeAnswer | null {
  const text = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength).toString('utf8');
  // A cheap look first: most requests are events, and they are verified by the caller in their own dialect.
  if (!text.includes('"webhook/verification"')) return null;
  let type: unknown;
  try {
    type = (JSON.parse(text) as { type?: unknown }).type;
  } catch {
    return null;
  }
  if (type !== 'webhook/verification') return null;
  const verified = verifyWebhook<{ data?: { challenge?: unknown } }>('standard', rawBody, headers, secrets, options);
  const challenge = verified.payload.data?.challenge;
  return typeof challenge === 'string' ? { challenge } : null;
}
