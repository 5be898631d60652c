import { assertFresh, assertSigned, hmac, sha256Hex } from '../crypto.js';
import { requireHeader } from '../headers.js';
import { parseBody, parseTimestamped, stringField, type DialectCheck } from './DialectCheck.js';

/** `t=<unix>,v1=<hex HMAC-SHA256 of "t.body">`: the layout Hapana and vcita deliveries share. */
function checkTimestamped(headerName: string, input: Parameters<DialectCheck>[0]): { t: number; body: Record<string, unknown> } {
  const { raw, text, header, secrets, nowSeconds, toleranceSeconds } = input;
  const { t, v1 } = parseTimestamped(requireHeader(header, headerName), headerName);
  assertSigned(secrets, (key) => hmac(key, `${t}.`, raw), v1, 'hex');
  assertFresh(t, nowSeconds, toleranceSeconds);
  return { t, body: parseBody(text) };
}

/** Hapana: duplicates share the body's `eventId` (`X-Hapana-Delivery` differs per attempt). */
export const checkHapana: DialectCheck = (input) => {
  const { t, body } = checkTimestamped('x-hapana-signature', input);
  return { id: stringField(body, 'eventId'), event: stringField(body, 'eventType'), signedAt: t, payload: body };
};

/** vcita: the body has no id, so duplicates share `X-Vcita-Event-Id`. */
export const checkVcita: DialectCheck = (input) => {
  const { t, body } = checkTimestamped('x-vcita-signature', input);
  const entity = typeof body['entity_name'] === 'string' ? body['entity_name'] : '';
  const action = typeof body['event_type'] === 'string' ? body['event_type'] : '';
  return {
    id: input.header('x-vcita-event-id') ?? sha256Hex(input.raw),
    event: entity && action ? `${entity}/${action}` : null,
    signedAt: t,
    payload: body,
  };
};
