import type { Config } from '../config.js';
import type { HooklineEvents } from '../events.js';
import type { AttemptOutcome, DispatchItem, Store, WebhookRow } from '../store/Store.js';
import { newWorkerId } from '../ids.js';
import { ResultFanOut } from './ResultFanOut.js';
import { CircuitProbes, type ProbeHost } from './CircuitProbes.js';
import { ClaimLoop, type ClaimHost } from './ClaimLoop.js';
import { EndpointQueue } from './EndpointQueue.js';
import { FairScheduler } from './FairScheduler.js';
import type { HealthPolicy, HealthTransition } from './EndpointHealth.js';
import { FifoLane, type LaneHost } from './FifoLane.js';
import { HealthTracker } from './HealthTracker.js';
import { HeldWrites } from './HeldWrites.js';
import { OutcomeRecorder } from './OutcomeRecorder.js';
import { SENDER_RENEW_MS, SenderLeases } from './SenderLeases.js';
import { renderAndSend } from './renderAndSend.js';
import type { Sender } from './httpSender.js';
import { timerDelay } from './timerDelay.js';

/** How many deliveries one process queues for a single webhook before leaving the rest in the store. */
export const MAX_QUEUED_PER_WEBHOOK = 1000;
/** How long a cached webhook row is trusted before it is read again (other processes may change it). */
const WEBHOOK_TTL_MS = 2000;
/** How often a process looks for open circuits it does not know of (after a restart, or another process's). */
const CIRCUIT_SWEEP_MS = 30_000;
/** An idle, healthy webhook's queue is forgotten after this long; its state is in the store. */
const QUEUE_IDLE_MS = 60_000;

export interface DispatcherDeps {
  store: Store;
  config: Config;
  sender: Sender;
  events: HooklineEvents;
}

type Readiness = { ok: true; probe: boolean } | { ok: false };
const NOT_NOW: Readiness = { ok: false };

/**
 * Sends deliveries. Fresh ones arrive from the publisher right after their transaction commits
 * (already leased to this process) and go out at once; the claim loop picks up everything else
 * that is due: retries, deliveries another process gave back, and leases that ran out because
 * their process died. Each webhook has its own queue, and its flow control (`ready`) decides
 * when the next attempt may start: docs/delivery.md#flow-control. Which queue goes next, across
 * businesses and their webhooks, is the fair scheduler's call: docs/delivery.md#sharing-between-businesses.
 */
export class Dispatcher implements LaneHost, ClaimHost, ProbeHost {
  readonly workerId = newWorkerId();
  readonly store: Store;
  readonly leaseMs: number;
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly fair: FairScheduler;
  /** Every delivery this process holds a lease on, with when it was taken. */
  readonly held = new Map<string, number>();
  private readonly recorder: OutcomeRecorder;
  private readonly health: HealthTracker;
  private readonly results: ResultFanOut;
  private readonly writes: HeldWrites;
  private readonly senders: SenderLeases;
  private readonly lane = new FifoLane(this);
  private readonly probes = new CircuitProbes(this);
  private readonly claims: ClaimLoop;
  private readonly policy: HealthPolicy;
  running = false;
  private timers: NodeJS.Timeout[] = [];
  private idleWaiters: (() => void)[] = [];
  private stopped: Promise<void> | null = null;

  constructor(private readonly deps: DispatcherDeps) {
    this.store = deps.store;
    this.fair = new FairScheduler(deps.config.maxInFlight, () => this.running && this.pump());
    this.leaseMs = deps.config.leaseMs;
    this.policy = { probeMs: deps.config.probeMs, disableAfterMs: deps.config.disableAfterMs };
    const onError = (err: Error): void => void deps.events.emit('dispatcher:error', err);
    this.recorder = new OutcomeRecorder(deps.store, (batch) => this.written(batch), onError);
    this.health = new HealthTracker(deps.store, deps.events);
    this.results = new ResultFanOut(this.recorder, this.health, deps.events, (q, t) => this.transitioned(q, t));
    this.writes = new HeldWrites(deps.store, this.workerId, (ids) => ids.forEach((id) => this.held.delete(id)), onError);
    this.senders = new SenderLeases(deps.store, this.workerId, (qs) => qs.forEach((q) => this.kick(q)), onError);
    this.claims = new ClaimLoop(deps.store, deps.config, this);
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.claims.start();
    const every = Math.max(500, Math.floor(this.deps.config.leaseMs / 3));
    this.timers.push(setInterval(() => void this.tick(every), every), setInterval(() => void this.probes.sweep(), CIRCUIT_SWEEP_MS));
    if (this.senders.active) {
      this.timers.push(setInterval(() => void this.senders.tick(this.queues.values(), Date.now() - 2 * SENDER_RENEW_MS), SENDER_RENEW_MS));
    }
    for (const t of this.timers) t.unref();
    void this.probes.sweep();
  }

