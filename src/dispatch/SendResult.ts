import type { SendErrorCode } from './mapSendError.js';

export interface SendResult {
  /** ms epoch. */
  startedAt: number;
  durationMs: number;
  /** Set exactly when `error` is null: a complete (or deliberately cut) HTTP response. */
  statusCode: number | null;
  error: SendErrorCode | null;
  /** The first 4096 bytes of the body as UTF-8, never more than 4096 bytes once encoded. */
  responseBody: string | null;
  retryAfterMs: number | null;
}

/** An attempt that never reached the network (a bad target, a closing sender, a dead thread). */
export function notSent(error: SendErrorCode, startedAt = Date.now()): SendResult {
  return { startedAt, durationMs: 0, statusCode: null, error, responseBody: null, retryAfterMs: null };
}
