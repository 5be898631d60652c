import type { Config } from '../config.js';
import type { HooklineEvents } from '../events.js';
import type { DispatchItem, Store, WebhookRow } from '../store/Store.js';
import { newWorkerId } from '../ids.js';
import { ClaimLoop } from './ClaimLoop.js';
import { DeliveryQueues } from './DeliveryQueues.js';
import type { Sender } from './httpSender.js';
import { withEndpointAuth, type EndpointAuthSender } from './EndpointAuthSender.js';
import { sendOwnershipChallenge, type ChallengeResult } from './OwnershipChallenge.js';
import type { Transformer } from '../transform/TransformThread.js';
import { SENDER_RENEW_MS } from './SenderLeases.js';
import { UNCLAIMED_FOR_ANYONE_MS } from './WebhookOwners.js';
import type { Tracing } from '../tracing/Tracing.js';
import { GAVE_UP, ShutdownDeadline } from './ShutdownDeadline.js';
import type { ShutdownLeftovers } from './ShutdownLeftovers.js';

// What the process that runs the engine needs to finish a stop that left work to recovery.
export { LAST_WRITES_MS } from './ShutdownDeadline.js';
export { describeLeftovers, type ShutdownLeftovers } from './ShutdownLeftovers.js';

/** How often a process looks for open circuits it does not know of (after a restart, or another process's). */
const CIRCUIT_SWEEP_MS = 30_000;

export interface DispatcherDeps {
  store: Store;
  config: Config;
  sender: Sender;
  events: HooklineEvents;
  /** Null or absent: tracing is off (docs/observability.md). */
  tracing?: Tracing | null;
  /** Runs webhooks' transformations off this thread (docs/transformations.md); without one, a transformation fails its attempt. */
  transformer?: Transformer;
}

/**
 * The delivery engine's public face: what `src/app.ts`, the publisher, the routes and the
 * webhooks service may ask of it. Fresh deliveries arrive from the publisher right after their
 * transaction commits (already leased to this process) and go out at once; the claim loop
 * picks up everything else that is due: retries, deliveries another process gave back, and
 * leases that ran out because their process died. Each webhook has its own queue, and its flow
 * control decides when the next attempt may start (docs/delivery.md#flow-control); which queue
 * goes next, across businesses and their webhooks, is the fair scheduler's call
 * (docs/delivery.md#sharing-between-businesses). All of that lives in `DeliveryQueues` and the
 * parts it holds, none of which is reachable from here.
 */
export class Dispatcher {
  /** Names this process's leases in the store. */
  readonly workerId = newWorkerId();
  /** The sender with endpoint auth (basic, bearer, OAuth2 tokens), for deliveries and ownership challenges alike. */
  private readonly endpointSender: EndpointAuthSender;
  private readonly queues: DeliveryQueues;
  private readonly claims: ClaimLoop;
  private started = false;
  private timers: NodeJS.Timeout[] = [];
  private stopped: Promise<ShutdownLeftovers | null> | null = null;
  /** Aborted when a stop gives up on the store (`ShutdownDeadline`). */
  private readonly giveUp = new AbortController();

  constructor(private readonly deps: DispatcherDeps) {
    const { store, config } = deps;
    // Endpoint auth wraps whichever sender was given, so every attempt (and every probe) carries it.
    this.endpointSender = withEndpointAuth(deps.sender);
    this.queues = new DeliveryQueues({ ...deps, sender: this.endpointSender, workerId: this.workerId, wakeClaims: () => this.wake(), giveUp: this.giveUp.signal });
    const { queues } = this;
    this.claims = new ClaimLoop(store, config, {
      workerId: this.workerId,
      held: queues.held,
      take: (items: DispatchItem[], at: number) => queues.take(items, at),
      saturated: () => queues.budget.saturated(),
      claimRoom: () => queues.budget.claimRoom(),
      shared: (now: number) => {
        const live = queues.owners.peers;
        return live.length > 0 ? { live, anyoneBefore: now - UNCLAIMED_FOR_ANYONE_MS } : undefined;
      },
      onError: (err: Error) => void deps.events.emit('dispatcher:error', err),
    });
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    this.queues.running = true;
    this.claims.start();
    const every = Math.max(500, Math.floor(this.deps.config.leaseMs / 3));
    this.timers.push(setInterval(() => void this.tick(every), every), setInterval(() => void this.queues.probes.sweep(), CIRCUIT_SWEEP_MS));
    if (this.queues.senders.active) {
      this.timers.push(setInterval(() => void this.queues.renewSenders(Date.now() - 2 * SENDER_RENEW_MS), SENDER_RENEW_MS));
    }
    for (const t of this.timers) t.unref();
    void this.queues.probes.sweep();
  }

  /** Whether the publisher should lease a fresh delivery to this process (or leave it to the claim loop). */
  canHold(webhookId: string, businessId: string): boolean {
    return this.queues.budget.canHold(webhookId, businessId);
  }

  /**
   * The processes alive on this store, from their heartbeats: each webhook's sender lease is
   * asked for by its owner among them (docs/delivery.md#across-processes-one-sender-per-webhook).
   */
  setLiveProcesses(ids: string[]): void {
    if (!this.queues.owners.setLive(ids)) return;
    this.queues.ownersChanged();
    // Webhooks that fell to this process may have deliveries waiting in the store.
    this.claims.wake();
  }

  /** Fresh deliveries leased to this process by the publisher. */
  accept(items: { item: DispatchItem; webhook: WebhookRow }[]): void {
    this.queues.accept(items);
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
    this.queues.othersReleased();
    this.claims.wake();
  }

  /** Forget a cached webhook so that the next attempt reads its new settings (and health, if they changed). */
  invalidate(webhookId: string): void {
    this.queues.invalidate(webhookId);
  }

  /**
   * Sends the webhook's ownership challenge (docs/endpoint-auth.md#ownership-verification) and
   * says whether its URL echoed it; the caller records the answer.
   */
  verifyOwnership(webhook: WebhookRow): Promise<ChallengeResult> {
    return sendOwnershipChallenge(this.endpointSender, webhook);
  }

  stats(): { held: number; inFlight: number; queuedWebhooks: number; openCircuits: number } {
    return this.queues.stats();
  }

  /** Renews held leases and forgets idle queues. */
  private async tick(every: number): Promise<void> {
    await this.claims.renew(every);
    this.queues.forgetIdle(Date.now());
  }

  /**
   * Stops claiming, gives queued deliveries back to the store, lets attempts in flight finish
   * within the grace period, and writes their outcomes. Bounded: a second past the grace
   * period it gives up on writes the store has not taken, and resolves with what it left
   * leased to this process (null when nothing). Safe to call more than once.
   */
  stop(): Promise<ShutdownLeftovers | null> {
    this.stopped ??= (async () => {
      const deadline = new ShutdownDeadline(this.deps.config.shutdownGraceMs, this.giveUp);
      try {
        this.queues.stopStarting();
        for (const t of this.timers) clearInterval(t);
        const claimStopped = await deadline.within(this.claims.stop());
        const left = await this.queues.finish(deadline);
        if (claimStopped !== GAVE_UP) return left;
        // A claim the store has not answered may still lease deliveries to this process: its row
        // must stay, so that recovery finds them.
        return left ?? { outcomes: 0, leases: 0, graceMs: deadline.graceMs, reason: 'a claim of due deliveries was still waiting for the database' };
      } finally {
        deadline.clear();
      }
    })();
    return this.stopped;
  }
}
