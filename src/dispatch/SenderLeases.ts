import type { Store, WebhookRow } from '../store/Store.js';
import type { EndpointQueue } from './EndpointQueue.js';
import type { WebhookOwners } from './WebhookOwners.js';

/**
 * An attempt must end before the sender lease it started under runs out, or the next sender
 * could overlap it: it starts only while the lease has its timeout plus this much left.
 */
const SAFETY_MARGIN_MS = 1000;
/** After failing to become a webhook's sender, ask again no sooner than this. */
const FOREIGN_RECHECK_MS = 1000;
/**
 * A sender lease lasts at least this long, and is renewed every SENDER_RENEW_MS while the
 * webhook has work: so when a process dies, its webhooks wait this long at most for another.
 */
export const SENDER_LEASE_MIN_MS = 30_000;
export const SENDER_RENEW_MS = 5_000;

/**
 * One sender per webhook across processes (docs/delivery.md#flow-control). A process sends
 * for a webhook only while it holds the webhook's sender lease (a row in `webhook_senders`),
 * so the webhook's rate limit, `max_in_flight`, circuit and fifo order are enforced in one
 * place, by the in-memory machinery that a single process already has. Leases are taken in
 * batches the first time a webhook has work, renewed while it has some, and given back once it
 * goes idle: one statement per batch of webhooks per lease period, none per delivery.
 *
 * Only the webhook's owner among the live processes (`WebhookOwners`) asks for its lease, so the
 * leases spread over the processes instead of gathering on whichever took them first. A process
 * that holds a lease for a webhook it no longer owns (another process joined) hands it over
 * once its attempts in flight have ended: the lease is deleted and what it queued goes back to
 * the store, due, for the new owner to claim. One it was handed by the claim because the owner
 * left it waiting (`rescued`) it keeps while the webhook is busy.
 *
 * Stores that serve one process (SQLite) need none of this: every queue starts as 'mine'.
 */
export class SenderLeases {
  private wanted = new Set<EndpointQueue>();
  /** Queues whose lease is being handed over: one hand-over each at a time. */
  private handing = new Set<EndpointQueue>();
  private scheduled = false;
  private ticking = false;

  constructor(
    private readonly store: Store,
    private readonly owner: string,
    private readonly owners: WebhookOwners,
    /** Called for queues whose sender state changed, so the dispatcher can act on it. */
    private readonly changed: (queues: EndpointQueue[]) => void,
    private readonly onError: (err: Error) => void,
  ) {}

  get active(): boolean {
    return this.store.capabilities.multiProcess;
  }

  /** How long a lease on this webhook lasts: renewed every few seconds, it always has room for the webhook's longest attempt. */
  leaseFor(w: WebhookRow): number {
    return Math.max(SENDER_LEASE_MIN_MS, 3 * (w.timeout_ms + SAFETY_MARGIN_MS));
  }

  /**
   * Whether an attempt to `w` may start now. When not, a lease is asked for (batched) or the
   * queue is known to belong to another process until `senderUntil`.
   */
  allows(q: EndpointQueue, w: WebhookRow, now: number): boolean {
    const mayHold = this.mayHold(q);
    if (q.sender === 'mine') {
      if (mayHold && now + w.timeout_ms + SAFETY_MARGIN_MS <= q.senderUntil) return true;
      if (!mayHold) {
        void this.handOver(q);
        return false;
      }
    }
    if (q.sender === 'foreign' && now < q.senderUntil) return false;
    if (!mayHold) {
      // Its owner asks for the lease; looked at again in a second, in case the owners change.
      q.senderIsForeign(now + FOREIGN_RECHECK_MS);
      return false;
    }
    this.request(q);
    return false;
  }

  /** Whether this process should be the webhook's sender: it owns it among the live processes, or rescued it. */
  private mayHold(q: EndpointQueue): boolean {
    return q.rescued || this.owners.owns(q.webhookId);
  }

