import type { EndpointQueue } from './EndpointQueue.js';
import type { FairScheduler } from './FairScheduler.js';
import type { WebhookOwners } from './WebhookOwners.js';

/** How many deliveries one process queues for a single webhook before leaving the rest in the store. */
export const MAX_QUEUED_PER_WEBHOOK = 1000;

/**
 * What one process may hold in memory (`HOOKLINE_MAX_HELD`), asked by the publisher before it
 * leases a fresh delivery here and by the claim loop before each claim. The budget is shared
 * between businesses like the pool of attempts: once it is spent, a business below its share
 * may still hold more, so another business's backlog behind hung endpoints cannot keep it out.
 * The shares add up to the budget, so what is held stays below about twice the budget.
 */
export class HoldBudget {
  constructor(
    private readonly maxHeld: number,
    private readonly held: ReadonlyMap<string, number>,
    private readonly queues: ReadonlyMap<string, EndpointQueue>,
    private readonly fair: FairScheduler,
    private readonly running: () => boolean,
    private readonly owners: WebhookOwners,
  ) {}

  /** Whether the publisher should lease a fresh delivery to this process (or leave it to the claim loop). */
  canHold(webhookId: string, businessId: string): boolean {
    if (!this.running()) return false;
    if (this.held.size >= this.maxHeld && !this.fair.belowShareOf(this.maxHeld, businessId)) return false;
    const q = this.queues.get(webhookId);
    // Another live process owns it: written unleased, and its owner claims it. A webhook this
    // process rescued from an owner that left it unclaimed stays here while it is busy.
    if (!this.owners.owns(webhookId) && !(q?.sender === 'mine' && q.rescued)) return false;
    if (!q) return true;
    // Another process sends for it: written unleased, its sender claims it.
    if (q.gone || (q.sender === 'foreign' && Date.now() < q.senderUntil)) return false;
    return q.queued < MAX_QUEUED_PER_WEBHOOK;
  }

  /**
   * How much the claim may take, and whose deliveries it must leave: within the budget anyone's;
   * past it only those of businesses below their share of it, a newcomer's share at a time (a
   * hung business's backlog stays in the store and cannot crowd the others out of the claim).
   */
  claimRoom(): { limit: number; excludeBusinesses: string[] } {
    const { maxHeld } = this;
    const held = this.held.size;
    if (held < maxHeld) return { limit: maxHeld - held, excludeBusinesses: [] };
    return { limit: Math.ceil(maxHeld / (this.fair.activeBusinesses + 1)), excludeBusinesses: this.fair.atShareOf(maxHeld) };
  }

  /** Webhooks this process cannot queue more of: their deliveries stay in the store. */
  saturated(): string[] {
    const out: string[] = [];
    for (const q of this.queues.values()) if (q.queued >= MAX_QUEUED_PER_WEBHOOK) out.push(q.webhookId);
    return out;
  }
}
