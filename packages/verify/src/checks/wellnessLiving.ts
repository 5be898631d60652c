import { assertSigned, hmac, sha256Hex } from '../crypto.js';
import { requireHeader } from '../headers.js';
import { parseBody, type DialectCheck } from './DialectCheck.js';

/**
 * WellnessLiving as Hookline sends it: `x-signature-256` is the lowercase hex HMAC-SHA256 of
 * the body (space-separated during a rotation). Only the body is signed, so the timestamp
 * headers prove nothing and are not checked; the de-duplication key is the SHA-256 of the
 * body, which is what `x-payload-key` carries, recomputed here so a forged header cannot
 * dodge it.
 */
export const checkWellnessLiving: DialectCheck = ({ raw, text, header, secrets }) => {
  const candidates = requireHeader(header, 'x-signature-256').split(' ').filter(Boolean);
  assertSigned(secrets, (key) => hmac(key, raw), candidates, 'hex');
  const body = parseBody(text);
  const meta = body['meta_data'] as Record<string, unknown> | undefined;
  const topic = typeof meta?.['topic'] === 'string' ? meta['topic'] : (header('x-topic') ?? null);
  return { id: sha256Hex(raw), event: topic, signedAt: null, payload: body };
};
