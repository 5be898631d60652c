import { randomBytes } from 'node:crypto';

/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): reading the `traceparent` and
 * `tracestate` a publisher sends, and writing the ones each attempt sends. Pure functions, no
 * OpenTelemetry: propagation works, and costs almost nothing, with tracing off.
 */

/** The header names Hookline sets on an attempt; a webhook's custom headers may not use them. */
export const TRACE_HEADERS: readonly string[] = ['traceparent', 'tracestate'];

export interface TraceContext {
  /** 32 lowercase hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lowercase hex digits, not all zero: the span the next one is a child of. */
  readonly spanId: string;
  /** The trace flags byte as two hex digits ("01" = sampled). */
  readonly flags: string;
  /** The tracestate header as received (validated, bounded), or null. */
  readonly state: string | null;
}

// Version 00's layout. A later version may append fields after a "-": the spec asks parsers
// to read the first four and ignore the rest, but never to accept version ff.
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);
/** The spec's bounds: 32 list members, and 512 characters is what a vendor may rely on being passed on. */
const MAX_STATE_MEMBERS = 32;
const MAX_STATE_LENGTH = 512;
// key = simple-key or tenant@system; value = printable ASCII without "," and "=", not ending in a space.
const STATE_MEMBER = /^(?:[a-z][a-z0-9_\-*/]{0,255}|[a-z0-9][a-z0-9_\-*/]{0,240}@[a-z][a-z0-9_\-*/]{0,13})=[\x20-\x2b\x2d-\x3c\x3e-\x7e]{0,255}[\x21-\x2b\x2d-\x3c\x3e-\x7e]$/;

/**
 * The publisher's trace, or null when `traceparent` is absent or malformed (the spec says to
 * ignore it then, and so does Hookline: a bad header never refuses a publish). `tracestate` is
 * kept only beside a valid `traceparent`, and dropped whole when malformed or too long.
 */
export function parseTraceContext(traceparent: unknown, tracestate: unknown): TraceContext | null {
  if (typeof traceparent !== 'string' || traceparent.length > 256) return null;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m) return null;
  const [, version, traceId, spanId, flags, rest] = m as unknown as [string, string, string, string, string, string | undefined];
  if (version === 'ff' || (version === '00' && rest !== undefined)) return null;
  if (traceId === ZERO_TRACE || spanId === ZERO_SPAN) return null;
  return { traceId, spanId, flags, state: parseTraceState(tracestate) };
}

function parseTraceState(value: unknown): string | null {
  // Several tracestate lines arrive as an array; HTTP joins them with ",".
  const text = Array.isArray(value) ? value.filter((v) => typeof v === 'string').join(',') : value;
  if (typeof text !== 'string' || text.length > MAX_STATE_LENGTH) return null;
  const members = text.split(',').map((m) => m.trim()).filter((m) => m !== '');
  if (members.length === 0 || members.length > MAX_STATE_MEMBERS) return null;
  const keys = new Set<string>();
  for (const member of members) {
    if (!STATE_MEMBER.test(member)) return null;
    const key = member.slice(0, member.indexOf('='));
    if (keys.has(key)) return null;
    keys.add(key);
  }
  return members.join(',');
}

export function formatTraceparent(traceId: string, spanId: string, flags: string): string {
  return `00-${traceId}-${spanId}-${flags}`;
}

/** A span id for an attempt when no tracer made one: random, never all zero. */
export function newSpanId(): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (id !== ZERO_SPAN) return id;
  }
}

/** What an event stores (migration 0015): the traceparent its attempts continue, and the tracestate. */
export interface StoredTrace {
  traceparent: string;
  tracestate: string | null;
}

export function storedTrace(ctx: TraceContext): StoredTrace {
  return { traceparent: formatTraceparent(ctx.traceId, ctx.spanId, ctx.flags), tracestate: ctx.state };
}
