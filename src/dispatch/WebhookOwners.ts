import { createHash } from 'node:crypto';

/**
 * Deliveries nobody holds that have been due this long are anyone's to claim, not only their
 * webhook's owner's: an owner that is alive but not claiming them (its memory budget spent, its
 * claim loop stalled) delays them by this much and strands none.
 */
export const UNCLAIMED_FOR_ANYONE_MS = 5_000;

/** Past this many remembered answers the cache starts again, so a directory of many webhooks cannot grow it without bound. */
const CACHE_MAX = 100_000;

/**
 * A webhook's rendezvous key for one process: the process with the highest key among the live
 * ones is the webhook's owner. The PostgreSQL claim computes the same key in SQL
 * (`md5(process || ':' || webhook) || process`, compared byte by byte), so both sides agree on
 * every owner without asking each other.
 */
export function rendezvousKey(processId: string, webhookId: string): string {
  return createHash('md5').update(`${processId}:${webhookId}`).digest('hex') + processId;
}

/**
 * Which webhooks fall to this process among the live processes (docs/delivery.md#across-processes-one-sender-per-webhook),
 * by rendezvous (highest-random-weight) hashing of the webhook id over the process ids. Each
 * process sends for about 1/N of the webhooks, and when one joins or dies only the webhooks it
 * gains or held change hands. Ownership is a preference, not the lock: the sender lease still
 * decides who may send, and the owner is the one process that asks for it.
 *
 * Alone (SQLite, or the only live process) this process owns every webhook, as if none of this
 * existed.
 */
export class WebhookOwners {
  private live: readonly string[];
  private readonly cache = new Map<string, boolean>();

  constructor(private readonly self: string) {
    this.live = [self];
  }

  /** Every live process, this one included, as the claim hashes over them; empty when this one is alone. */
  get peers(): readonly string[] {
    return this.live.length > 1 ? this.live : [];
  }

  /** Sets the live processes (this one counts whatever the list says); true when that changed who owns what. */
  setLive(ids: Iterable<string>): boolean {
    const next = [...new Set([this.self, ...ids])].sort();
    if (next.length === this.live.length && next.every((id, i) => id === this.live[i])) return false;
    this.live = next;
    this.cache.clear();
    return true;
  }

  owns(webhookId: string): boolean {
    if (this.live.length === 1) return true;
    let mine = this.cache.get(webhookId);
    if (mine === undefined) {
      if (this.cache.size >= CACHE_MAX) this.cache.clear();
      mine = this.ownerOf(webhookId) === this.self;
      this.cache.set(webhookId, mine);
    }
    return mine;
  }

  ownerOf(webhookId: string): string {
    let best = '';
    let owner = this.self;
    for (const id of this.live) {
      const key = rendezvousKey(id, webhookId);
      if (key > best) {
        best = key;
        owner = id;
      }
    }
    return owner;
  }
}
