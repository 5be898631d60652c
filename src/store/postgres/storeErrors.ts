import { HooklineError } from '../../errors.js';
import { asError, storeUnavailable } from '../storeUnavailable.js';

/** Socket-level failures: the server is down, unreachable, or went away mid-conversation. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE']);

/** What pg says, without a code, when a connection ends or cannot be had. */
const POOL_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|not queryable|Client was closed|Query read timeout/i;

/**
 * SQLSTATEs that say "the database cannot do this right now" rather than "this request is
 * wrong": https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
function unavailableSqlState(code: string): boolean {
  return (
    code.startsWith('08') || // connection_exception
    code.startsWith('53') || // insufficient_resources: too many connections, disk full, out of memory
    code.startsWith('57P') || // admin/crash shutdown, cannot_connect_now
    code === '57014' || // query_canceled: statement_timeout
    code === '40001' || // serialization_failure
    code === '40P01' || // deadlock_detected
    code.startsWith('28') || // invalid authorization: a credentials problem, but the store is unusable all the same
    code === '3D000' // invalid_catalog_name: the database in the URL does not exist
  );
}

export function isUnavailable(err: unknown): boolean {
  if (err instanceof AggregateError && err.errors.some(isUnavailable)) return true;
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || unavailableSqlState(code))) return true;
  return POOL_MESSAGES.test(err.message);
}

/** SQLSTATEs worth one more try of the same statement: a concurrent writer got in first. */
export function isRetryableConflict(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === '23505' || code === '40P01' || code === '40001';
}

/**
 * Maps driver errors onto the catalogue so the API answers 503 (and the CLI exits 1 with one
 * line) when PostgreSQL is away; anything else is a bug or a constraint and passes through.
 */
export function toStoreError(err: unknown): Error {
  if (err instanceof HooklineError) return err;
  const message = err instanceof Error ? err.message || (err as { code?: string }).code || err.name : String(err);
  if (isUnavailable(err)) {
    return storeUnavailable(
      `PostgreSQL cannot serve this request right now (${message}); try again, and if it persists check that the server is up and HOOKLINE_DATABASE_URL is right.`,
      err,
    );
  }
  if ((err as { code?: unknown } | null)?.code === '22021') {
    // Text with U+0000 cannot be stored in PostgreSQL at all; SQLite accepts it.
    const out = new HooklineError('BAD_REQUEST', 'Text values cannot contain the NUL character (\\u0000); remove it and send again.');
    out.cause = err;
    return out;
  }
  return asError(err);
}
