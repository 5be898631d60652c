import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { VerifyError } from './VerifyError.js';

/** HMAC-SHA256 of `parts` (concatenated) under `key`. */
export function hmac(key: string | Buffer, ...parts: (string | Buffer)[]): Buffer {
  const mac = createHmac('sha256', key);
  for (const p of parts) mac.update(p);
  return mac.digest();
}

export function sha256Hex(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/**
 * True when any candidate decodes to exactly `expected`. Decoding first and comparing digests
 * of equal length with timingSafeEqual keeps the time independent of how much of a forged
 * signature was right.
 */
export function anyMatches(expected: Buffer, candidates: readonly string[], encoding: 'hex' | 'base64'): boolean {
  let ok = false;
  for (const c of candidates) {
    const valid = encoding === 'hex' ? /^[0-9a-fA-F]+$/.test(c) : /^[A-Za-z0-9+/]+={0,2}$/.test(c);
    if (!valid) continue;
    const got = Buffer.from(c, encoding);
    if (got.length === expected.length && timingSafeEqual(got, expected)) ok = true;
  }
  return ok;
}

/** The signature check every dialect ends with: one secret of several must match. */
export function assertSigned(secrets: readonly (string | Buffer)[], sign: (key: string | Buffer) => Buffer, candidates: readonly string[], encoding: 'hex' | 'base64'): void {
  if (candidates.length === 0) throw new VerifyError('malformed_header', 'The signature carries no value to check.');
  for (const key of secrets) if (anyMatches(sign(key), candidates, encoding)) return;
  throw new VerifyError(
    'bad_signature',
    'No signature matches the secret(s); check the secret, and verify the raw request body, not a re-serialised one.',
  );
}

/** Rejects a signed timestamp (unix seconds) outside `now ± tolerance`. */
export function assertFresh(signedAt: number, nowSeconds: number, toleranceSeconds: number): void {
  if (signedAt < nowSeconds - toleranceSeconds) {
    throw new VerifyError('timestamp_too_old', `The request was signed ${nowSeconds - signedAt} s ago; more than the ${toleranceSeconds} s tolerance.`);
  }
  if (signedAt > nowSeconds + toleranceSeconds) {
    throw new VerifyError('timestamp_too_new', `The request is dated ${signedAt - nowSeconds} s in the future; more than the ${toleranceSeconds} s tolerance.`);
  }
}
