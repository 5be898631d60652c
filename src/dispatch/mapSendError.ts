import { BLOCKED_TARGET_CODE } from './ssrfGuard.js';
import { PROXY_FAILED_CODE } from './egressConnector.js';

/** Why an attempt got no usable HTTP response. Stored in the attempt log; part of the API. */
export type SendErrorCode =
  | 'timeout'
  | 'connection_refused'
  | 'connection_reset'
  | 'dns'
  | 'tls'
  | 'blocked_target'
  | 'invalid_response'
  | 'invalid_request'
  /** The egress proxy could not be reached or refused the tunnel (HOOKLINE_EGRESS_PROXY). */
  | 'proxy'
  /** Endpoint auth could not get credentials: the OAuth2 token endpoint failed (docs/endpoint-auth.md). */
  | 'auth_failed'
  | 'network';

const byCode: Readonly<Record<string, SendErrorCode>> = {
  [BLOCKED_TARGET_CODE]: 'blocked_target',
  [PROXY_FAILED_CODE]: 'proxy',
  ECONNREFUSED: 'connection_refused',
  ECONNRESET: 'connection_reset',
  ECONNABORTED: 'connection_reset',
  EPIPE: 'connection_reset',
  UND_ERR_SOCKET: 'connection_reset', // "other side closed"
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_FAIL: 'dns',
  EAI_NODATA: 'dns',
  EAI_NONAME: 'dns',
  ENODATA: 'dns',
  ETIMEDOUT: 'timeout',
  ERR_SOCKET_CONNECTION_TIMEOUT: 'timeout', // every Happy Eyeballs address timed out
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  EPROTO: 'tls', // OpenSSL protocol failures surface with this errno
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'invalid_response',
  UND_ERR_HEADERS_OVERFLOW: 'invalid_response',
  UND_ERR_INVALID_ARG: 'invalid_request', // e.g. a header value with a newline
  ERR_INVALID_URL: 'invalid_request',
};

// OpenSSL and Node name certificate and handshake failures by family, not one by one.
const tlsPrefixes = ['ERR_TLS_', 'ERR_SSL_', 'ERR_OSSL_', 'CERT_', 'UNABLE_TO_', 'DEPTH_ZERO_', 'SELF_SIGNED_', 'HOSTNAME_MISMATCH'];

/** The attempt error code for whatever undici or the socket failed with. */
export function mapSendError(err: unknown): SendErrorCode {
  const code = findCode(err, 0);
  if (code === undefined) return 'network';
  const mapped = byCode[code];
  if (mapped !== undefined) return mapped;
  if (code.startsWith('HPE_')) return 'invalid_response'; // llhttp parser: not HTTP/1.1
  if (tlsPrefixes.some((p) => code.startsWith(p))) return 'tls';
  return 'network';
}

// Happy Eyeballs reports an AggregateError of per-address failures, and some wrappers keep the
// socket error as `cause`; the innermost code is the informative one.
function findCode(err: unknown, depth: number): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 3) return undefined;
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string') return e.code;
  // undici 7 leaves `code` undefined on some parser errors (it looks the name up in a table keyed the other way).
  if (e.name === 'HTTPParserError') return 'HPE_UNKNOWN';
  if (Array.isArray(e.errors) && e.errors.length > 0) return findCode(e.errors[0], depth + 1);
  return findCode(e.cause, depth + 1);
}
