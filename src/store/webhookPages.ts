import type { Store, WebhookRow } from './Store.js';

/** Rows a page: large enough that a pass over 300,000 webhooks is a few hundred reads, small enough to hold briefly. */
export const WEBHOOK_PAGE_SIZE = 1000;

/**
 * Every webhook of every business, a page at a time in id order. Passes over all webhooks
 * (the secrets check at start, listeners left from before, certificate expiry) read this way:
 * one query a business took seconds at 100,000 businesses (issue 19).
 */
export function webhookPages(store: Pick<Store, 'webhooksAfter'>, size = WEBHOOK_PAGE_SIZE): AsyncGenerator<WebhookRow[]> {
  return pagesById((after, limit) => store.webhooksAfter(after, limit), size);
}

/** Pages of rows read by `read(afterId, limit)` in id order, until one comes back short. */
export async function* pagesById<T extends { id: string }>(read: (afterId: string, limit: number) => Promise<T[]>, size = WEBHOOK_PAGE_SIZE): AsyncGenerator<T[]> {
  let after = '';
  for (;;) {
    const page = await read(after, size);
    if (page.length > 0) yield page;
    if (page.length < size) return;
    after = page[page.length - 1]!.id;
  }
}
