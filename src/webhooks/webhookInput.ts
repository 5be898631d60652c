import type { EventCatalog } from '../catalog/EventCatalog.js';
import { HooklineError } from '../errors.js';
import { assertValidFilters } from '../catalog/eventFilter.js';
import { allowedEventsHint, dialectNames, expandFilters, findDialect, foreignNamesHint, isDialectHeader } from '../dialects/index.js';
import { checkTargetUrl } from '../dispatch/ssrfGuard.js';
import { RESERVED_HEADERS } from '../dispatch/httpSender.js';
import { TRACE_HEADERS } from '../tracing/traceContext.js';

/**
 * Checks on webhook fields that a JSON Schema cannot express: the URL's target, the event
 * filters against the catalogue (in the webhook's dialect), the dialect, custom headers.
 */

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const MAX_HEADERS = 20;
/** Signature headers of every dialect are Hookline's to set. */
const SIGNATURE_HEADER = /^(webhook-|x-hapana-|x-signature|x-topic$|x-generated-at$|x-sent-at$|x-payload-key$)/i;

/** Recognises this server's own test inboxes, which are delivered in-process (issue 14). */
export interface OwnInboxes {
  inboxIdOf(url: string): string | null;
}

export function checkUrl(url: string, allowPrivateNetworks: boolean, ownInboxes?: OwnInboxes): string {
  // This server's own test inbox: delivered in-process, so no network is opened.
  if (ownInboxes?.inboxIdOf(url)) return new URL(url).toString();
  const check = checkTargetUrl(url, { allowPrivateNetworks });
  if (check.ok) return check.url.toString();
  if (check.code === 'blocked_target') {
    throw new HooklineError(
      'BLOCKED_TARGET',
      `url: ${check.reason}; Hookline delivers only to public addresses (set HOOKLINE_ALLOW_PRIVATE_NETWORKS=true for development).`,
    );
  }
  throw new HooklineError('INVALID_URL', `url: ${check.reason}.`);
}

export function checkDialect(name: string): string {
  if (!findDialect(name)) {
    throw new HooklineError('UNKNOWN_DIALECT', `dialect "${name}" is not known; use one of: ${dialectNames().join(', ')}.`);
  }
  return name;
}

/**
 * Filters may be given in the webhook's dialect (e.g. a trigger name); they are stored as
 * catalogue filters. A filter that selects nothing is refused: it is almost always a typo.
 * Errors list the names the dialect accepts, since a dialect's own names are what its
 * integrators know.
 */
export function checkEvents(catalog: EventCatalog, events: readonly string[], dialectName: string): string[] {
  const dialect = findDialect(dialectName);
  const hint = (filters: string[]) => (dialect ? allowedEventsHint(dialect) + foreignNamesHint(filters, dialect.name) : '');
  const normalized = [...new Set(events.map((e) => (e === '*' || e.endsWith('/*') ? e : (dialect?.catalogType(e) ?? e))))];
  try {
    assertValidFilters(normalized);
  } catch (err) {
    if (err instanceof HooklineError) throw new HooklineError(err.code, err.message + hint(normalized), err.extensions);
    throw err;
  }
  const unknown = catalog.unknownFilters(normalized);
  if (unknown.length > 0) {
    throw new HooklineError(
      'UNKNOWN_EVENT_TYPE',
      `events: ${unknown.map((u) => `"${u}"`).join(', ')} match no event type; GET /v1/event-types lists them (filters may be exact types, "entity/*" or "*").${hint(unknown)}`,
    );
  }
  if (!dialect) return normalized;
  const inexpressible = normalized.filter((f) => !f.includes('*') && dialect.eventName(f) === null);
  const expanded = expandFilters(dialect, normalized);
  const refused = [...inexpressible, ...expanded.empty];
  if (refused.length > 0) {
    throw new HooklineError(
      'INVALID_EVENT_FILTER',
      `events: the ${dialect.name} dialect cannot express ${refused.map((u) => `"${u}"`).join(', ')}; choose another dialect or other events.${hint(refused)}`,
    );
  }
  return expanded.filters;
}

export function checkHeaders(headers: Record<string, string>): Record<string, string> {
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS) throw new HooklineError('INVALID_HEADER', `headers: at most ${MAX_HEADERS} custom headers.`);
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (!HEADER_NAME.test(name)) throw new HooklineError('INVALID_HEADER', `headers: "${name}" is not a valid HTTP header name.`);
    const lower = name.toLowerCase();
    if (RESERVED_HEADERS.has(lower) || SIGNATURE_HEADER.test(lower) || isDialectHeader(lower) || TRACE_HEADERS.includes(lower)) {
      throw new HooklineError('INVALID_HEADER', `headers: "${name}" is set by Hookline itself and cannot be overridden.`);
    }
    if (/[\r\n\0]/.test(value)) throw new HooklineError('INVALID_HEADER', `headers: the value of "${name}" must not contain line breaks.`);
    // HTTP carries field values as bytes: visible ASCII, space, tab and Latin-1. Anything else
    // was stored and then failed every attempt as invalid_request (issue 12).
    const bad = /[^\t\x20-\x7e\x80-\xff]/.exec(value);
    if (bad) {
      const cp = value.codePointAt(bad.index)!;
      const what = cp < 0x80 ? `the control character U+${cp.toString(16).toUpperCase().padStart(4, '0')}` : `"${String.fromCodePoint(cp)}", which is outside Latin-1`;
      throw new HooklineError('INVALID_HEADER', `headers: the value of "${name}" contains ${what}; header values may hold printable ASCII, spaces, tabs and Latin-1 letters only (percent- or base64-encode anything else).`);
    }
    out[name] = value;
  }
  return out;
}
