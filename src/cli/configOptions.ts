import { Option, type Command } from 'commander';
import { defaults, envNames, loadConfig, type Config } from '../config.js';

interface SettingHelp {
  /** Placeholder of the flag's value; absent for on/off switches. */
  readonly arg?: string;
  readonly about: string;
  /** For settings whose default is "none" and means something. */
  readonly defaultText?: string;
}

// Typed over every key of Config so that a new setting cannot ship without its flag.
const settingHelp: Readonly<Record<keyof Config, SettingHelp>> = {
  port: { arg: '<port>', about: 'HTTP port; 0 picks any free port' },
  host: { arg: '<address>', about: 'address to bind' },
  databaseUrl: { arg: '<url>', about: 'file:<path> for SQLite, postgres://… for PostgreSQL' },
  adminToken: {
    arg: '<token>',
    about: 'the directory (all-business) token, at least 16 characters; it replaces any earlier admin token',
    defaultText: 'generated on first start and printed once',
  },
  allowPrivateNetworks: { about: 'allow webhook targets on loopback and private networks (development and tests only)' },
  maxInFlight: { arg: '<n>', about: 'delivery attempts in flight at once in this process, shared fairly between businesses' },
  threads: { arg: '<true|false>', about: 'run the HTTP sender and the SQLite store on worker threads, so that one process uses more than one core' },
  maxHeld: { arg: '<n>', about: 'deliveries this process keeps queued in memory, shared fairly between businesses' },
  matcherCacheBusinesses: { arg: '<n>', about: 'businesses whose compiled webhooks publishing keeps in memory; the least recently used go first' },
  leaseMs: { arg: '<ms>', about: 'how long a claimed delivery stays with this process before another may take it' },
  pollMs: { arg: '<ms>', about: 'how often an idle dispatcher looks for due retries' },
  claimBatch: { arg: '<n>', about: 'due deliveries claimed per database statement' },
  shutdownGraceMs: { arg: '<ms>', about: 'how long a stop waits for attempts in flight; a second later it gives up on writes the database has not taken' },
  logLevel: { arg: '<level>', about: 'fatal, error, warn, info, debug, trace or silent' },
  publicUrl: { arg: '<url>', about: 'the URL to print for this server', defaultText: 'derived from host and port' },
  retentionDays: { arg: '<days>', about: 'days to keep finished deliveries, their attempts and events; 0 keeps everything' },
  disableAfterMs: { arg: '<ms>', about: 'disable a webhook that has been unhealthy this long (0 never does)' },
  probeMs: { arg: '<ms>', about: 'wait before the first probe of an unhealthy endpoint; doubles per failed probe, up to 10 min' },
  listenerGraceMs: { arg: '<ms>', about: 'remove a `hookline listen` listener that has had no stream connected this long' },
  encryptionKey: {
    arg: '<key>',
    about: '32 bytes, base64 or hex, that encrypt webhook secrets and custom header values at rest (prefer the variable: flags show in ps)',
    defaultText: 'none: stored unencrypted, with a warning at start',
  },
  encryptionKeysOld: { arg: '<keys>', about: 'earlier encryption keys, comma-separated, accepted for reading during a rotation', defaultText: 'none' },
  heartbeatMs: { arg: '<ms>', about: 'how often this process records that it is alive; one silent for 5 of these is dead and its leases are given back' },
  maxWebhooksPerBusiness: { arg: '<n>', about: 'webhooks one business may have, 1 to 100000 (each vcita subscription is one)' },
  maxWebhookInFlight: { arg: '<n>', about: 'the largest max_in_flight a webhook may ask for, 10 to 1000' },
  maxWebhookTimeoutMs: { arg: '<ms>', about: 'the largest timeout_ms a webhook may ask for, 5000 to 60000' },
  portalFrameAncestors: {
    arg: '<origins>',
    about: 'origins whose pages may embed the portal in an iframe, separated by spaces or commas (the CSP frame-ancestors of portal pages)',
    defaultText: "none: the portal cannot be framed ('none')",
  },
  portalName: { arg: '<name>', about: "the platform's name shown in the portal when a session's theme gives none", defaultText: 'none' },
  portalAccent: { arg: '<#rrggbb>', about: "the portal's accent colour when a session's theme gives none", defaultText: "none: Hookline's own" },
  portalMode: { arg: '<light|dark>', about: "the portal's colours when a session's theme gives no mode" },
  egressProxy: { arg: '<url>', about: 'HTTP proxy (http://[user:pass@]host:port) that every attempt and token request goes through with CONNECT', defaultText: 'none: connect directly' },
  egressNoProxy: { arg: '<hosts>', about: 'hosts reached without the egress proxy, comma-separated (a name covers its subdomains; * is every host)', defaultText: 'none' },
  propagateTrace: { arg: '<true|false>', about: "send traceparent and tracestate with each attempt, continuing the publisher's trace" },
  otlpTracesEndpoint: {
    arg: '<url>',
    about: 'export spans over OTLP/HTTP to this URL (or set OTEL_EXPORTER_OTLP_ENDPOINT; /v1/traces is appended to that one)',
    defaultText: 'none: no spans, the SDK is not loaded',
  },
  otelServiceName: { arg: '<name>', about: 'service.name of the spans' },
};

const kebab = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function describe(key: keyof Config): string {
  const help = settingHelp[key];
  const fallback = help.defaultText ?? String(defaults[key]);
  return `${help.about} (env: ${envNames[key]}, default: ${fallback})`;
}

/**
 * Adds one flag per setting. No commander defaults: an absent flag must stay undefined so
 * that `loadConfig` lets the environment variable, then the default, decide.
 */
export function addConfigOptions(command: Command, keys: readonly (keyof Config)[]): Command {
  for (const key of keys) {
    const arg = settingHelp[key].arg;
    command.addOption(new Option(`--${kebab(key)}${arg ? ` ${arg}` : ''}`, describe(key)));
  }
  return command;
}

/** Commander names each flag's value after the camel-cased flag, which is the Config key. */
export function configFromFlags(
  env: Readonly<Record<string, string | undefined>>,
  flags: Record<string, unknown>,
  keys: readonly (keyof Config)[],
): Config {
  const overrides: Partial<Record<keyof Config, string | boolean>> = {};
  for (const key of keys) {
    const value = flags[key];
    if (typeof value === 'string' || typeof value === 'boolean') overrides[key] = value;
  }
  return loadConfig(env, overrides);
}

export const allSettings = Object.keys(envNames) as (keyof Config)[];
