/**
 * Request bodies cross to the sending thread as bytes in one transferred buffer per message
 * rather than as strings copied into the thread's heap. A body is the largest part of an
 * attempt (about 1 KB and more), and as a string it was copied by the message, then lived on the
 * sending thread's young generation until its attempt ended, then was encoded into the socket's
 * buffer: as bytes it is encoded once here, never enters that heap, and the socket takes the view
 * as it is (docs/architecture.md#threads).
 */

/** Where one body lies in its message's buffer. */
export type BodySpan = [offset: number, length: number];

/**
 * Writes every string body into one buffer of its own, so that it can be transferred, not
 * copied. Anything else (a caller's bad input) gets no span and crosses as it is, for the
 * sender to refuse as it refuses it on the main thread.
 */
export function packBodies(bodies: readonly unknown[]): { buffer: ArrayBuffer; spans: (BodySpan | null)[] } {
  // The exact size, not an upper bound: the buffer lives until the message's last attempt ends.
  let size = 0;
  for (const b of bodies) if (typeof b === 'string') size += Buffer.byteLength(b);
  const bytes = Buffer.allocUnsafeSlow(size);
  const spans: (BodySpan | null)[] = [];
  let offset = 0;
  for (const b of bodies) {
    if (typeof b !== 'string') {
      spans.push(null);
      continue;
    }
    const length = bytes.write(b, offset);
    spans.push([offset, length]);
    offset += length;
  }
  return { buffer: bytes.buffer as ArrayBuffer, spans };
}

/** The body at `span`: a view of the transferred buffer, not a copy. */
export function bodyAt(buffer: ArrayBuffer, [offset, length]: BodySpan): Uint8Array {
  return Buffer.from(buffer, offset, length);
}
