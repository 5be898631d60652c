import type { Store, WebhookRow } from './Store.js';

/** Rows a page: large enough that a pass over 300,000 webhooks is a few hundred reads, small enough to hold briefly. */
export const WEBHOOK_PAGE_SIZE = 1000;

/**
 * Every webhook of every business, a page at a time in id order. Passes over all webhooks
 * (the secrets check at start, listeners left from before, certificate expiry) read this way:
 * one query a business took seconds at 100,000 businesses (issue 19).
 */
export async function* webhookPages(store: Pick<Store, 'webhooksAfter'>, size = WEBHOOK_PAGE_SIZE): AsyncGenerator<WebhookRow[]> {
  let after = '';
  for (;;) {
    const page = await store.webhooksAfter(after, size);
    if (page.length > 0) yield page;
    if (page.length < size) return;
    after = page[page.length - 1]!.id;
  }
}
