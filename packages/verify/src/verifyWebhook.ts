import { headerReader, type HeaderInput } from './headers.js';
import { VerifyError } from './VerifyError.js';
import type { DialectCheck } from './checks/DialectCheck.js';
import { checkStandard, checkSvix } from './checks/standard.js';
import { checkOpus1 } from './checks/opus1.js';
import { checkUpodi } from './checks/upodi.js';
import { checkHapana, checkVcita } from './checks/timestamped.js';
import { checkWellnessLiving } from './checks/wellnessLiving.js';

const checks = {
  standard: checkStandard,
  opus1: checkOpus1,
  upodi: checkUpodi,
  hapana: checkHapana,
  wellnessliving: checkWellnessLiving,
  vcita: checkVcita,
  svix: checkSvix,
} as const satisfies Record<string, DialectCheck>;

export type DialectName = keyof typeof checks;
export const dialects = Object.freeze(Object.keys(checks)) as readonly DialectName[];

/** Default freshness window for dialects that sign a timestamp (Standard Webhooks' five minutes). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

export interface VerifyOptions {
  /** How far a signed timestamp may be from now, in seconds; default 300. */
  toleranceSeconds?: number;
  /** The current time in ms; default Date.now. For tests and replaying stored requests. */
  now?: () => number;
}

export interface VerifiedWebhook<T = unknown> {
  dialect: DialectName;
  /** The key duplicates share: the event's id, or a hash of the payload where the dialect has no id. */
  id: string;
  /** The event's name in the dialect, e.g. `client/created`, `checkIn`, `Customer.create`. */
  event: string | null;
  /** The signed send time (unix seconds), for the dialects that sign one; else null. */
  signedAt: number | null;
  /** The body, parsed, once it is known to be authentic. */
  payload: T;
}

/**
 * Checks one request's signature (and, where the dialect signs a time, its freshness) against
 * any of `secrets`, from the raw body bytes and the headers. Throws a VerifyError naming the
 * check that failed. No de-duplication: `WebhookVerifier` adds that.
 */
export function verifyWebhook<T = unknown>(
  dialect: DialectName,
  rawBody: string | Uint8Array,
  headers: HeaderInput,
  secrets: string | readonly string[],
  options: VerifyOptions = {},
): VerifiedWebhook<T> {
  const check: DialectCheck | undefined = (checks as Record<string, DialectCheck>)[dialect];
  if (!check) throw new VerifyError('bad_configuration', `Unknown dialect "${String(dialect)}"; use one of ${dialects.join(', ')}.`);
  const keys = (typeof secrets === 'string' ? [secrets] : [...secrets]).filter((s) => s !== '');
  if (keys.length === 0) throw new VerifyError('bad_configuration', 'No secret given: pass the webhook secret (or the old and new ones during a rotation).');
  const raw = typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.byteLength);
  const result = check({
    raw,
    text: raw.toString('utf8'),
    header: headerReader(headers),
    secrets: keys,
    nowSeconds: Math.floor((options.now ?? Date.now)() / 1000),
    toleranceSeconds: options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
  });
  return { dialect, ...result, payload: result.payload as T };
}
