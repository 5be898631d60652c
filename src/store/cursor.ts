import { HooklineError } from '../errors.js';

/**
 * Cursors are opaque to callers: the id of the last row of the previous page, base64url
 * encoded so nobody builds them by hand and we may change what is inside.
 */
export function encodeCursor(lastId: string): string {
  return Buffer.from(lastId, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_]{1,80}$/.test(id)) {
    throw new HooklineError('INVALID_CURSOR', 'The cursor is not one this API returned; pass next_cursor from the previous page unchanged.');
  }
  return id;
}
