import { assertFresh, assertSigned, hmac } from '../crypto.js';
import { requireHeader } from '../headers.js';
import { VerifyError } from '../VerifyError.js';
import { parseBody, type DialectCheck } from './DialectCheck.js';

/** Standard Webhooks keys are the base64 after `whsec_`, not the text of the secret. */
function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
}

/**
 * Standard Webhooks: `<prefix>-signature` holds space-separated `v1,<base64>` entries, each an
 * HMAC-SHA256 of "id.timestamp.body"; `<prefix>-timestamp` is unix seconds. Svix signs the
 * same way under `svix-` names.
 */
function standardCheck(prefix: 'webhook' | 'svix'): DialectCheck {
  return ({ raw, text, header, secrets, nowSeconds, toleranceSeconds }) => {
    const id = requireHeader(header, `${prefix}-id`);
    const ts = requireHeader(header, `${prefix}-timestamp`);
    const signature = requireHeader(header, `${prefix}-signature`);
    if (!/^\d{1,12}$/.test(ts)) throw new VerifyError('malformed_header', `${prefix}-timestamp must be unix seconds.`);
    const candidates = signature
      .split(' ')
      .filter((s) => s.startsWith('v1,'))
      .map((s) => s.slice(3));
    assertSigned(secrets.map(keyOf), (key) => hmac(key, `${id}.${ts}.`, raw), candidates, 'base64');
    assertFresh(Number(ts), nowSeconds, toleranceSeconds);
    const body = parseBody(text);
    return { id, event: typeof body['type'] === 'string' ? body['type'] : null, signedAt: Number(ts), payload: body };
  };
}

export const checkStandard: DialectCheck = standardCheck('webhook');
/** The svix dialect: the body is the payload as published, so `event` is its `type` only when it has one. */
export const checkSvix: DialectCheck = standardCheck('svix');
