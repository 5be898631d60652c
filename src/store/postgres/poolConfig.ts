import pg from 'pg';
import { HooklineError } from '../../errors.js';

/** Connection settings Hookline applies unless the database URL says otherwise. */
export const POOL_DEFAULTS = Object.freeze({
  /** `pool_max` URL parameter, default 10: connections per process. N processes need N × pool_max (+1 each for LISTEN) under the server's max_connections. */
  poolMax: 10,
  /** `statement_timeout` URL parameter (ms), default 30000: a stuck statement is cancelled instead of holding a connection, and the caller gets STORE_UNAVAILABLE. */
  statementTimeoutMs: 30_000,
  /** `connect_timeout` URL parameter (s, as in libpq), default 10: how long a call waits for a connection (new, or a free one from a busy pool) before failing. */
  connectTimeoutMs: 10_000,
  /** Default 10000: TCP keepalive starts probing an idle connection after this long, so a peer that vanished is noticed. */
  keepAliveInitialDelayMs: 10_000,
  /** Default 30000: idle pool connections are closed after this long. */
  idleTimeoutMs: 30_000,
  /**
   * Default statement_timeout + 5000: the client gives up on a statement (and closes its
   * connection) after this long. statement_timeout is enforced by the server, so it never
   * fires when the server vanished without closing the connection (a network partition, a
   * frozen VM); without this a call would wait for TCP to give up, about 15 minutes on Linux.
   */
  queryTimeoutGraceMs: 5_000,
  /** Default 60000: the server ends a session idle inside a transaction this long, so a stalled process cannot hold row locks. */
  idleInTransactionTimeoutMs: 60_000,
  /** `prepared_statements` URL parameter, default true: the hot statements are prepared once per connection (false for a pooler that cannot keep them). */
  preparedStatements: true,
});

const INT8_OID = 20;

/**
 * bigint columns (times in ms, counts) come back as JS numbers, as SQLite gives them; every
 * value Hookline keeps in one is far below 2^53. Scoped to our pool rather than set on pg's
 * global registry so another pg user in the same process is unaffected.
 */
export const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? Number : pg.types.getTypeParser(oid, format as 'text')) as pg.CustomTypesConfig['getTypeParser'],
};

function intParam(url: URL, name: string, min: number, max: number): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new HooklineError('CONFIG_INVALID', `The database URL parameter ${name}=${raw} must be a whole number from ${min} to ${max}.`);
  }
  url.searchParams.delete(name);
  return n;
}

function boolParam(url: URL, name: string): boolean | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  if (raw !== 'true' && raw !== 'false') {
    throw new HooklineError('CONFIG_INVALID', `The database URL parameter ${name}=${raw} must be true or false.`);
  }
  url.searchParams.delete(name);
  return raw === 'true';
}

function parseUrl(databaseUrl: string): URL {
  try {
    return new URL(databaseUrl);
  } catch {
    throw new HooklineError('CONFIG_INVALID', 'HOOKLINE_DATABASE_URL is not a valid postgres:// URL; the form is postgres://user:password@host:5432/database.');
  }
}

/** `?prepared_statements=false` turns named statements off (docs/scaling.md#pointing-hookline-at-postgresql). */
export function preparedStatementsFromUrl(databaseUrl: string): boolean {
  return boolParam(parseUrl(databaseUrl), 'prepared_statements') ?? POOL_DEFAULTS.preparedStatements;
}

/**
 * Turns `postgres://…?pool_max=20&connect_timeout=5` into pg settings. Other URL parameters
 * (sslmode, options, application_name, statement_timeout, …) go to pg unchanged and win over
 * the defaults here.
 */
export function poolConfigFromUrl(databaseUrl: string): pg.PoolConfig {
  const url = parseUrl(databaseUrl);
  // Hookline's own, read by preparedStatementsFromUrl; pg must not see it.
  boolParam(url, 'prepared_statements');
  const max = intParam(url, 'pool_max', 1, 1000) ?? POOL_DEFAULTS.poolMax;
  const connectTimeoutS = intParam(url, 'connect_timeout', 1, 3600);
  // Left in the URL for pg to apply; read here only to derive the client-side bound from it.
  const statementTimeout = Number(url.searchParams.get('statement_timeout') ?? POOL_DEFAULTS.statementTimeoutMs);
  return {
    connectionString: url.toString(),
    max,
    statement_timeout: POOL_DEFAULTS.statementTimeoutMs,
    // 0 or nonsense disables statement_timeout on the server; then the client waits as long.
    ...(Number.isFinite(statementTimeout) && statementTimeout > 0 ? { query_timeout: statementTimeout + POOL_DEFAULTS.queryTimeoutGraceMs } : {}),
    idle_in_transaction_session_timeout: POOL_DEFAULTS.idleInTransactionTimeoutMs,
    connectionTimeoutMillis: connectTimeoutS !== undefined ? connectTimeoutS * 1000 : POOL_DEFAULTS.connectTimeoutMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: POOL_DEFAULTS.keepAliveInitialDelayMs,
    idleTimeoutMillis: POOL_DEFAULTS.idleTimeoutMs,
    application_name: 'hookline',
    types,
  };
}
