import { HooklineError } from './errors.js';

/**
 * Every setting Hookline reads, with its default beside it. Configuration enters the process
 * here once: `loadConfig` merges environment variables and CLI flags, validates, freezes, and
 * the result is passed down explicitly. Nothing else reads `process.env`.
 */
export interface Config {
  /** HOOKLINE_PORT, default 8080; 0 picks any free port. */
  readonly port: number;
  /** HOOKLINE_HOST, default 127.0.0.1. */
  readonly host: string;
  /** HOOKLINE_DATABASE_URL, default file:./data/hookline.db; or postgres://… */
  readonly databaseUrl: string;
  /** HOOKLINE_ADMIN_TOKEN, default none: one is generated on first start and printed once. */
  readonly adminToken: string | null;
  /** HOOKLINE_ALLOW_PRIVATE_NETWORKS, default false: refuse loopback/private targets. */
  readonly allowPrivateNetworks: boolean;
  /**
   * HOOKLINE_MAX_IN_FLIGHT, default 256: attempts in flight across all webhooks in one process,
   * shared between businesses; a business below its share may stretch it up to twice this
   * while older attempts end (docs/delivery.md#sharing-between-businesses).
   */
  readonly maxInFlight: number;
  /**
   * HOOKLINE_THREADS, default true: the HTTP sender, and the SQLite store, each run on a worker
   * thread, so that one process uses more than one core (docs/architecture.md#threads). false
   * runs both on the main thread.
   */
  readonly threads: boolean;
  /** HOOKLINE_MAX_HELD, default 5000: deliveries one process keeps queued in memory (docs/benchmarks.md: a backlog drained faster and in less memory than with 50000). */
  readonly maxHeld: number;
  /**
   * HOOKLINE_MATCHER_CACHE_BUSINESSES, default 10000: businesses whose compiled webhooks the
   * publisher keeps in memory (a few KB each); the least recently published-to goes first
   * (docs/benchmarks.md#scale-in-tenants).
   */
  readonly matcherCacheBusinesses: number;
  /** HOOKLINE_LEASE_MS, default 120000: how long a claim lasts before another process may take it. */
  readonly leaseMs: number;
  /** HOOKLINE_POLL_MS, default 250: how often the dispatcher looks for due retries when idle. */
  readonly pollMs: number;
  /** HOOKLINE_CLAIM_BATCH, default 500: due deliveries claimed per statement. */
  readonly claimBatch: number;
  /**
   * HOOKLINE_SHUTDOWN_GRACE_MS, default 10000: how long SIGTERM waits for attempts in flight; a
   * second later the stop gives up on writes the database has not taken, and the process exits.
   */
  readonly shutdownGraceMs: number;
  /** HOOKLINE_LOG_LEVEL, default info. */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** HOOKLINE_PUBLIC_URL, default derived from host and port: the URL the server prints. */
  readonly publicUrl: string | null;
  /**
   * HOOKLINE_RETENTION_DAYS, default 30: finished deliveries with their attempts, and events
   * none of whose deliveries is left, are purged this many days after they were created. 0 keeps everything.
   */
  readonly retentionDays: number;
  /**
   * HOOKLINE_DISABLE_AFTER_MS, default 432000000 (5 days): a webhook that has been unhealthy
   * (its circuit open) this long is disabled, with a reason, and its business is told. 0 never disables.
   */
  readonly disableAfterMs: number;
  /** HOOKLINE_PROBE_MS, default 5000: first probe of an open circuit; each failed probe doubles the wait, up to 10 min. */
  readonly probeMs: number;
  /**
   * HOOKLINE_LISTENER_GRACE_MS, default 60000: a `hookline listen` listener with no stream
   * connected this long is removed; a shorter disconnect loses nothing (docs/listen.md).
   */
  readonly listenerGraceMs: number;
  /**
   * HOOKLINE_ENCRYPTION_KEY, default none: 32 bytes (base64 or hex) that encrypt webhook secrets
   * and custom header values at rest (AES-256-GCM). Without one they are stored as given, and
   * the server warns at start (docs/reliability.md#secrets).
   */
  readonly encryptionKey: string | null;
  /** HOOKLINE_ENCRYPTION_KEYS_OLD, default none: earlier keys, comma-separated, still accepted for reading while rows move to the current key. */
  readonly encryptionKeysOld: string | null;
  /**
   * HOOKLINE_HEARTBEAT_MS, default 1000: how often a process records that it is alive. One
   * silent for DEAD_AFTER_BEATS (5) of these is dead, and a live process gives its leases back
   * at once (docs/reliability.md#crash-recovery).
   */
  readonly heartbeatMs: number;
  // Bounds on what one business may ask for (issue 12, docs/api.md#limits-on-what-a-request-may-ask).
  /** HOOKLINE_MAX_WEBHOOKS_PER_BUSINESS, default 250: webhooks one business may have (vcita subscriptions included: one per event). */
  readonly maxWebhooksPerBusiness: number;
  /** HOOKLINE_MAX_WEBHOOK_IN_FLIGHT, default 100: the largest `max_in_flight` a webhook may ask for. */
  readonly maxWebhookInFlight: number;
  /** HOOKLINE_MAX_WEBHOOK_TIMEOUT_MS, default 30000: the largest `timeout_ms` a webhook may ask for. */
  readonly maxWebhookTimeoutMs: number;
  // The embeddable portal (issue 14, docs/portal.md).
  /**
   * HOOKLINE_PORTAL_FRAME_ANCESTORS, default none: the origins (space- or comma-separated,
   * e.g. https://app.example.com) whose pages may embed the portal in an iframe; the portal's
   * CSP frame-ancestors says exactly these. None: the portal cannot be framed.
   */
  readonly portalFrameAncestors: readonly string[];
  /** HOOKLINE_PORTAL_NAME, default none: the platform's name in the portal when a session's theme gives none. */
  readonly portalName: string | null;
  /** HOOKLINE_PORTAL_ACCENT, default none (Hookline's blue): the portal's accent colour, #rrggbb, when a session's theme gives none. */
  readonly portalAccent: string | null;
  /** HOOKLINE_PORTAL_MODE, default light: light or dark, when a session's theme gives none. */
  readonly portalMode: 'light' | 'dark';
  // Egress (issue 18, docs/endpoint-auth.md#egress-proxy).
  /**
   * HOOKLINE_EGRESS_PROXY, default none: an HTTP proxy (http://[user:pass@]host:port) that every
   * attempt and every token request goes through with CONNECT, e.g. one with a static public IP.
   */
  readonly egressProxy: string | null;
  /** HOOKLINE_EGRESS_NO_PROXY, default none: hosts reached directly, comma-separated (`example.com` also covers its subdomains; `*` is every host). */
  readonly egressNoProxy: readonly string[];
  // Tracing (issue 18, docs/observability.md). The OTEL_* names are OpenTelemetry's own.
  /**
   * HOOKLINE_PROPAGATE_TRACE, default true: each attempt sends `traceparent` (and `tracestate`)
   * continuing the publisher's trace, or Hookline's own spans when tracing is on.
   */
  readonly propagateTrace: boolean;
  /**
   * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, or OTEL_EXPORTER_OTLP_ENDPOINT followed by /v1/traces;
   * default none: no spans are made and the OpenTelemetry SDK is never loaded. OTEL_SDK_DISABLED=true
   * or OTEL_TRACES_EXPORTER=none also leave it off.
   */
  readonly otlpTracesEndpoint: string | null;
  /** OTEL_SERVICE_NAME, default hookline: the service.name of every span. */
  readonly otelServiceName: string;
}

