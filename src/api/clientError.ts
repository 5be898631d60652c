import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { HooklineError } from '../errors.js';
import { problemDocument } from './problem.js';

/**
 * Requests Node's HTTP parser refuses before any route runs: headers over 16 KiB, a request
 * that does not arrive in time, bytes that are not HTTP/1.1. Fastify's own answer is JSON of
 * another shape; these are problem+json like every other error, so the OpenAPI document can
 * declare 400, 408 and 431 on every operation truthfully. The connection is closed after it.
 */
export function answerClientError(err: NodeJS.ErrnoException, socket: Duplex): void {
  // A reset connection has no one left to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? new HooklineError('HEADERS_TOO_LARGE', 'The request headers are larger than 16 KiB; send fewer or shorter headers (a bearer token is under 100 characters).')
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? new HooklineError('REQUEST_TIMEOUT', 'The request did not arrive completely in time; send it again.')
        : new HooklineError('BAD_REQUEST', 'The request is not valid HTTP/1.1 (a malformed request line or header); check what the client sends.');
  const body = JSON.stringify(problemDocument(error));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status]}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
