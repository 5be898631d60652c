import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * Decoded HMAC keys by secret. Every attempt signs, and decoding a `whsec_` secret from base64
 * into a fresh Buffer on each one showed in the delivery path's allocation profile
 * (docs/benchmarks.md#cpu-per-delivery-by-stage); a webhook's secret is the same for thousands
 * of attempts. Bounded so that a store with many webhooks cannot grow it without limit: past
 * the bound the oldest entry goes, and a secret that comes back is decoded again.
 */
const MAX_KEYS = 10_000;
const keys = new Map<string, KeyObject>();

export function cachedKey(secret: string, decode: (secret: string) => Buffer): KeyObject {
  let key = keys.get(secret);
  if (key === undefined) {
    key = createSecretKey(decode(secret));
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    keys.set(secret, key);
  }
  return key;
}
