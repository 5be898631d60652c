import type { Dispatcher } from 'undici';
import { type DeadlineTicker, TimedEntry } from './DeadlineTicker.js';
import { mapSendError, type SendErrorCode } from './mapSendError.js';
import type { SendResult } from './SendResult.js';
import { parseRetryAfter } from './retryPolicy.js';

/** Response bytes kept for the attempt log (DESIGN: response bodies are kept up to 4 KiB). */
export const MAX_RESPONSE_BODY_BYTES = 4096;

/**
 * Past the kept 4 KiB, a response whose declared length is at most this is still read (and
 * discarded) to its end, so its keep-alive connection can be reused: an error page of a few
 * KiB is common, and reading it is cheaper than a new TCP and TLS handshake. Anything larger,
 * or a chunked body that runs past it, is cut off by closing the connection.
 */
export const DRAIN_LIMIT_BYTES = 64 * 1024;


// Thrown into undici only to stop a request; never reaches a SendResult.
const deadlinePassed = Object.assign(new Error('attempt deadline passed'), { code: 'HOOKLINE_DEADLINE' });
const enoughBody = Object.assign(new Error('response body limit reached'), { code: 'HOOKLINE_BODY_LIMIT' });

/**
 * One attempt as an undici dispatch handler. Using `dispatch` directly, rather than
 * `request()` with its body stream, lets the handler count bytes as they arrive and hang up
 * at the limit without a stream, a promise per chunk, or a buffer of the whole body.
 */
export class ResponseReader extends TimedEntry implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  private statusCode = 0;
  private retryAfterMs: number | null = null;
  private parts: Buffer[] = [];
  private kept = 0;
  private seen = 0;
  private readLimit = DRAIN_LIMIT_BYTES;

  constructor(
    private readonly resolve: (result: SendResult) => void,
    private readonly ticker: DeadlineTicker,
    private readonly startedAt: number,
    private readonly t0: number,
  ) {
    super();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // The deadline passed while the request waited for a connection: never send it.
    if (this.settled) return controller.abort(deadlinePassed);
    this.controller = controller;
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (statusCode < 200) return; // informational; the final response follows
    this.statusCode = statusCode;
    const retryAfter = headers['retry-after'];
    if (retryAfter !== undefined) this.retryAfterMs = parseRetryAfter(retryAfter, Date.now());
    // Without a content-length (chunked) the limit stays at DRAIN_LIMIT_BYTES.
    const declared = Number(headers['content-length']);
    if (declared <= DRAIN_LIMIT_BYTES) this.readLimit = Infinity; // ends by its own length
    else if (declared > DRAIN_LIMIT_BYTES) this.readLimit = MAX_RESPONSE_BODY_BYTES;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
    if (this.kept < MAX_RESPONSE_BODY_BYTES) {
      const take = Math.min(chunk.length, MAX_RESPONSE_BODY_BYTES - this.kept);
      this.parts.push(take === chunk.length ? chunk : chunk.subarray(0, take));
      this.kept += take;
    }
    const before = this.seen;
    this.seen += chunk.length;
    if (this.seen > this.readLimit) {
      this.succeed();
      controller.abort(enoughBody);
    } else if (before <= MAX_RESPONSE_BODY_BYTES && this.seen > MAX_RESPONSE_BODY_BYTES) {
      // Draining: copy the kept bytes out so the socket's larger read buffers are not pinned.
      this.parts = [Buffer.concat(this.parts, this.kept)];
    }
  }

  onResponseEnd(): void {
    if (!this.settled) this.succeed();
  }

  onResponseError(_c: Dispatcher.DispatchController | undefined, err: Error): void {
    if (!this.settled) this.fail(mapSendError(err));
  }

  /** Called by the ticker once the deadline has passed. */
  override expire(): void {
    if (this.settled) return;
    this.fail('timeout');
    this.controller?.abort(deadlinePassed);
  }

  private succeed(): void {
    this.finish(this.statusCode === 0 ? null : this.statusCode, null, decodeBounded(this.parts, this.kept));
  }

  private fail(error: SendErrorCode): void {
    this.finish(null, error, null);
  }

  private finish(statusCode: number | null, error: SendErrorCode | null, responseBody: string | null): void {
    if (this.settled) return;
    this.settled = true;
    this.parts = [];
    this.ticker.delete(this);
    this.resolve({
      startedAt: this.startedAt,
      durationMs: Math.round(performance.now() - this.t0),
      statusCode,
      // A body that ended without a final status line cannot be reported as a response.
      error: statusCode === null && error === null ? 'invalid_response' : error,
      responseBody,
      retryAfterMs: error === null ? this.retryAfterMs : null,
    });
  }
}

/**
 * Decodes the kept bytes without a character split by the 4 KiB cut. Invalid bytes decode to
 * U+FFFD (3 bytes each), so the text can be longer than its source; it is trimmed again so
 * that what the store keeps is really bounded.
 */
export function decodeBounded(parts: Buffer[], length: number): string {
  if (length === 0) return '';
  const bytes = parts.length === 1 ? parts[0]! : Buffer.concat(parts, length);
  let text = bytes.toString('utf8', 0, completeUtf8Length(bytes, length));
  if (text.length * 3 > MAX_RESPONSE_BODY_BYTES && Buffer.byteLength(text) > MAX_RESPONSE_BODY_BYTES) {
    const encoded = Buffer.from(text);
    text = encoded.toString('utf8', 0, completeUtf8Length(encoded, MAX_RESPONSE_BODY_BYTES));
  }
  return text;
}

/** `length`, less a trailing UTF-8 sequence that starts before it but would end after it. */
function completeUtf8Length(bytes: Buffer, length: number): number {
  let i = length - 1;
  while (i >= 0 && i > length - 4 && ((bytes[i] ?? 0) & 0xc0) === 0x80) i--;
  if (i < 0) return length;
  const lead = bytes[i] ?? 0;
  const size = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return i + size > length ? i : length;
}
