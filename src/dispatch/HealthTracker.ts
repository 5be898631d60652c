import type { Store, WebhookHealth, WebhookRow } from '../store/Store.js';
import type { HooklineEvents } from '../events.js';
import type { EndpointHealth, HealthTransition } from './EndpointHealth.js';

export { UNHEALTHY_AFTER_FAILURES } from './EndpointHealth.js';

/**
 * Carries each webhook's health from the dispatcher to the store and to observers. The counter
 * changes on every attempt, so writes are coalesced: the latest health of each webhook is
 * stored once per flush. A change of state is announced at once ('webhook:health:changed').
 */
export class HealthTracker {
  private dirty = new Map<string, WebhookHealth>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly events: HooklineEvents,
    private readonly flushMs = 200,
  ) {}

  /**
   * Records one attempt on `health` and mirrors the result onto `webhook` (the dispatcher's
   * cached row). `operational` marks an attempt of a hookline/… event, about which no
   * operational event may be published.
   */
  observe(
    webhook: WebhookRow,
    health: EndpointHealth,
    attempt: { ok: boolean; statusCode: number | null; error: string | null; probe: boolean; operational: boolean },
    now: number,
  ): HealthTransition {
    const failuresBefore = health.failures;
    const previousSince = health.since;
    const transition = health.record(attempt, now);
    if (!transition && health.failures === failuresBefore) return null;
    Object.assign(webhook, {
      health_state: health.state,
      consecutive_failures: health.failures,
      health_since: health.since,
      health_reason: health.reason,
      ...(health.state === 'disabled' ? { enabled: false } : {}),
    });
    this.dirty.set(webhook.id, {
      health_state: health.state,
      consecutive_failures: health.failures,
      health_since: health.since,
      health_reason: health.reason,
      ...(health.state === 'disabled' ? { enabled: false } : {}),
    });
    if (transition) {
      this.events.emit('webhook:health:changed', {
        webhook_id: webhook.id,
        business_id: webhook.business_id,
        state: transition.to,
        previous: transition.from,
        reason: health.reason,
        consecutive_failures: health.failures,
        since: health.since,
        previous_since: previousSince,
        operational: attempt.operational,
      });
      // Disabling changes which webhooks match at publish time: store it now, not in 200 ms.
      if (transition.to === 'disabled') void this.flush();
    }
    if (!this.timer && this.dirty.size > 0) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
    return transition;
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.dirty];
    this.dirty.clear();
    const now = Date.now();
    for (const [id, health] of batch) {
      try {
        await this.store.setWebhookHealth(id, health, now);
      } catch (err) {
        this.events.emit('dispatcher:error', err as Error);
      }
    }
  }
}
