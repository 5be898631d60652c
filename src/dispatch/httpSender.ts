import { createHash } from 'node:crypto';
import { Agent } from 'undici';
import type { EndpointTls } from '../store/Store.js';
import { createConnector, type EgressOptions } from './egressConnector.js';
import { ResponseReader } from './ResponseReader.js';
import { notSent, type SendResult } from './SendResult.js';
import { DeadlineTicker } from './DeadlineTicker.js';
import type { SendErrorCode } from './mapSendError.js';
import { guardedLookup, ipLiteralReason, type TargetPolicy } from './ssrfGuard.js';

export type { SendResult } from './SendResult.js';
export type { SendErrorCode } from './mapSendError.js';

export interface SendRequest {
  url: string;
  /** POST unless a transformation chose PUT or PATCH (docs/transformations.md). */
  method?: 'POST' | 'PUT' | 'PATCH';
  body: string;
  /** Added to the request; see `createSender` for the ones Hookline keeps for itself. */
  headers: Record<string, string>;
  /** Bounds the whole attempt: queueing for a connection, connect, TLS, headers and body. */
  timeoutMs: number;
  /** The endpoint's client certificate and private CA (docs/endpoint-auth.md#tls); connections with it are kept apart. */
  tls?: EndpointTls;
  /** Instead of `application/json`: a token request's form body. */
  contentType?: 'application/x-www-form-urlencoded';
  /**
   * Which delivery this is, for a transport that shows it to a person (`hookline listen`).
   * The network sender ignores it, and it never crosses to the sending thread.
   */
  about?: AttemptAbout;
}

export interface AttemptAbout {
  deliveryId: string;
  eventId: string;
  eventType: string;
  attempt: number;
}

export interface Sender {
  /** Resolves once attempts can start without waiting for a thread to load; rejects if it cannot start. */
  ready(): Promise<void>;
  /** Never rejects: every failure is a SendResult with an `error` code. */
  send(req: SendRequest): Promise<SendResult>;
  /**
   * False when an attempt to `url` cannot be made now and should wait without being spent
   * (a `hookline listen` listener with no stream connected). Absent: always possible.
   */
  available?(url: string): boolean;
  /** Waits for attempts in flight (each bounded by its timeout), then closes every connection. Safe to call twice. */
  close(): Promise<void>;
  /** Aborts attempts in flight at once (their results say 'network') and closes every connection: shutdown past its grace period. */
  destroy(): Promise<void>;
}

export interface SenderOptions {
  /** HOOKLINE_ALLOW_PRIVATE_NETWORKS: skip the SSRF guard (development and tests only). */
  allowPrivateNetworks: boolean;
  /** Sent as User-Agent on every attempt, e.g. `Hookline/0.1.0`. */
  userAgent: string;
  /** Keep-alive connections per origin, default 256. */
  connectionsPerOrigin?: number;
  /** TCP+TLS connect timeout, default 10000 ms. Only frees a hung socket: results are bounded by `timeoutMs`. */
  connectTimeoutMs?: number;
  /** HOOKLINE_EGRESS_PROXY and HOOKLINE_EGRESS_NO_PROXY; absent: every connection is direct. */
  egress?: EgressOptions;
}

/** Used when a request carries no usable timeout; the webhook default (DESIGN: 5 s). */
const FALLBACK_TIMEOUT_MS = 5000;

/**
 * Headers that describe the message framing or the connection, which the sender owns:
 * letting a webhook's custom headers set them would corrupt the request or let a tenant aim
 * the request at another virtual host. content-type and user-agent are Hookline's (DESIGN:
 * every attempt is `application/json` from `Hookline/<version>`), so a caller's value is
 * dropped rather than merged. The API refuses these names when a webhook is saved; this is
 * the second line of defence.
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'content-type', 'user-agent', 'content-length', 'transfer-encoding', 'host', 'connection',
  'keep-alive', 'proxy-connection', 'upgrade', 'expect', 'te', 'trailer',
]);

type Target = { origin: string; path: string } | { error: SendErrorCode };

/** Parsed URLs by string. Webhook URLs repeat endlessly, and `new URL` costs 0.3–0.7 µs a call here. */
const TARGET_CACHE_SIZE = 10_000;
/** Agents for endpoints with their own TLS material; the least recently made is closed past this. */
const TLS_AGENT_CACHE_SIZE = 500;

