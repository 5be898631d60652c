import type { Store, WebhookHealth, WebhookRow } from '../store/Store.js';
import type { HooklineEvents } from '../events.js';

/** Consecutive failed attempts after which an endpoint is marked unhealthy. */
export const UNHEALTHY_AFTER_FAILURES = 5;

/**
 * Keeps each webhook's health from its attempts. The counter changes on every attempt, so
 * writes are coalesced: the latest health of each webhook is stored once per flush.
 */
export class HealthTracker {
  private dirty = new Map<string, { webhook: WebhookRow; health: WebhookHealth }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly events: HooklineEvents,
    private readonly flushMs = 200,
  ) {}

  /** Updates `webhook` in place (it is the dispatcher's cached row) and schedules a write. */
  observe(webhook: WebhookRow, ok: boolean, statusCode: number | null, error: string | null, now: number): void {
    const before = webhook.health_state;
    if (ok) {
      if (webhook.consecutive_failures === 0 && before === 'healthy') return;
      Object.assign(webhook, { consecutive_failures: 0, health_state: 'healthy', health_since: now, health_reason: null });
    } else if (statusCode === 410) {
      Object.assign(webhook, {
        consecutive_failures: webhook.consecutive_failures + 1,
        health_state: 'disabled',
        enabled: false,
        health_since: now,
        health_reason: 'The endpoint answered 410 Gone; re-enable the webhook once it accepts deliveries again.',
      });
    } else {
      webhook.consecutive_failures += 1;
      if (before === 'healthy' && webhook.consecutive_failures >= UNHEALTHY_AFTER_FAILURES) {
        webhook.health_state = 'unhealthy';
        webhook.health_since = now;
      }
      if (webhook.health_state === 'unhealthy') {
        webhook.health_reason = `${webhook.consecutive_failures} consecutive failed attempts; last: ${statusCode ?? error ?? 'error'}`;
      }
    }
    if (webhook.health_state !== before) {
      this.events.emit('webhook:health:changed', {
        webhook_id: webhook.id,
        business_id: webhook.business_id,
        state: webhook.health_state,
        reason: webhook.health_reason,
      });
    }
    this.dirty.set(webhook.id, {
      webhook,
      health: {
        health_state: webhook.health_state,
        consecutive_failures: webhook.consecutive_failures,
        health_since: webhook.health_since,
        health_reason: webhook.health_reason,
        ...(webhook.health_state === 'disabled' ? { enabled: false } : {}),
      },
    });
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.flushMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = [...this.dirty.values()];
    this.dirty.clear();
    const now = Date.now();
    for (const { webhook, health } of batch) {
      try {
        await this.store.setWebhookHealth(webhook.id, health, now);
      } catch (err) {
        this.events.emit('dispatcher:error', err as Error);
      }
    }
  }
}
