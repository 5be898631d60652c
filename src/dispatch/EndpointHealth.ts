import type { HealthState, WebhookRow } from '../store/Store.js';

/** Consecutive failed attempts after which an endpoint is unhealthy: its circuit opens. */
export const UNHEALTHY_AFTER_FAILURES = 5;
/** Probes of an open circuit wait at most this long between them, however long the outage. */
export const MAX_PROBE_INTERVAL_MS = 10 * 60_000;

export interface HealthPolicy {
  /** Delay before the first probe of an open circuit; each failed probe doubles it. */
  probeMs: number;
  /** Unhealthy this long (ms) disables the webhook; 0 never does. */
  disableAfterMs: number;
}

/** What a recorded attempt changed: the new state when it changed, else null. */
export type HealthTransition = { from: HealthState; to: HealthState } | null;

/**
 * One endpoint's health, which is also its circuit breaker (docs/reliability.md):
 * healthy — everything is sent; unhealthy — the circuit is open: deliveries are parked, and one
 * probe at a time is sent at growing intervals until one succeeds; disabled — nothing is sent
 * until someone enables the webhook. The process that sends for a webhook holds this state; the
 * store has a copy (written in batches by HealthTracker) that other processes and the API read.
 */
/** One attempt as the circuit sees it. */
export interface AttemptSeen {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  probe: boolean;
}

export class EndpointHealth {
  state: HealthState = 'healthy';
  failures = 0;
  since: number | null = null;
  reason: string | null = null;
  /** When the next probe may start, while unhealthy. */
  probeAt = 0;
  probeDelayMs = 0;
  /** A probe is in flight: nothing else is sent. */
  probing = false;
  /** The `updated_at` of the row this state was last taken from; a newer row (an API change) wins. */
  syncedAt = -1;

  constructor(private readonly policy: HealthPolicy) {}

  /** Takes the stored health, e.g. when this process starts sending for the webhook. */
  adopt(w: WebhookRow, now: number): void {
    this.state = w.health_state;
    this.failures = w.consecutive_failures;
    this.since = w.health_since;
    this.reason = w.health_reason;
    this.syncedAt = w.updated_at;
    this.probing = false;
    if (this.state === 'unhealthy') {
      this.probeDelayMs = this.policy.probeMs;
      this.probeAt = now + this.probeDelayMs;
    }
  }

  /** The open circuit's probe starts: nothing else is sent until it ends. */
  startProbe(): void {
    this.probing = true;
  }

  /** There was nothing to probe with (or the store was away): look again after the probe delay. */
  probeLater(now: number): void {
    this.probeAt = now + this.probeDelayMs;
  }

  /** Whether an attempt may start now: 'yes', 'probe' (the one attempt of an open circuit), or 'no'. */
  allows(now: number): 'yes' | 'probe' | 'no' {
    if (this.state === 'healthy') return 'yes';
    if (this.state === 'unhealthy' && !this.probing && now >= this.probeAt) return 'probe';
    return 'no';
  }

  /** Records one attempt's result. `probe` says it was the open circuit's probe. */
  record(attempt: AttemptSeen, now: number): HealthTransition {
    const { ok, statusCode, error, probe } = attempt;
    const from = this.state;
    if (probe) this.probing = false;
    if (from === 'disabled') return null;
    if (ok) {
      this.failures = 0;
      if (from === 'healthy') return null;
      this.state = 'healthy';
      this.since = now;
      this.reason = null;
      return { from, to: 'healthy' };
    }
    this.failures += 1;
    const last = statusCode !== null ? `HTTP ${statusCode}` : (error ?? 'error');
    if (statusCode === 410) {
      return this.disable(now, 'The endpoint answered 410 Gone; re-enable the webhook once it accepts deliveries again.');
    }
    if (from === 'healthy') {
      if (this.failures < UNHEALTHY_AFTER_FAILURES) return null;
      this.state = 'unhealthy';
      this.since = now;
      this.probeDelayMs = this.policy.probeMs;
      this.probeAt = now + this.probeDelayMs;
      this.reason = `${this.failures} consecutive failed attempts; last: ${last}`;
      return { from, to: 'unhealthy' };
    }
    this.reason = `${this.failures} consecutive failed attempts; last: ${last}`;
    if (probe) {
      this.probeDelayMs = Math.min(Math.max(this.probeDelayMs, this.policy.probeMs) * 2, Math.max(MAX_PROBE_INTERVAL_MS, this.policy.probeMs));
      this.probeAt = now + this.probeDelayMs;
    }
    const failingFor = now - (this.since ?? now);
    if (this.policy.disableAfterMs > 0 && failingFor >= this.policy.disableAfterMs) {
      return this.disable(now, `Failing for ${describeDuration(failingFor)} (${this.failures} consecutive failed attempts; last: ${last}); re-enable the webhook once the endpoint is fixed.`);
    }
    return null;
  }

  private disable(now: number, reason: string): HealthTransition {
    const from = this.state;
    this.state = 'disabled';
    this.since = now;
    this.reason = reason;
    return { from, to: 'disabled' };
  }
}

function describeDuration(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours >= 48) return `${Math.floor(hours / 24)} days`;
  if (hours >= 1) return `${Math.floor(hours)} h`;
  return `${Math.max(1, Math.round(ms / 60_000))} min`;
}
