import { newDeliveryRow } from '../deliveryFromRow.js';
import type { PublishItem, PublishResult } from '../Store.js';

/**
 * Results the calling thread can rebuild from its own arguments, so that they need not be
 * copied back across threads. Only `publish` is worth it: a created event comes back exactly as
 * it was sent, with its deliveries in their first state, and at 1 KB an event copying a batch
 * of 1,000 back was the largest message the store thread sent. Duplicates cross whole: the
 * stored event is not the one sent.
 */
type Compact = { created: true } | PublishResult;

export const compactResults: Record<string, { compact(result: unknown): unknown; restore(result: unknown, args: unknown[]): unknown }> = {
  publish: {
    compact: (result) => (result as PublishResult[]).map((r): Compact => (r.created ? { created: true } : r)),
    restore: (result, args) => {
      const items = args[0] as PublishItem[];
      return (result as Compact[]).map((r, i): PublishResult => {
        if ('event' in r) return r;
        const { event, deliveries } = items[i]!;
        return { event: { ...event }, created: true, deliveries: deliveries.map((d) => newDeliveryRow(event, d)) };
      });
    },
  },
};
