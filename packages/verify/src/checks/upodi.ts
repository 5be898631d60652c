import { assertSigned, hmac } from '../crypto.js';
import { VerifyError } from '../VerifyError.js';
import { parseBody, stringField, type DialectCheck } from './DialectCheck.js';

/** Only `ID` (a GUID) and `Time` (digits) come before `Signature`, so the first match is the envelope's, never one inside `Data`. */
const SIGNATURE_FIELD = /"Signature"\s*:\s*"([^"]*)"/;

/**
 * Upodi as Hookline sends it: the body's `Signature` is the base64 HMAC-SHA256 of the body
 * with `"Signature":""` in place of its value (space-separated during a rotation). The check
 * edits the raw text, never a re-serialised object. `Time` is the event's time, not the
 * send time, so there is no freshness check; duplicates share `ID`.
 */
export const checkUpodi: DialectCheck = ({ text, secrets }) => {
  const match = SIGNATURE_FIELD.exec(text);
  if (!match) throw new VerifyError('invalid_body', 'The body has no "Signature" field.');
  const unsigned = text.slice(0, match.index) + '"Signature":""' + text.slice(match.index + match[0].length);
  assertSigned(secrets, (key) => hmac(key, unsigned), match[1]!.split(' ').filter(Boolean), 'base64');
  const body = parseBody(text);
  const type = typeof body['Type'] === 'string' ? body['Type'] : null;
  const action = typeof body['Action'] === 'string' ? body['Action'] : null;
  return { id: stringField(body, 'ID'), event: type && action ? `${type}.${action}` : null, signedAt: null, payload: body };
};