export const defaults: Config = Object.freeze({
  port: 8080,
  host: '127.0.0.1',
  databaseUrl: 'file:./data/hookline.db',
  adminToken: null,
  allowPrivateNetworks: false,
  maxInFlight: 256,
  threads: true,
  maxHeld: 5_000,
  matcherCacheBusinesses: 10_000,
  leaseMs: 120_000,
  pollMs: 250,
  claimBatch: 500,
  shutdownGraceMs: 10_000,
  logLevel: 'info',
  publicUrl: null,
  retentionDays: 30,
  disableAfterMs: 5 * 24 * 3600 * 1000,
  probeMs: 5000,
  listenerGraceMs: 60_000,
  encryptionKey: null,
  encryptionKeysOld: null,
  heartbeatMs: 1_000,
  maxWebhooksPerBusiness: 250,
  maxWebhookInFlight: 100,
  maxWebhookTimeoutMs: 30_000,
  portalFrameAncestors: Object.freeze([]),
  portalName: null,
  portalAccent: null,
  portalMode: 'light',
  egressProxy: null,
  egressNoProxy: Object.freeze([]),
  propagateTrace: true,
  otlpTracesEndpoint: null,
  otelServiceName: 'hookline',
});

/** Environment variable for each setting; the `hookline serve` flag is the same name in kebab case. */
export const envNames: Readonly<Record<keyof Config, string>> = Object.freeze({
  port: 'HOOKLINE_PORT',
  host: 'HOOKLINE_HOST',
  databaseUrl: 'HOOKLINE_DATABASE_URL',
  adminToken: 'HOOKLINE_ADMIN_TOKEN',
  allowPrivateNetworks: 'HOOKLINE_ALLOW_PRIVATE_NETWORKS',
  maxInFlight: 'HOOKLINE_MAX_IN_FLIGHT',
  threads: 'HOOKLINE_THREADS',
  maxHeld: 'HOOKLINE_MAX_HELD',
  matcherCacheBusinesses: 'HOOKLINE_MATCHER_CACHE_BUSINESSES',
  leaseMs: 'HOOKLINE_LEASE_MS',
  pollMs: 'HOOKLINE_POLL_MS',
  claimBatch: 'HOOKLINE_CLAIM_BATCH',
  shutdownGraceMs: 'HOOKLINE_SHUTDOWN_GRACE_MS',
  logLevel: 'HOOKLINE_LOG_LEVEL',
  publicUrl: 'HOOKLINE_PUBLIC_URL',
  retentionDays: 'HOOKLINE_RETENTION_DAYS',
  disableAfterMs: 'HOOKLINE_DISABLE_AFTER_MS',
  probeMs: 'HOOKLINE_PROBE_MS',
  listenerGraceMs: 'HOOKLINE_LISTENER_GRACE_MS',
  encryptionKey: 'HOOKLINE_ENCRYPTION_KEY',
  encryptionKeysOld: 'HOOKLINE_ENCRYPTION_KEYS_OLD',
  heartbeatMs: 'HOOKLINE_HEARTBEAT_MS',
  maxWebhooksPerBusiness: 'HOOKLINE_MAX_WEBHOOKS_PER_BUSINESS',
  maxWebhookInFlight: 'HOOKLINE_MAX_WEBHOOK_IN_FLIGHT',
  maxWebhookTimeoutMs: 'HOOKLINE_MAX_WEBHOOK_TIMEOUT_MS',
  portalFrameAncestors: 'HOOKLINE_PORTAL_FRAME_ANCESTORS',
  portalName: 'HOOKLINE_PORTAL_NAME',
  portalAccent: 'HOOKLINE_PORTAL_ACCENT',
  portalMode: 'HOOKLINE_PORTAL_MODE',
  egressProxy: 'HOOKLINE_EGRESS_PROXY',
  egressNoProxy: 'HOOKLINE_EGRESS_NO_PROXY',
  propagateTrace: 'HOOKLINE_PROPAGATE_TRACE',
  otlpTracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  otelServiceName: 'OTEL_SERVICE_NAME',
});