  /** Whether the publisher should lease a fresh delivery to this process (or leave it to the claim loop). */
  canHold(webhookId: string, businessId: string): boolean {
    if (!this.running || !this.hasRoomFor(businessId)) return false;
    const q = this.queues.get(webhookId);
    if (!q) return true;
    // Another process sends for it: written unleased, its sender claims it.
    if (q.gone || (q.sender === 'foreign' && Date.now() < q.senderUntil)) return false;
    return q.queued < MAX_QUEUED_PER_WEBHOOK;
  }

  /**
   * The memory budget (`maxHeld`) is shared like the pool of attempts: once it is spent, a
   * business below its share of it may still hold more, so another business's backlog behind
   * hung endpoints cannot keep it out. The shares add up to the budget, so what is held stays
   * below about twice the budget.
   */
  private hasRoomFor(businessId: string): boolean {
    const { maxHeld } = this.deps.config;
    return this.held.size < maxHeld || this.fair.belowShareOf(maxHeld, businessId);
  }

  /** Fresh deliveries leased to this process by the publisher. */
  accept(items: { item: DispatchItem; webhook: WebhookRow }[]): void {
    const now = Date.now();
    for (const { item, webhook } of items) this.enqueue(item, webhook, now);
    this.pump();
  }

  /** Look for due deliveries now rather than at the next poll (a retry or replay was asked for). */
  wake(): void {
    this.claims.wake();
  }

  /**
   * Processes that died had their leases given back: what they held is due now, and their
   * webhooks have no sender. Queues that saw another sender look again instead of waiting
   * out the dead one's lease, and the claim loop looks at once.
   */
  othersReleased(): void {
    for (const q of this.queues.values()) {
      if (q.sender !== 'foreign') continue;
      q.sender = 'unknown';
      q.senderUntil = 0;
    }
    this.claims.wake();
  }

  /** Forget a cached webhook so that the next attempt reads its new settings (and health, if they changed). */
  invalidate(webhookId: string): void {
    const q = this.queues.get(webhookId);
    if (!q) return;
    q.loadedAt = 0;
    q.laneBlockedUntil = 0;
    this.kick(q);
  }

  stats(): { held: number; inFlight: number; queuedWebhooks: number; openCircuits: number } {
    let open = 0;
    for (const q of this.queues.values()) if (q.health.state === 'unhealthy') open++;
    return { held: this.held.size, inFlight: this.fair.inFlight, queuedWebhooks: this.fair.waiting, openCircuits: open };
  }

  queueFor(webhookId: string): EndpointQueue {
    let q = this.queues.get(webhookId);
    if (!q) {
      q = new EndpointQueue(webhookId, null, this.policy, !this.senders.active);
      this.queues.set(webhookId, q);
    }
    return q;
  }

  private enqueue(item: DispatchItem, webhook: WebhookRow | null, now: number): void {
    const q = this.queueFor(item.delivery.webhook_id);
    // Settings to start from; health is read from the store before the first attempt.
    if (!q.webhook && webhook) q.webhook = webhook;
    this.fair.attach(q, item.delivery.business_id);
    this.hold(item, now);
    q.activeAt = now;
    if (q.gone) return this.writes.fail([item.delivery.id]);
    q.push(item);
    this.toRing(q);
  }

  hold(item: DispatchItem, now: number): void {
    this.held.set(item.delivery.id, now);
  }

  private toRing(q: EndpointQueue): void {
    if (q.inRing || q.queued === 0 || q.inFlight >= q.limit || !q.share) return;
    if (q.fifo && (q.laneRunning || Date.now() < q.laneBlockedUntil)) return;
    this.fair.offer(q);
  }

  /** Starts attempts, in the fair scheduler's order, while it finds a queue that may start one. */
  private pump(): void {
    for (let q = this.fair.next(); q; q = this.fair.next()) {
      q.inRing = false;
      if (q.queued === 0) continue;
      const ready = this.ready(q, Date.now());
      if (!ready.ok) continue;
      if (q.fifo) {
        void this.lane.run(q, ready.probe).finally(() => this.kick(q));
        continue;
      }
      void this.run(q, q.shift()!, ready.probe);
      this.toRing(q);
    }
  }