  /**
   * Gives the lease of a webhook this process no longer owns to whoever does, once no attempt of
   * it is open (the next sender must not overlap one). Whatever is queued follows it back to the
   * store when the queue is next looked at (the sender is then 'foreign').
   */
  private async handOver(q: EndpointQueue): Promise<void> {
    if (q.inFlight > 0 || q.laneRunning || this.handing.has(q)) return;
    this.handing.add(q);
    try {
      await this.release([q]);
    } finally {
      this.handing.delete(q);
    }
    this.changed([q]);
  }

  /** The live processes changed: leases of webhooks that went to another process are handed over. */
  rebalance(queues: Iterable<EndpointQueue>): void {
    if (!this.active) return;
    for (const q of queues) if (q.sender === 'mine' && !this.mayHold(q)) void this.handOver(q);
  }

  private request(q: EndpointQueue): void {
    this.wanted.add(q);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => void this.acquire());
  }

  private async acquire(): Promise<void> {
    this.scheduled = false;
    const queues = [...this.wanted].filter((q) => q.webhook);
    this.wanted.clear();
    if (queues.length === 0) return;
    await this.take(queues);
  }

  /** Renews the leases of busy webhooks and gives back those of idle ones. */
  async tick(queues: Iterable<EndpointQueue>, idleSince: number): Promise<void> {
    // A slow store must not pile ticks on top of each other.
    if (!this.active || this.ticking) return;
    this.ticking = true;
    try {
      await this.renewOrRelease(queues, idleSince);
    } finally {
      this.ticking = false;
    }
  }

  private async renewOrRelease(queues: Iterable<EndpointQueue>, idleSince: number): Promise<void> {
    const renew: EndpointQueue[] = [];
    const release: EndpointQueue[] = [];
    for (const q of queues) {
      if (q.sender !== 'mine' || !q.webhook) continue;
      if (!this.mayHold(q) && q.inFlight === 0 && !q.laneRunning) {
        void this.handOver(q);
        continue;
      }
      const busy = q.queued > 0 || q.inFlight > 0 || q.laneRunning || q.activeAt >= idleSince || q.health.state === 'unhealthy';
      (busy ? renew : release).push(q);
    }
    if (renew.length > 0) await this.take(renew);
    if (release.length > 0) await this.release(release);
  }

  /** Gives back every lease this process holds (shutdown). */
  async releaseAll(queues: Iterable<EndpointQueue>): Promise<void> {
    if (!this.active) return;
    await this.release([...queues].filter((q) => q.sender === 'mine'));
  }

  private async take(queues: EndpointQueue[]): Promise<void> {
    const now = Date.now();
    // One lease length per statement; webhooks with a long timeout get a longer one.
    const byLength = new Map<number, EndpointQueue[]>();
    for (const q of queues) {
      const ms = this.leaseFor(q.webhook!);
      byLength.set(ms, [...(byLength.get(ms) ?? []), q]);
    }
    const changed: EndpointQueue[] = [];
    for (const [ms, group] of byLength) {
      try {
        const leases = await this.store.acquireSenders(this.owner, group.map((q) => q.webhookId), now, now + ms);
        const byId = new Map(leases.map((l) => [l.webhook_id, l]));
        for (const q of group) {
          const lease = byId.get(q.webhookId);
          const before = q.sender;
          if (lease && lease.owner === this.owner) {
            q.senderIsMine(lease.lease_until);
            // Another process may have changed its health while it was the sender.
            if (before !== 'mine') q.settingsStale();
          } else {
            q.senderIsForeign(Math.max(lease?.lease_until ?? 0, now + FOREIGN_RECHECK_MS));
          }
          if (q.sender !== before || q.sender === 'mine') changed.push(q);
        }
      } catch (err) {
        // Keep what we had: an unrenewed lease simply runs out and `allows` stops attempts in
        // time. Look again in a second, when the store may be back.
        this.onError(err as Error);
        setTimeout(() => this.changed(group), FOREIGN_RECHECK_MS).unref();
      }
    }
    if (changed.length > 0) this.changed(changed);
  }

  private async release(queues: EndpointQueue[]): Promise<void> {
    if (queues.length === 0) return;
    for (const q of queues) q.senderUnknown();
    try {
      await this.store.releaseSenders(this.owner, queues.map((q) => q.webhookId));
    } catch (err) {
      // Not given back: it expires on its own.
      this.onError(err as Error);
    }
  }
}