type Raw = Partial<Record<keyof Config, string | number | boolean | null | undefined>>;

const logLevels = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

function bad(name: string, value: unknown, expected: string): never {
  throw new HooklineError('CONFIG_INVALID', `${name}=${JSON.stringify(value)} is not valid: expected ${expected}.`);
}

function int(name: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'number' ? value : Number(String(value).trim());
  if (!Number.isInteger(n) || n < min || n > max) bad(name, value, `an integer from ${min} to ${max}`);
  return n;
}

function optionalText(value: unknown): string | null {
  return value === null || value === undefined || String(value).trim() === '' ? null : String(value).trim();
}

function bool(name: string, value: unknown): boolean {
  if (typeof value === 'boolean') return value;
  const s = String(value).trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(s)) return true;
  if (['0', 'false', 'no', 'off', ''].includes(s)) return false;
  return bad(name, value, 'true or false');
}

/**
 * Reads settings from the environment, then lets explicit overrides (CLI flags, or options
 * passed by an embedding program) win. Returns a frozen object.
 */
export function loadConfig(env: Record<string, string | undefined> = {}, overrides: Raw = {}): Config {
  const raw: Raw = {};
  for (const key of Object.keys(envNames) as (keyof Config)[]) {
    const fromEnv = env[envNames[key]];
    if (fromEnv !== undefined && fromEnv !== '') raw[key] = fromEnv;
    const fromFlag = overrides[key];
    if (fromFlag !== undefined) raw[key] = fromFlag;
  }
  const pick = <K extends keyof Config>(k: K): unknown => (raw[k] === undefined ? defaults[k] : raw[k]);

  const databaseUrl = String(pick('databaseUrl'));
  if (!/^(file:|postgres:\/\/|postgresql:\/\/)/.test(databaseUrl) && databaseUrl !== ':memory:') {
    bad(envNames.databaseUrl, databaseUrl, 'file:<path> for SQLite or postgres://… for PostgreSQL');
  }
  const logLevel = String(pick('logLevel'));
  if (!logLevels.has(logLevel)) bad(envNames.logLevel, logLevel, [...logLevels].join(', '));
  const adminToken = pick('adminToken');
  if (adminToken !== null && String(adminToken).length < 16) {
    bad(envNames.adminToken, '***', 'at least 16 characters');
  }
  const publicUrl = pick('publicUrl');

  return Object.freeze({
    port: int(envNames.port, pick('port'), 0, 65535),
    host: String(pick('host')),
    databaseUrl,
    adminToken: adminToken === null ? null : String(adminToken),
    allowPrivateNetworks: bool(envNames.allowPrivateNetworks, pick('allowPrivateNetworks')),
    maxInFlight: int(envNames.maxInFlight, pick('maxInFlight'), 1, 100_000),
    threads: bool(envNames.threads, pick('threads')),
    maxHeld: int(envNames.maxHeld, pick('maxHeld'), 100, 10_000_000),
    matcherCacheBusinesses: int(envNames.matcherCacheBusinesses, pick('matcherCacheBusinesses'), 100, 10_000_000),
    leaseMs: int(envNames.leaseMs, pick('leaseMs'), 1_000, 3_600_000),
    pollMs: int(envNames.pollMs, pick('pollMs'), 10, 60_000),
    claimBatch: int(envNames.claimBatch, pick('claimBatch'), 1, 10_000),
    shutdownGraceMs: int(envNames.shutdownGraceMs, pick('shutdownGraceMs'), 0, 600_000),
    logLevel: logLevel as Config['logLevel'],
    publicUrl: publicUrl === null ? null : String(publicUrl),
    retentionDays: int(envNames.retentionDays, pick('retentionDays'), 0, 36_500),
    disableAfterMs: int(envNames.disableAfterMs, pick('disableAfterMs'), 0, 365 * 24 * 3600 * 1000),
    probeMs: int(envNames.probeMs, pick('probeMs'), 10, 3_600_000),
    listenerGraceMs: int(envNames.listenerGraceMs, pick('listenerGraceMs'), 100, 86_400_000),
    encryptionKey: optionalText(pick('encryptionKey')),
    encryptionKeysOld: optionalText(pick('encryptionKeysOld')),
    heartbeatMs: int(envNames.heartbeatMs, pick('heartbeatMs'), 100, 60_000),
    // The lower bounds are the defaults a webhook gets when it asks for nothing (10 in flight, 5 s);
    // the upper ones are what the API's schema accepts at most.
    maxWebhooksPerBusiness: int(envNames.maxWebhooksPerBusiness, pick('maxWebhooksPerBusiness'), 1, 100_000),
    maxWebhookInFlight: int(envNames.maxWebhookInFlight, pick('maxWebhookInFlight'), 10, 1000),
    maxWebhookTimeoutMs: int(envNames.maxWebhookTimeoutMs, pick('maxWebhookTimeoutMs'), 5000, 60_000),
    ...portalSettings(pick),
    ...egressSettings(pick),
    ...tracingSettings(pick, env),
  });
}

