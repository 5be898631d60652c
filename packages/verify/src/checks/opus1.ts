import { assertSigned, hmac, sha256Hex } from '../crypto.js';
import { requireHeader } from '../headers.js';
import { parseBody, type DialectCheck } from './DialectCheck.js';

/**
 * Opus1 as Hookline sends it: `X-Opus1-Signature: sha256=<hex HMAC-SHA256 of the body>`
 * (space-separated during a secret rotation). No timestamp is signed, so there is no
 * freshness check; duplicates are recognised by `X-Opus1-Event-Id`.
 */
export const checkOpus1: DialectCheck = ({ raw, text, header, secrets }) => {
  const signature = requireHeader(header, 'x-opus1-signature');
  const candidates = signature
    .split(' ')
    .filter((s) => s.startsWith('sha256='))
    .map((s) => s.slice(7));
  assertSigned(secrets, (key) => hmac(key, raw), candidates, 'hex');
  const payload = parseBody(text);
  return { id: header('x-opus1-event-id') ?? sha256Hex(raw), event: header('x-opus1-trigger') ?? null, signedAt: null, payload };
};
