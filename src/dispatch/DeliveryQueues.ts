import type { AttemptOutcome, DispatchItem, WebhookRow } from '../store/Store.js';
import { CircuitProbes } from './CircuitProbes.js';
import type { DispatcherDeps } from './Dispatcher.js';
import type { HealthPolicy, HealthTransition } from './EndpointHealth.js';
import { EndpointQueue } from './EndpointQueue.js';
import { FairScheduler } from './FairScheduler.js';
import { FifoLane } from './FifoLane.js';
import { HealthTracker } from './HealthTracker.js';
import { HeldWrites } from './HeldWrites.js';
import { HoldBudget } from './HoldBudget.js';
import { OutcomeRecorder } from './OutcomeRecorder.js';
import { renderAndSend, type PoolStep } from './renderAndSend.js';
import { isPendingVerification } from '../webhooks/verificationState.js';
import { ResultFanOut } from './ResultFanOut.js';
import { SenderLeases } from './SenderLeases.js';
import { UNCLAIMED_FOR_ANYONE_MS, WebhookOwners } from './WebhookOwners.js';
import { AttemptTracer } from '../tracing/attemptTrace.js';
import type { ShutdownDeadline } from './ShutdownDeadline.js';
import type { ShutdownLeftovers } from './ShutdownLeftovers.js';
import { writeUntilStored } from './writeUntilStored.js';

/** How long a cached webhook row is trusted before it is read again (other processes may change it). */
const WEBHOOK_TTL_MS = 2000;
/** An idle, healthy webhook's queue is forgotten after this long; its state is in the store. */
const QUEUE_IDLE_MS = 60_000;

export interface DeliveryQueuesDeps extends DispatcherDeps {
  workerId: string;
  /** Due deliveries appeared in the store (a circuit closed): the claim loop should look now. */
  wakeClaims: () => void;
  /** Aborted when a stop gives up on the store: writes still retrying end there. */
  giveUp: AbortSignal;
}

type Readiness = { ok: true; probe: boolean } | { ok: false };
const NOT_NOW: Readiness = { ok: false };

/** How an attempt is run: as the open circuit's probe, and whether the caller waits until its outcome is stored. */
interface AttemptOptions {
  probe: boolean;
  awaitStored: boolean;
}

/**
 * The dispatcher's inside: one `EndpointQueue` per webhook, the flow control that decides when
 * each may start its next attempt (`ready`), the fair scheduler that decides which goes next,
 * and the attempts themselves with all that follows them. The ordered lanes and the circuit
 * probes work through small host objects made here, so none of this is public beyond
 * `src/dispatch/` (the facade is `Dispatcher`).
 */
export class DeliveryQueues {
  running = false;
  /** Every delivery this process holds a lease on, with when it was taken or renewed. */
  readonly held = new Map<string, number>();
  readonly senders: SenderLeases;
  /** Which webhooks fall to this process among the live ones: their sender leases are the ones it asks for. */
  readonly owners: WebhookOwners;
  readonly probes: CircuitProbes;
  /** What this process may hold: the publisher's and the claim loop's limits. */
  readonly budget: HoldBudget;
  private readonly queues = new Map<string, EndpointQueue>();
  private readonly fair: FairScheduler;
  private readonly recorder: OutcomeRecorder;
  private readonly health: HealthTracker;
  private readonly results: ResultFanOut;
  private readonly writes: HeldWrites;
  private readonly lane: FifoLane;
  private readonly policy: HealthPolicy;
  private readonly traces: AttemptTracer | null;
  private idleWaiters: (() => void)[] = [];
  private readonly onError = (err: Error): void => void this.deps.events.emit('dispatcher:error', err);
  /** The last error a write after an attempt met: why a stop gave up, if it does. */
  private lastWriteError: Error | null = null;
  private readonly onWriteError = (err: Error): void => {
    this.lastWriteError = err;
    this.onError(err);
  };

