import type { Dialect, DialectWebhook, RenderedRequest, RenderInput } from '../dialects/index.js';
import { isUnrepresentable } from '../dialects/index.js';
import { HooklineError } from '../errors.js';

/** What the dashboard shows of a request: as the dialect renders it, with secret-derived parts masked. */
export interface MaskedRequest {
  method: 'POST';
  url: string;
  headers: { name: string; value: string; masked: boolean }[];
  body: string;
  /** True when part of the body depends on the secret (Upodi's `Signature` field). */
  body_masked: boolean;
}

export const MASK = '••••';

// Two throwaway secrets; nothing rendered here ever touches the webhook's real one.
const probe = (fill: number): string => `whsec_${Buffer.alloc(32, fill).toString('base64')}`;
const PROBES = [
  { secret: probe(0x11), previous: probe(0x22) },
  { secret: probe(0x33), previous: probe(0x44) },
] as const;

/** Separators a signature value starts after (`v1,`, `t=…,v1=`, `sha256=`, `"Signature":"`). */
const OPENS = /[,= :;"]/;
/** Separators it ends before; `=` is base64 padding there, part of the value. */
const CLOSES = /[, :;"]/;

/**
 * Keeps what two renders with different secrets share, and masks what differs between them.
 * The kept frame is cut back to a separator so no character of a probe signature survives.
 */
function maskDifference(a: string, b: string): { text: string; masked: boolean } {
  if (a === b) return { text: a, masked: false };
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  while (start > 0 && !OPENS.test(a[start - 1]!)) start--;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  while (endA < a.length && !CLOSES.test(a[endA]!)) endA++;
  return { text: a.slice(0, start) + MASK + a.slice(endA), masked: true };
}

/**
 * Renders a delivery's request the way the sender would send it, without its secret: the
 * dialect renders twice with two probe secrets, and every header value or body span that
 * differs between the two is a signature and is masked. This works for every dialect without
 * knowing which of its headers sign. Custom header values are masked as a whole, since they
 * often hold the receiver's own credentials (an Authorization header).
 */
export function renderMasked(
  dialect: Dialect,
  input: RenderInput & { webhook: DialectWebhook & { headers: Record<string, string> } },
  userAgent: string,
): MaskedRequest {
  const rotating = input.webhook.previous_secret !== null && (input.webhook.previous_secret_expires_at ?? 0) > input.now;
  const [a, b] = PROBES.map((p) => {
    const r = dialect.render({ ...input, webhook: { ...input.webhook, secret: p.secret, previous_secret: rotating ? p.previous : null } });
    if (isUnrepresentable(r)) {
      const { pointer, message } = r.unrepresentable;
      throw new HooklineError('UNREPRESENTABLE_DATA', `data${pointer}: ${message}. The ${dialect.name} dialect leaves this delivery failed as "unrepresentable"; publish the value in the type the platform documents.`, { errors: [{ pointer: `/data${pointer}`, message }] });
    }
    return r;
  }) as [RenderedRequest, RenderedRequest];
  const headers: MaskedRequest['headers'] = [
    { name: 'Content-Type', value: 'application/json', masked: false },
    { name: 'User-Agent', value: userAgent, masked: false },
  ];
  for (const name of Object.keys(input.webhook.headers)) headers.push({ name, value: MASK, masked: true });
  for (const [name, value] of Object.entries(a.headers)) {
    const m = maskDifference(value, b.headers[name] ?? '');
    headers.push({ name, value: m.text, masked: m.masked });
  }
  const body = maskDifference(a.body, b.body);
  return { method: 'POST', url: input.webhook.url, headers, body: body.text, body_masked: body.masked };
}
