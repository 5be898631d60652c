import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Config } from '../config.js';
import type { HooklineEvents } from '../events.js';
import type { AttemptOutcome, DispatchItem, Store, WebhookRow } from '../store/Store.js';
import { newWorkerId } from '../ids.js';
import { EndpointQueue } from './EndpointQueue.js';
import { HealthTracker } from './HealthTracker.js';
import { OutcomeRecorder } from './OutcomeRecorder.js';
import { attemptDelivery } from './attemptDelivery.js';
import type { Sender } from './sendAttempt.js';

/** How many deliveries one process queues for a single webhook before leaving the rest in the store. */
export const MAX_QUEUED_PER_WEBHOOK = 1000;
/** How long a cached webhook row is trusted before it is read again (other processes may change it). */
const WEBHOOK_TTL_MS = 2000;

export interface DispatcherDeps {
  store: Store;
  config: Config;
  sender: Sender;
  events: HooklineEvents;
}

/**
 * Sends deliveries. Fresh ones arrive from the publisher right after their transaction commits
 * (already leased to this process) and go out at once; the claim loop picks up everything else
 * that is due: retries, deliveries another process gave back, and leases that ran out because
 * their process died. One queue per webhook bounds what a slow endpoint can occupy.
 */
export class Dispatcher {
  readonly workerId = newWorkerId();
  private readonly queues = new Map<string, EndpointQueue>();
  private ring: EndpointQueue[] = [];
  private inFlight = 0;
  /** Every delivery this process holds a lease on, with when it was taken. */
  private readonly held = new Map<string, number>();
  private readonly recorder: OutcomeRecorder;
  private readonly health: HealthTracker;
  private running = false;
  private loop: Promise<void> | null = null;
  private wakeSleeper: (() => void) | null = null;
  private renewTimer: NodeJS.Timeout | null = null;
  private idleWaiters: (() => void)[] = [];
  private stopped: Promise<void> | null = null;

  constructor(private readonly deps: DispatcherDeps) {
    this.recorder = new OutcomeRecorder(
      deps.store,
      (batch) => this.written(batch),
      (err) => deps.events.emit('dispatcher:error', err),
    );
    this.health = new HealthTracker(deps.store, deps.events);
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.loop = this.claimLoop();
    const every = Math.max(500, Math.floor(this.deps.config.leaseMs / 3));
    this.renewTimer = setInterval(() => void this.renewOldLeases(every), every);
    this.renewTimer.unref();
  }

  /** Whether the publisher should lease a fresh delivery to this process (or leave it to the claim loop). */
  canHold(webhookId: string): boolean {
    if (!this.running || this.held.size >= this.deps.config.maxHeld) return false;
    return (this.queues.get(webhookId)?.queued ?? 0) < MAX_QUEUED_PER_WEBHOOK;
  }

  /** Fresh deliveries leased to this process by the publisher. */
  accept(items: { item: DispatchItem; webhook: WebhookRow }[]): void {
    const now = Date.now();
    for (const { item, webhook } of items) this.enqueue(item, webhook, now);
    this.pump();
  }

  /** Look for due deliveries now rather than at the next poll (a retry or replay was asked for). */
  wake(): void {
    this.wakeSleeper?.();
  }

  /** Forget a cached webhook so that the next attempt reads its new settings. */
  invalidate(webhookId: string): void {
    const q = this.queues.get(webhookId);
    if (q) q.webhook = null;
  }

  stats(): { held: number; inFlight: number; queuedWebhooks: number } {
    return { held: this.held.size, inFlight: this.inFlight, queuedWebhooks: this.ring.length };
  }

  private queueFor(webhookId: string): EndpointQueue {
    let q = this.queues.get(webhookId);
    if (!q) {
      q = new EndpointQueue(webhookId, null);
      this.queues.set(webhookId, q);
    }
    return q;
  }

  private enqueue(item: DispatchItem, webhook: WebhookRow | null, now: number): void {
    const q = this.queueFor(item.delivery.webhook_id);
    if (!q.webhook && webhook) {
      q.webhook = webhook;
      q.loadedAt = now;
    }
    q.push(item);
    this.held.set(item.delivery.id, now);
    this.toRing(q);
  }

  private toRing(q: EndpointQueue): void {
    if (!q.inRing && q.ready) {
      q.inRing = true;
      this.ring.push(q);
    }
  }

  /** Starts attempts, round-robin across webhooks, while global slots are free. */
  private pump(): void {
    while (this.inFlight < this.deps.config.maxInFlight && this.ring.length > 0) {
      const q = this.ring.shift()!;
      q.inRing = false;
      if (!q.ready) continue;
      const item = q.shift()!;
      this.toRing(q);
      void this.run(q, item);
    }
  }

