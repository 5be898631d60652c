/** Which check a request failed. Stable: receivers may branch on it. */
export type VerifyErrorCode =
  /** A header the dialect always sends is absent. */
  | 'missing_header'
  /** A signature or timestamp header is present but not in the dialect's format. */
  | 'malformed_header'
  /** No signature matched any of the secrets: wrong secret, or the body was altered (or re-serialised). */
  | 'bad_signature'
  /** The signed timestamp is older than the tolerance: a replay, or a clock far behind. */
  | 'timestamp_too_old'
  /** The signed timestamp is further ahead than the tolerance: a clock far ahead. */
  | 'timestamp_too_new'
  /** This event was accepted before (same id or payload key) within the de-duplication window. */
  | 'duplicate'
  /** The body is not the JSON the dialect sends, or lacks a field the check needs. */
  | 'invalid_body'
  /** The verifier was given no secret, or an unknown dialect. */
  | 'bad_configuration';

export class VerifyError extends Error {
  readonly code: VerifyErrorCode;

  constructor(code: VerifyErrorCode, message: string) {
    super(message);
    this.name = 'VerifyError';
    this.code = code;
  }
}

/** The HTTP answer a receiver should give for a failed check (used by the framework adapters). */
export function rejection(err: VerifyError): { status: number; body: { error: VerifyErrorCode; message: string } } {
  // A duplicate was handled already: acknowledge it so the sender stops retrying.
  const status = err.code === 'duplicate' ? 200 : err.code === 'invalid_body' ? 400 : err.code === 'bad_configuration' ? 500 : 401;
  return { status, body: { error: err.code, message: err.message } };
}
