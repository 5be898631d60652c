import type { DispatchItem, WebhookRow } from '../store/Store.js';

/**
 * The deliveries one process holds for one webhook, and how many of them are in flight.
 * Each webhook has its own queue so that a slow endpoint fills only its own `max_in_flight`
 * slots and never the ones other endpoints use.
 */
export class EndpointQueue {
  private items: DispatchItem[] = [];
  private head = 0;
  inFlight = 0;
  /** When `webhook` was read from the store. */
  loadedAt = 0;
  /** True while this queue sits in the dispatcher's ready ring. */
  inRing = false;

  constructor(
    readonly webhookId: string,
    public webhook: WebhookRow | null,
  ) {}

  get queued(): number {
    return this.items.length - this.head;
  }

  get maxInFlight(): number {
    return Math.max(1, this.webhook?.max_in_flight ?? 1);
  }

  /** Ready means: something to send and a free slot to send it in. */
  get ready(): boolean {
    return this.queued > 0 && this.inFlight < this.maxInFlight;
  }

  push(item: DispatchItem): void {
    this.items.push(item);
  }

  shift(): DispatchItem | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as DispatchItem;
    // Compact now and then instead of Array#shift, which is O(n) per call.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Empties the queue (on shutdown or when the webhook goes away) and returns what it held. */
  drain(): DispatchItem[] {
    const rest = this.items.slice(this.head);
    this.items = [];
    this.head = 0;
    return rest;
  }
}