  private async run(q: EndpointQueue, item: DispatchItem): Promise<void> {
    this.inFlight++;
    q.inFlight++;
    try {
      const webhook = await this.currentWebhook(q);
      const owner = this.workerId;
      if (!webhook) {
        await this.deps.store.failDeliveries(owner, [item.delivery.id], Date.now());
        this.held.delete(item.delivery.id);
      } else if (!webhook.enabled) {
        await this.deps.store.parkDeliveries(owner, [item.delivery.id]);
        this.held.delete(item.delivery.id);
      } else {
        const outcome = await attemptDelivery(item, webhook, this.deps.sender, owner);
        this.recorder.add(outcome.outcome);
        this.health.observe(webhook, outcome.ok, outcome.outcome.attempt.status_code, outcome.outcome.attempt.error, Date.now());
        this.deps.events.emit(outcome.ok ? 'delivery:attempt:succeeded' : 'delivery:attempt:failed', {
          business_id: item.delivery.business_id,
          webhook_id: item.delivery.webhook_id,
          delivery_id: item.delivery.id,
          event_type: item.delivery.event_type,
          status_code: outcome.outcome.attempt.status_code,
          error: outcome.outcome.attempt.error,
          duration_ms: outcome.outcome.attempt.duration_ms,
          status: outcome.outcome.status,
        });
      }
    } catch (err) {
      this.deps.events.emit('dispatcher:error', err as Error);
    } finally {
      this.inFlight--;
      q.inFlight--;
      this.toRing(q);
      if (this.running) this.pump();
      if (this.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
    }
  }

  private async currentWebhook(q: EndpointQueue): Promise<WebhookRow | null> {
    const now = Date.now();
    if (!q.webhook || now - q.loadedAt > WEBHOOK_TTL_MS) {
      q.webhook = await this.deps.store.getWebhookById(q.webhookId);
      q.loadedAt = now;
    }
    return q.webhook;
  }

  private written(batch: AttemptOutcome[]): void {
    for (const o of batch) this.held.delete(o.attempt.delivery_id);
  }

  private saturatedWebhooks(): string[] {
    const out: string[] = [];
    for (const q of this.queues.values()) if (q.queued >= MAX_QUEUED_PER_WEBHOOK) out.push(q.webhookId);
    return out;
  }

  private async claimLoop(): Promise<void> {
    const { store, config } = this.deps;
    while (this.running) {
      let full = false;
      try {
        const room = config.maxHeld - this.held.size;
        if (room > 0) {
          const limit = Math.min(config.claimBatch, room);
          const now = Date.now();
          const items = await store.claimDue({
            owner: this.workerId,
            now,
            leaseUntil: now + config.leaseMs,
            limit,
            excludeWebhooks: this.saturatedWebhooks(),
          });
          const at = Date.now();
          for (const item of items) this.enqueue(item, null, at);
          this.pump();
          full = items.length === limit;
        }
      } catch (err) {
        this.deps.events.emit('dispatcher:error', err as Error);
      }
      if (full) await nextTurn();
      else await this.sleep(config.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done(): void {
        clearTimeout(t);
        resolve();
      }
      this.wakeSleeper = () => {
        this.wakeSleeper = null;
        done();
      };
    });
  }

  /** Deliveries held longer than a third of the lease get it extended, so no other process takes them. */
  private async renewOldLeases(olderThanMs: number): Promise<void> {
    const cutoff = Date.now() - olderThanMs;
    const ids: string[] = [];
    for (const [id, since] of this.held) if (since < cutoff) ids.push(id);
    if (ids.length === 0) return;
    const until = Date.now() + this.deps.config.leaseMs;
    try {
      for (let i = 0; i < ids.length; i += 500) {
        await this.deps.store.renewLeases(this.workerId, ids.slice(i, i + 500), until);
        await nextTurn();
      }
      const now = Date.now();
      for (const id of ids) if (this.held.has(id)) this.held.set(id, now);
    } catch (err) {
      this.deps.events.emit('dispatcher:error', err as Error);
    }
  }

  private idle(): Promise<void> {
    return this.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  /**
   * Stops claiming, gives queued deliveries back to the store, lets attempts in flight finish
   * within the grace period, and writes their outcomes. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const { store, config } = this.deps;
      this.running = false;
      this.wake();
      if (this.renewTimer) clearInterval(this.renewTimer);
      await this.loop;
      const queued: string[] = [];
      for (const q of this.queues.values()) for (const it of q.drain()) queued.push(it.delivery.id);
      this.ring = [];
      if (queued.length > 0) {
        await store.releaseLeases(this.workerId, queued, Date.now());
        for (const id of queued) this.held.delete(id);
      }
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([this.idle(), new Promise<void>((r) => (grace = setTimeout(r, config.shutdownGraceMs)))]);
      clearTimeout(grace);
      // Past the grace period, attempts still open are cut; their deliveries are retried later.
      await (this.inFlight > 0 ? this.deps.sender.destroy() : this.deps.sender.close());
      await this.idle();
      await this.recorder.flush();
      await this.health.flush();
      const left = [...this.held.keys()];
      if (left.length > 0) await store.releaseLeases(this.workerId, left, Date.now());
      this.held.clear();
    })();
    return this.stopped;
  }
}