  constructor(private readonly deps: DeliveryQueuesDeps) {
    const { store, config, events, workerId } = deps;
    this.fair = new FairScheduler(config.maxInFlight, () => this.running && this.pump());
    this.policy = { probeMs: config.probeMs, disableAfterMs: config.disableAfterMs };
    this.traces = AttemptTracer.create(deps.tracing ?? null, config.propagateTrace);
    this.recorder = new OutcomeRecorder(store, (batch) => this.written(batch), this.onWriteError, deps.giveUp);
    this.health = new HealthTracker(store, events);
    this.results = new ResultFanOut(this.recorder, this.health, events, (q, t) => this.transitioned(q, t));
    this.writes = new HeldWrites(store, workerId, (ids) => ids.forEach((id) => this.held.delete(id)), this.onWriteError, deps.giveUp);
    this.owners = new WebhookOwners(workerId);
    this.senders = new SenderLeases(store, workerId, this.owners, (qs) => qs.forEach((q) => this.kick(q)), this.onError);
    this.budget = new HoldBudget(config.maxHeld, this.held, this.queues, this.fair, () => this.running, this.owners);
    const self = this;
    const common = { store, workerId, leaseMs: config.leaseMs, schedule: (q: EndpointQueue, at: number) => this.schedule(q, at), onError: this.onError };
    this.lane = new FifoLane({
      ...common,
      get running() {
        return self.running;
      },
      ready: (q, now) => this.ready(q, now),
      mayGoOn: (q) => !q.share || this.fair.allows(q),
      hold: (item, now) => this.hold(item, now),
      send: (q, item, { probe }) => this.send(q, item, { probe, awaitStored: true }),
    });
    this.probes = new CircuitProbes({
      ...common,
      held: this.held,
      queueFor: (id) => this.queueFor(id),
      load: (q) => this.load(q),
      kick: (q) => this.kick(q),
      isSender: (q, w, now) => this.senders.allows(q, w, now),
      take: (items, at) => this.take(items, at),
      wake: deps.wakeClaims,
    });
  }

  /** Fresh deliveries leased by the publisher, with the settings it matched them with. */
  accept(items: { item: DispatchItem; webhook: WebhookRow }[]): void {
    const now = Date.now();
    for (const { item, webhook } of items) this.enqueue(item, webhook, now);
    this.pump();
  }

  /** Deliveries this process claimed from the store. */
  take(items: DispatchItem[], at: number): void {
    for (const item of items) this.enqueue(item, null, at);
    this.pump();
  }

  /**
   * The live processes changed: queues that now fall here look for the sender again rather than
   * wait out the other process, and leases of webhooks that fall elsewhere are handed over.
   */
  ownersChanged(): void {
    for (const q of this.queues.values()) if (q.sender === 'foreign' && this.owners.owns(q.webhookId)) q.senderUnknown();
    this.senders.rebalance(this.queues.values());
  }

  /** Processes that died gave their sender leases back: queues that saw another sender ask again. */
  othersReleased(): void {
    for (const q of this.queues.values()) if (q.sender === 'foreign') q.senderUnknown();
  }

  invalidate(webhookId: string): void {
    const q = this.queues.get(webhookId);
    if (!q) return;
    q.settingsStale();
    q.blockLane(0);
    this.kick(q);
  }

  stats(): { held: number; inFlight: number; queuedWebhooks: number; openCircuits: number } {
    let open = 0;
    for (const q of this.queues.values()) if (q.health.state === 'unhealthy') open++;
    return { held: this.held.size, inFlight: this.fair.inFlight, queuedWebhooks: this.fair.waiting, openCircuits: open };
  }

  /** Renews sender leases of busy webhooks; idle ones (nothing since `idleSince`) are given back. */
  renewSenders(idleSince: number): Promise<void> {
    return this.senders.tick(this.queues.values(), idleSince);
  }

  private queueFor(webhookId: string): EndpointQueue {
    let q = this.queues.get(webhookId);
    if (!q) {
      q = new EndpointQueue(webhookId, this.policy, { singleProcess: !this.senders.active });
      this.queues.set(webhookId, q);
    }
    return q;
  }

