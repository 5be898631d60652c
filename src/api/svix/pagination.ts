import { Type, type Static } from '@sinclair/typebox';
import { HooklineError } from '../../errors.js';

/** Svix's page size: 50 unless asked, at most 250. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 250;

export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, description: `At most ${MAX_LIMIT}; default ${DEFAULT_LIMIT}.` })),
  iterator: Type.Optional(Type.String({ maxLength: 400, description: 'The `iterator` of the previous page, unchanged.' })),
});
export type ListQuery = Static<typeof ListQuery>;

export interface SvixPage<T> {
  data: T[];
  iterator: string | null;
  prevIterator: string | null;
  done: boolean;
}

/** Svix's page from Hookline's cursor page: `done` when there is no next cursor. */
export function svixPage<T>(data: T[], nextCursor: string | null): SvixPage<T> {
  return { data, iterator: nextCursor, prevIterator: null, done: nextCursor === null };
}

/**
 * A page of an in-memory list sorted by `key`: the iterator is the last key given, base64url,
 * so nobody builds one by hand.
 */
export function pageOf<T>(items: readonly T[], key: (item: T) => string, query: ListQuery): SvixPage<T> {
  const limit = query.limit ?? DEFAULT_LIMIT;
  const after = decodeIterator(query.iterator);
  const rest = after === undefined ? items : items.filter((i) => key(i) > after);
  const data = rest.slice(0, limit);
  const more = rest.length > limit;
  return svixPage(data, more ? Buffer.from(key(data[data.length - 1]!), 'utf8').toString('base64url') : null);
}

function decodeIterator(iterator: string | undefined): string | undefined {
  if (iterator === undefined || iterator === '') return undefined;
  const key = Buffer.from(iterator, 'base64url').toString('utf8');
  if (key === '' || /[\0-\x1f]/.test(key)) {
    throw new HooklineError('INVALID_CURSOR', 'The iterator is not one this API returned; pass `iterator` from the previous page unchanged.');
  }
  return key;
}