  /**
   * Whether the webhook's flow control lets one more attempt start now. When it does not, it
   * arranges for the queue to be looked at again when it might (a timer, a load, a lease) and
   * acts on what it found: a disabled webhook or an open circuit parks what is queued.
   */
  ready(q: EndpointQueue, now: number): Readiness {
    if (q.gone) {
      this.writes.fail(q.drain().map((i) => i.delivery.id));
      return NOT_NOW;
    }
    const w = q.webhook;
    if (!w || q.loadedAt === 0 || now - q.loadedAt > WEBHOOK_TTL_MS) {
      this.load(q);
      if (!w || q.loadedAt === 0) return NOT_NOW;
    }
    if (!w.enabled) {
      this.park(q);
      return NOT_NOW;
    }
    if (!this.senders.allows(q, w, now)) {
      if (q.sender === 'foreign') this.writes.release(q.drain().map((i) => i.delivery.id));
      return NOT_NOW;
    }
    if (q.inFlight >= q.limit) return NOT_NOW;
    const circuit = q.health.allows(now);
    if (circuit === 'no') {
      this.park(q);
      if (q.health.state === 'unhealthy' && !q.health.probing) this.schedule(q, q.health.probeAt);
      return NOT_NOW;
    }
    if (circuit === 'probe') return q.inFlight === 0 ? { ok: true, probe: true } : NOT_NOW;
    const resumeAt = Math.max(q.pausedUntil, now + q.bucket.waitMs(now));
    if (resumeAt > now) {
      this.schedule(q, resumeAt);
      return NOT_NOW;
    }
    return { ok: true, probe: false };
  }

  private park(q: EndpointQueue): void {
    this.writes.park(q.drain().map((i) => i.delivery.id));
  }

  /** Reads the webhook; keeps sending with the row it has while the store is away. */
  load(q: EndpointQueue): void {
    if (q.loading) return;
    q.loading = true;
    const started = Date.now();
    this.deps.store.getWebhookById(q.webhookId).then(
      (w) => {
        q.loading = false;
        if (!w) {
          q.gone = true;
          q.webhook = null;
        } else {
          this.fair.attach(q, w.business_id);
          // A newer row than the health came from is a change through the API (re-enabled, …).
          if (q.loadedAt === 0 || q.health.syncedAt !== w.updated_at) q.health.adopt(w, started);
          q.webhook = w;
          q.bucket.configure(w.rate_limit);
          if (q.health.state === 'unhealthy') this.schedule(q, q.health.probeAt);
        }
        q.loadedAt = started;
        this.kick(q);
      },
      (err: Error) => {
        q.loading = false;
        if (q.webhook && q.loadedAt > 0) q.loadedAt = started;
        this.deps.events.emit('dispatcher:error', err);
        this.schedule(q, Date.now() + 1000);
      },
    );
  }

  schedule(q: EndpointQueue, at: number): void {
    if (q.timer && q.timerAt <= at) return;
    if (q.timer) clearTimeout(q.timer);
    q.timerAt = at;
    q.timer = setTimeout(() => {
      q.timer = null;
      this.kick(q);
    }, timerDelay(at - Date.now(), 1));
    q.timer.unref();
  }

  /** Something changed for this queue (a timer, a lease, a load): send, probe or run its lane if it can. */
  kick(q: EndpointQueue): void {
    if (!this.running) return;
    if (q.queued > 0) {
      this.toRing(q);
      return this.pump();
    }
    // Timers run on the monotonic clock and can fire a millisecond before Date.now() reaches
    // their time: a time not yet reached is looked at again then, not left to the 30 s sweep.
    const now = Date.now();
    if (q.fifo && q.laneBlockedUntil > 0 && !q.laneRunning) {
      if (now < q.laneBlockedUntil) {
        this.schedule(q, q.laneBlockedUntil);
      } else {
        const ready = this.ready(q, now);
        if (ready.ok) return void this.lane.run(q, ready.probe).finally(() => this.kick(q));
      }
    }
    if (q.health.allows(now) === 'probe') {
      if (q.inFlight === 0) void this.probes.fetch(q, now);
    } else if (q.health.state === 'unhealthy' && !q.health.probing && q.health.probeAt > now) {
      this.schedule(q, q.health.probeAt);
    }
  }

  private async run(q: EndpointQueue, item: DispatchItem, probe: boolean): Promise<void> {
    try {
      await this.send(q, item, probe, false);
    } catch (err) {
      this.deps.events.emit('dispatcher:error', err as Error);
    } finally {
      this.toRing(q);
      if (this.running) this.pump();
    }
  }

