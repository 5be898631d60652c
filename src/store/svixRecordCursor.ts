import { HooklineError } from '../errors.js';
import type { SvixRecord } from './Store.js';

/*
 * Cursors of Svix record lists: the last row's time and id, base64url, opaque to callers.
 * Ids may hold characters the other cursors refuse (a caller's eventId), hence JSON inside.
 */

export function encodeSvixRecordCursor(last: Pick<SvixRecord, 'created_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([last.created_at, last.id]), 'utf8').toString('base64url');
}

export function decodeSvixRecordCursor(cursor: string | undefined): { created_at: number; id: string } | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  try {
    const [created_at, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (Number.isSafeInteger(created_at) && typeof id === 'string') return { created_at: created_at as number, id };
  } catch {
    /* refused below */
  }
  throw new HooklineError('INVALID_CURSOR', 'The iterator is not one this API returned; pass `iterator` from the previous page unchanged.');
}