export function createSender(opts: SenderOptions): Sender {
  const allowPrivate = opts.allowPrivateNetworks;
  const egress: EgressOptions = opts.egress ?? { egressProxy: null, egressNoProxy: [] };
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10_000;
  const agentFor = (tls?: EndpointTls): Agent =>
    new Agent({
      connections: opts.connectionsPerOrigin ?? 256,
      pipelining: 1,
      // Without a proxy or TLS material, undici's own connector with the guard: the hot path stays as it was.
      connect: egress.egressProxy === null && !tls
        ? { lookup: guardedLookup({ allowPrivateNetworks: allowPrivate }), timeout: connectTimeoutMs }
        : createConnector({ ...egress, allowPrivateNetworks: allowPrivate, connectTimeoutMs, tls }),
    });
  const agent = agentFor();
  // A client certificate belongs to its endpoint only: pooled connections are never shared with another's material.
  const tlsAgents = new Map<string, Agent>();
  function dispatcherFor(tls: EndpointTls | undefined): Agent {
    if (!tls || (!tls.ca && !tls.client_cert)) return agent;
    const key = createHash('sha256').update(`${tls.client_cert ?? ''}\0${tls.client_key ?? ''}\0${tls.ca ?? ''}`).digest('hex');
    let found = tlsAgents.get(key);
    if (!found) {
      if (tlsAgents.size >= TLS_AGENT_CACHE_SIZE) {
        const [oldest, old] = tlsAgents.entries().next().value!;
        tlsAgents.delete(oldest);
        void old.close();
      }
      found = agentFor(tls);
      tlsAgents.set(key, found);
    }
    return found;
  }
  const closeAll = () => Promise.all([agent, ...tlsAgents.values()].map((a) => a.destroy())).then(() => undefined);
  const ticker = new DeadlineTicker();
  const targets = new Map<string, Target>();
  const fixedHeaders = ['content-type', 'application/json', 'user-agent', opts.userAgent];
  let closing: Promise<void> | null = null;

  function targetFor(url: string): Target {
    let target = targets.get(url);
    if (target === undefined) {
      target = parseTarget(url, { allowPrivateNetworks: allowPrivate });
      if (targets.size >= TARGET_CACHE_SIZE) targets.delete(targets.keys().next().value!);
      targets.set(url, target);
    }
    return target;
  }

  return {
    ready: () => Promise.resolve(),
    send(req) {
      const startedAt = Date.now();
      const t0 = performance.now();
      let handler: ResponseReader | null = null;
      let result: Promise<SendResult> | null = null;
      try {
        const target = closing ? { error: 'network' as const } : targetFor(req.url);
        if ('error' in target) return Promise.resolve(notSent(target.error, startedAt));
        const timeoutMs = req.timeoutMs > 0 && Number.isFinite(req.timeoutMs) ? req.timeoutMs : FALLBACK_TIMEOUT_MS;
        const headers = buildHeaders(req.contentType ? ['content-type', req.contentType, 'user-agent', opts.userAgent] : fixedHeaders, req.headers);
        let resolve!: (result: SendResult) => void;
        result = new Promise<SendResult>((r) => (resolve = r));
        handler = new ResponseReader(resolve, ticker, startedAt, t0);
        ticker.add(handler, timeoutMs);
        // Redirects: undici 7's dispatch never follows them (that needs the redirect
        // interceptor, which is not installed), so a 3xx comes back as its status.
        dispatcherFor(req.tls).dispatch(
          { origin: target.origin, path: target.path, method: req.method ?? 'POST', headers, body: req.body },
          handler,
        );
        return result;
      } catch (err) {
        // Malformed input (headers that are not a record, a body that is not a string) must
        // fail this attempt, not the dispatcher's loop.
        if (handler === null || result === null) return Promise.resolve(notSent('invalid_request', startedAt));
        handler.onResponseError(undefined, err as Error);
        return result;
      }
    },

    close() {
      closing ??= ticker.idle().then(async () => {
        ticker.stop();
        // destroy, not close: attempts are settled, and close() would also wait for requests
        // that timed out while still queued behind a hung connect.
        await closeAll();
      });
      return closing;
    },

    destroy() {
      closing ??= closeAll().then(() => ticker.stop());
      return closing;
    },
  };
}

function buildHeaders(fixed: readonly string[], custom: Record<string, string>): string[] {
  const flat = fixed.slice();
  for (const name of Object.keys(custom)) {
    if (!RESERVED_HEADERS.has(name.toLowerCase())) flat.push(name, custom[name]!);
  }
  return flat;
}

function parseTarget(url: string, { allowPrivateNetworks }: TargetPolicy): Target {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: 'invalid_request' };
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return { error: 'invalid_request' };
  // Sockets skip `lookup` for IP literals, so the guard must see those here.
  if (!allowPrivateNetworks && ipLiteralReason(parsed.hostname) !== null) return { error: 'blocked_target' };
  return { origin: parsed.origin, path: parsed.pathname + parsed.search };
}
