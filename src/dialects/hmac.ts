import { createHash, createHmac } from 'node:crypto';

/*
 * Signing for the dialects other than `standard`. Their receivers are told to key the HMAC
 * with the secret exactly as the API shows it (`whsec_…`, UTF-8), the way GitHub, Stripe and
 * Shopify secrets are used: one copy-paste, no decoding step to get wrong. Only `standard`
 * decodes the base64 part, because the Standard Webhooks specification says so.
 */

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

export function hmacBase64(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('base64');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `t=<unix>,v1=<hex>[,v1=<hex>]`: HMAC of "t.body" per secret, Stripe's well-known layout. */
export function timestampedSignature(secrets: readonly string[], unixSeconds: number, body: string): string {
  const signed = `${unixSeconds}.${body}`;
  return [`t=${unixSeconds}`, ...secrets.map((s) => `v1=${hmacHex(s, signed)}`)].join(',');
}