  /** One attempt and everything that follows from it; resolves when the outcome is stored if `wait`. */
  async send(q: EndpointQueue, item: DispatchItem, probe: boolean, wait = true): Promise<{ ok: boolean; outcome: AttemptOutcome }> {
    const w = q.webhook!;
    const start = Date.now();
    q.bucket.take(start);
    q.activeAt = start;
    this.fair.attach(q, item.delivery.business_id);
    this.fair.started(q);
    if (probe) q.health.probing = true;
    try {
      const result = await renderAndSend(item, w, this.deps.sender, this.workerId);
      const stored = this.results.settle(q, w, item, result, probe, wait);
      if (wait) await stored;
      return { ok: result.ok, outcome: result.outcome };
    } finally {
      const turned = this.fair.finished(q);
      if (this.fair.inFlight === 0) for (const w of this.idleWaiters.splice(0)) w();
      // `run` pumps after an attempt; a fifo lane's attempt (`wait`) is not followed by a pump of its own.
      if (turned && wait && this.running) queueMicrotask(() => this.pump());
    }
  }

  private transitioned(q: EndpointQueue, t: NonNullable<HealthTransition>): void {
    if (t.to === 'unhealthy') {
      this.park(q);
      this.schedule(q, q.health.probeAt);
    } else if (t.to === 'healthy' && t.from === 'unhealthy') {
      this.probes.closed(q);
    } else if (t.to === 'disabled') {
      this.park(q);
    }
  }

  private written(batch: AttemptOutcome[]): void {
    for (const o of batch) this.held.delete(o.attempt.delivery_id);
  }

  isSender(q: EndpointQueue, w: WebhookRow, now: number): boolean {
    return this.senders.allows(q, w, now);
  }

  onError(err: Error): void {
    this.deps.events.emit('dispatcher:error', err);
  }

  take(items: DispatchItem[], at: number): void {
    for (const item of items) this.enqueue(item, null, at);
    this.pump();
  }

  saturated(): string[] {
    const out: string[] = [];
    for (const q of this.queues.values()) if (q.queued >= MAX_QUEUED_PER_WEBHOOK) out.push(q.webhookId);
    return out;
  }

  /**
   * How much the claim may take, and whose deliveries it must leave: within the budget anyone's;
   * past it only those of businesses below their share of it, a newcomer's share at a time (a
   * hung business's backlog stays in the store and cannot crowd the others out of the claim).
   */
  claimRoom(): { limit: number; excludeBusinesses: string[] } {
    const { maxHeld } = this.deps.config;
    const held = this.held.size;
    if (held < maxHeld) return { limit: maxHeld - held, excludeBusinesses: [] };
    return { limit: Math.ceil(maxHeld / (this.fair.activeBusinesses + 1)), excludeBusinesses: this.fair.atShareOf(maxHeld) };
  }

  /** Whether a fifo lane may send its next delivery now, or should give its turn to others. */
  mayGoOn(q: EndpointQueue): boolean {
    return !q.share || this.fair.allows(q);
  }

  /** Renews held leases and forgets idle queues. */
  private async tick(every: number): Promise<void> {
    await this.claims.renew(every);
    const now = Date.now();
    for (const [id, q] of this.queues) {
      const idle = q.queued === 0 && q.inFlight === 0 && !q.inRing && !q.laneRunning && !q.loading && !q.timer && q.activeAt < now - QUEUE_IDLE_MS;
      const leaseFree = !this.senders.active || q.sender !== 'mine';
      if (idle && leaseFree && q.health.state === 'healthy') {
        this.queues.delete(id);
        this.fair.detach(q);
      }
    }
  }

  private idle(): Promise<void> {
    return this.fair.inFlight === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }

  /**
   * Stops claiming, gives queued deliveries back to the store, lets attempts in flight finish
   * within the grace period, and writes their outcomes. Safe to call more than once.
   */
  stop(): Promise<void> {
    this.stopped ??= (async () => {
      const { store, config } = this.deps;
      this.running = false;
      for (const t of this.timers) clearInterval(t);
      for (const q of this.queues.values()) if (q.timer) clearTimeout(q.timer);
      await this.claims.stop();
      const queued: string[] = [];
      for (const q of this.queues.values()) for (const it of q.drain()) queued.push(it.delivery.id);
      this.fair.clear();
      if (queued.length > 0) {
        await store.releaseLeases(this.workerId, queued, Date.now());
        for (const id of queued) this.held.delete(id);
      }
      let grace: NodeJS.Timeout | undefined;
      await Promise.race([this.idle(), new Promise<void>((r) => (grace = setTimeout(r, config.shutdownGraceMs)))]);
      clearTimeout(grace);
      // Past the grace period, attempts still open are cut; their deliveries are retried later.
      await (this.fair.inFlight > 0 ? this.deps.sender.destroy() : this.deps.sender.close());
      await this.idle();
      await this.recorder.flush();
      await this.health.flush();
      await this.writes.flush();
      const left = [...this.held.keys()];
      if (left.length > 0) await store.releaseLeases(this.workerId, left, Date.now());
      this.held.clear();
      await this.senders.releaseAll(this.queues.values());
    })();
    return this.stopped;
  }
}
