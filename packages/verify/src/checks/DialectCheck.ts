import type { HeaderReader } from '../headers.js';
import { VerifyError } from '../VerifyError.js';

/** What every dialect's check reads. */
export interface CheckInput {
  /** The body exactly as received. */
  raw: Buffer;
  /** The same bytes as UTF-8 text. */
  text: string;
  header: HeaderReader;
  secrets: readonly string[];
  nowSeconds: number;
  toleranceSeconds: number;
}

/** What a passed check learned about the request. */
export interface CheckResult {
  /** The key duplicates share: the event's id, or a hash of the payload where the dialect has no id. */
  id: string;
  /** The event's name in the dialect (a trigger, a topic, `Customer.create`, …), when the request names it. */
  event: string | null;
  /** The signed send time (unix seconds) for dialects that sign one, else null. */
  signedAt: number | null;
  /** The body parsed as JSON. */
  payload: unknown;
}

export type DialectCheck = (input: CheckInput) => CheckResult;

export function parseBody(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new VerifyError('invalid_body', 'The body is not JSON.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new VerifyError('invalid_body', 'The body is not a JSON object.');
  return value as Record<string, unknown>;
}

export function stringField(obj: Record<string, unknown>, name: string): string {
  const v = obj[name];
  if (typeof v !== 'string' || v === '') throw new VerifyError('invalid_body', `The body has no "${name}".`);
  return v;
}

/** `t=<unix>,v1=<sig>[,v1=<sig>]` into its parts; anything else is malformed. */
export function parseTimestamped(value: string, header: string): { t: number; v1: string[] } {
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    const val = part.slice(eq + 1).trim();
    if (eq < 0) continue;
    if (key === 't' && /^\d{1,12}$/.test(val)) t = Number(val);
    else if (key === 'v1') v1.push(val);
  }
  if (t === null || v1.length === 0) throw new VerifyError('malformed_header', `${header} must look like t=<unix seconds>,v1=<hex>.`);
  return { t, v1 };
}