/** The egress proxy (issue 18): a plain http:// proxy URL, and the hosts that bypass it. */
function egressSettings(pick: (k: keyof Config) => unknown): Pick<Config, 'egressProxy' | 'egressNoProxy'> {
  const proxy = optionalText(pick('egressProxy'));
  if (proxy !== null) {
    let url: URL | null = null;
    try {
      url = new URL(proxy);
    } catch {
      url = null;
    }
    // Never echo the value: it may carry the proxy's password.
    if (!url || url.protocol !== 'http:' || url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search !== '') {
      bad(envNames.egressProxy, '***', 'an HTTP proxy URL such as http://proxy.internal:3128 (optionally with user:password@)');
    }
  }
  const given = pick('egressNoProxy');
  const list = (Array.isArray(given) ? given.map(String) : String(given).split(/[\s,]+/))
    .map((h) => h.trim().toLowerCase().replace(/^\*?\./, ''))
    .filter(Boolean);
  for (const h of list) {
    if (h !== '*' && !/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(h)) bad(envNames.egressNoProxy, given, `host names or addresses separated by commas ("${h}" is not one)`);
  }
  return { egressProxy: proxy, egressNoProxy: Object.freeze([...new Set(list)]) };
}

/**
 * Tracing (issue 18). The endpoint follows OpenTelemetry's rules: the traces endpoint is used as
 * given, the general one gets /v1/traces appended. The rest of OpenTelemetry's variables (the
 * exporter's headers, timeout and compression, OTEL_RESOURCE_ATTRIBUTES, OTEL_TRACES_SAMPLER,
 * OTEL_BSP_*, span limits) are read by the SDK itself from the process environment, once
 * tracing is on; they have no Hookline flag.
 */
