import type { Page } from './Store.js';
import { encodeCursor } from './cursor.js';

/*
 * Keyset paging, as both stores do it for every list: ask the database for one row more than
 * the page holds; that row's presence, not a count, says there is a next page, and the page's
 * last id is where the next one starts.
 */

/** How many rows to ask the database for to fill a page of `limit`. */
export const rowsForPage = (limit: number): number => limit + 1;

/** `rows` (at most `rowsForPage(limit)` of them, in page order) as a page and the cursor to the next. */
export function pageOf<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  if (rows.length <= limit) return { data: rows, next_cursor: null };
  const data = rows.slice(0, limit);
  return { data, next_cursor: encodeCursor(data[data.length - 1]!.id) };
}