  private enqueue(item: DispatchItem, webhook: WebhookRow | null, now: number): void {
    const q = this.queueFor(item.delivery.webhook_id);
    // Settings to start from; health is read from the store before the first attempt.
    if (webhook) q.startWith(webhook);
    this.fair.attach(q, item.delivery.business_id);
    this.hold(item, now);
    q.touch(now);
    if (q.gone) return this.writes.fail([item.delivery.id]);
    // Claimed for a webhook another live process owns: the claim hands those over when they
    // waited too long for their owner, so this process becomes their sender instead. A delivery
    // younger than that wait came under this process's own lease, by a claim that crossed the
    // lease's hand-over: it follows the lease to the owner rather than pulling the lease back.
    const waitedTooLong = item.delivery.created_at <= now - UNCLAIMED_FOR_ANYONE_MS;
    if (!webhook && waitedTooLong && q.sender !== 'mine' && this.senders.active && !this.owners.owns(q.webhookId)) q.rescue();
    q.push(item);
    this.toRing(q);
  }

  private hold(item: DispatchItem, now: number): void {
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
      if (q.queued === 0) continue;
      const ready = this.ready(q, Date.now());
      if (!ready.ok) continue;
      if (q.fifo) {
        this.runLane(q, ready.probe);
        continue;
      }
      void this.run(q, q.shift()!, ready.probe);
      this.toRing(q);
    }
  }

  private runLane(q: EndpointQueue, probe: boolean): void {
    void this.lane.run(q, { probe }).finally(() => this.kick(q));
  }

  /**
   * Whether the webhook's flow control lets one more attempt start now. When it does not, it
   * arranges for the queue to be looked at again when it might (a timer, a load, a lease) and
   * acts on what it found: a disabled webhook or an open circuit parks what is queued.
   */
  private ready(q: EndpointQueue, now: number): Readiness {
    if (q.gone) {
      this.writes.fail(q.drain().map((i) => i.delivery.id));
      return NOT_NOW;
    }
    const w = q.webhook;
    if (!w || q.loadedAt === 0 || now - q.loadedAt > WEBHOOK_TTL_MS) {
      this.load(q);
      if (!w || q.loadedAt === 0) return NOT_NOW;
    }
    // A disabled webhook, a listener with no stream to carry the attempt, or a URL whose owner has
    // not answered the challenge (docs/endpoint-auth.md#ownership-verification): wait, spending nothing.
    if (!w.enabled || isPendingVerification(w) || this.deps.sender.available?.(w.url) === false) {
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
  private load(q: EndpointQueue): void {
    if (q.loading) return;
    q.loadStarted();
    const started = Date.now();
    this.deps.store.getWebhookById(q.webhookId).then(
      (w) => {
        if (w) this.fair.attach(q, w.business_id);
        q.loaded(w, started);
        if (w && q.health.state === 'unhealthy') this.schedule(q, q.health.probeAt);
        this.kick(q);
      },
      (err: Error) => {
        q.loadFailed(started);
        this.onError(err);
        this.schedule(q, Date.now() + 1000);
      },
    );
  }

  private schedule(q: EndpointQueue, at: number): void {
    q.wakeAt(at, () => this.kick(q));
  }

  /** Something changed for this queue (a timer, a lease, a load): send, probe or run its lane if it can. */
  private kick(q: EndpointQueue): void {
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
        if (ready.ok) return this.runLane(q, ready.probe);
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
      await this.send(q, item, { probe, awaitStored: false });
    } catch (err) {
      this.onError(err as Error);
    } finally {
      this.toRing(q);
      if (this.running) this.pump();
    }
  }

  /** One attempt and everything that follows from it. */
  private async send(q: EndpointQueue, item: DispatchItem, opts: AttemptOptions): Promise<{ ok: boolean; outcome: AttemptOutcome }> {
    const w = q.webhook!;
    const start = Date.now();
    q.bucket.take(start);
    q.touch(start);
    this.fair.attach(q, item.delivery.business_id);
    this.fair.started(q);
    if (opts.probe) q.health.startProbe();
    try {
      const trace = this.traces ? this.traces.begin(item, w, this.held) : null;
      const result = await renderAndSend(item, w, this.deps.sender, this.deps.workerId, trace, this.deps.transformer, this.poolStep(q));
      // A traced attempt's span ends once its outcome is written, so it hears when that is.
      const stored = this.results.settle(q, w, item, result, trace?.recording ? { probe: opts.probe, awaitStored: true } : opts);
      trace?.settled(result.outcome, stored);
      if (opts.awaitStored) await stored;
      return { ok: result.ok, outcome: result.outcome };
    } finally {
      const turned = this.fair.finished(q);
      if (this.fair.busy === 0) for (const w of this.idleWaiters.splice(0)) w();
      // `run` pumps after an attempt; a fifo lane's attempt (awaitStored) is not followed by a pump of its own.
      if (turned && opts.awaitStored && this.running) queueMicrotask(() => this.pump());
    }
  }

  /** Lets a transformed attempt leave the pool while it waits for the transform thread (`FairScheduler.stepAside`). */
  private poolStep(q: EndpointQueue): PoolStep | undefined {
    if (!q.webhook?.transformation?.enabled) return undefined;
    return {
      aside: () => {
        // Called while `pump` may be starting this very attempt: the pump it earns comes after.
        if (this.fair.stepAside(q) && this.running) queueMicrotask(() => this.pump());
      },
      back: () => this.fair.stepBack(q),
    };
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

  /** Forgets queues idle for a minute: healthy, empty, and without a sender lease to give back. */
  forgetIdle(now: number): void {
    for (const [id, q] of this.queues) {
      const idle = q.queued === 0 && q.inFlight === 0 && !q.inRing && !q.laneRunning && !q.loading && !q.hasTimer && q.activeAt < now - QUEUE_IDLE_MS;
      const leaseFree = !this.senders.active || q.sender !== 'mine';
      if (idle && leaseFree && q.health.state === 'healthy') {
        this.queues.delete(id);
        this.fair.detach(q);
      }
    }
  }

  /** The dispatcher is stopping: nothing looks at a queue again by itself. */
  stopStarting(): void {
    this.running = false;
    for (const q of this.queues.values()) q.clearTimer();
  }

  /**
   * Gives queued deliveries back to the store, lets attempts in flight finish within the grace
   * period (past it they are cut, and their deliveries retried later), writes every outcome,
   * and gives back the leases left. Whatever the store has not taken when `deadline` gives up
   * on it stays leased to this process and is returned, counted; nothing here waits longer.
   */
  async finish(deadline: ShutdownDeadline): Promise<ShutdownLeftovers | null> {
    const { sender } = this.deps;
    this.forgetWriteErrors();
    const queued: string[] = [];
    for (const q of this.queues.values()) for (const it of q.drain()) queued.push(it.delivery.id);
    this.fair.clear();
    // Given back while the attempts in flight run, so a store that is away costs no extra wait.
    const givenBack = this.giveBack(queued, deadline.signal);
    await Promise.race([this.idle(), deadline.graceOver]);
    await (this.fair.busy > 0 ? sender.destroy() : sender.close());
    // An ordered lane's attempt ends only once its outcome is stored (or given up on).
    await deadline.within(this.idle());
    await givenBack;
    await this.recorder.flush();
    await deadline.within(this.health.flush());
    await this.writes.flush();
    const left = [...this.held.keys()];
    const released = await this.giveBack(left, deadline.signal);
    await deadline.within(this.senders.releaseAll(this.queues.values()));
    const outcomes = this.recorder.abandoned;
    const kept = released ? 0 : left.length;
    this.held.clear();
    if (outcomes === 0 && kept === 0) return null;
    return { outcomes, leases: kept, graceMs: deadline.graceMs, reason: this.lastWriteError?.message ?? (deadline.signal.reason as Error).message };
  }

  /** Why a stop gives up, if it does, is what it meets from its start on. */
  private forgetWriteErrors(): void {
    this.lastWriteError = null;
  }

  /** Releases these leases (due now, no owner); false when the store was given up on first, and they stay held. */
  private async giveBack(ids: string[], giveUp: AbortSignal): Promise<boolean> {
    if (ids.length === 0) return true;
    const { store, workerId } = this.deps;
    if (!(await writeUntilStored(() => store.releaseLeases(workerId, ids, Date.now()), this.onWriteError, giveUp))) return false;
    for (const id of ids) this.held.delete(id);
    return true;
  }

  private idle(): Promise<void> {
    return this.fair.busy === 0 ? Promise.resolve() : new Promise((r) => this.idleWaiters.push(r));
  }
}