function tracingSettings(
  pick: (k: keyof Config) => unknown,
  env: Record<string, string | undefined>,
): Pick<Config, 'propagateTrace' | 'otlpTracesEndpoint' | 'otelServiceName'> {
  const general = optionalText(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  let endpoint = optionalText(pick('otlpTracesEndpoint')) ?? (general === null ? null : `${general.replace(/\/+$/, '')}/v1/traces`);
  if (endpoint !== null && !/^https?:\/\/[^/\s]+/.test(endpoint)) bad(envNames.otlpTracesEndpoint, endpoint, 'an http(s) URL such as http://collector:4318/v1/traces');
  if (String(env.OTEL_SDK_DISABLED ?? '').trim().toLowerCase() === 'true') endpoint = null;
  if (String(env.OTEL_TRACES_EXPORTER ?? '').trim().toLowerCase() === 'none') endpoint = null;
  const serviceName = optionalText(pick('otelServiceName')) ?? defaults.otelServiceName;
  return {
    propagateTrace: bool(envNames.propagateTrace, pick('propagateTrace')),
    otlpTracesEndpoint: endpoint,
    otelServiceName: serviceName,
  };
}

/** The portal's settings (issue 14): framing origins and the default theme. */
function portalSettings(pick: (k: keyof Config) => unknown): Pick<Config, 'portalFrameAncestors' | 'portalName' | 'portalAccent' | 'portalMode'> {
  const given = pick('portalFrameAncestors');
  const list = Array.isArray(given) ? given.map(String) : String(given).split(/[\s,]+/).filter(Boolean);
  // An origin, optionally with a wildcard subdomain; CSP would take more (paths, schemes alone), but an origin is what framing needs.
  for (const o of list) {
    if (!/^https?:\/\/(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?$/.test(o)) bad(envNames.portalFrameAncestors, given, `origins such as https://app.example.com, separated by spaces or commas ("${o}" is not one)`);
  }
  const name = optionalText(pick('portalName'));
  if (name !== null && (name.length > 80 || /[\u0000-\u001f\u007f]/.test(name))) bad(envNames.portalName, name, 'at most 80 characters, no control characters');
  const accent = optionalText(pick('portalAccent'));
  if (accent !== null && !/^#[0-9a-fA-F]{6}$/.test(accent)) bad(envNames.portalAccent, accent, 'a colour as #rrggbb');
  const mode = String(pick('portalMode'));
  if (mode !== 'light' && mode !== 'dark') bad(envNames.portalMode, mode, 'light or dark');
  return { portalFrameAncestors: Object.freeze([...new Set(list)]), portalName: name, portalAccent: accent?.toLowerCase() ?? null, portalMode: mode };
}

/** Settings of the CLI commands that talk to a running server (`send`, `deliveries`). */
export interface ClientConfig {
  /** HOOKLINE_URL, default http://127.0.0.1:8080: the server to talk to. */
  readonly url: string;
  /** HOOKLINE_TOKEN, default none: the bearer token (admin or business). */
  readonly token: string | null;
}

export function loadClientConfig(
  env: Record<string, string | undefined> = {},
  overrides: { url?: string; token?: string } = {},
): ClientConfig {
  const url = overrides.url ?? env.HOOKLINE_URL ?? 'http://127.0.0.1:8080';
  if (!/^https?:\/\/[^/]+/.test(url)) bad('HOOKLINE_URL', url, 'an http(s) URL such as http://127.0.0.1:8080');
  const token = overrides.token ?? env.HOOKLINE_TOKEN ?? env.HOOKLINE_ADMIN_TOKEN ?? null;
  return Object.freeze({ url: url.replace(/\/+$/, ''), token: token || null });
}
