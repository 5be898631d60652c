import type { AttemptEvent, HooklineEvents } from '../events.js';

const MINUTE = 60_000;

export interface MinuteBucket {
  /** Start of the minute (ms). */
  minute: number;
  succeeded: number;
  failed: number;
}

/** A failing endpoint as this process saw it in the last hour. */
export interface RecentFailures {
  webhook_id: string;
  business_id: string;
  failed: number;
  last_error: string | null;
  last_status_code: number | null;
  last_failed_at: number;
}

/**
 * Attempt outcomes per minute for the last hour, counted from the dispatcher's typed events.
 * The store keeps no per-minute history and a range count over the log would grow with it,
 * so this costs nothing per request; the price is that the numbers are this process's own
 * attempts since it started (documented in docs/ui.md).
 */
export class DeliveryRate {
  private readonly buckets = new Map<number, MinuteBucket>();
  private readonly failures = new Map<string, RecentFailures>();
  private readonly unsubscribe: () => void;

  constructor(events: HooklineEvents, private readonly windowMinutes = 60) {
    const ok = (e: AttemptEvent) => this.count(e, true, Date.now());
    const failed = (e: AttemptEvent) => this.count(e, false, Date.now());
    events.on('delivery:attempt:succeeded', ok);
    events.on('delivery:attempt:failed', failed);
    this.unsubscribe = () => {
      events.off('delivery:attempt:succeeded', ok);
      events.off('delivery:attempt:failed', failed);
    };
  }

  count(e: AttemptEvent, ok: boolean, now: number): void {
    const minute = now - (now % MINUTE);
    let b = this.buckets.get(minute);
    if (!b) {
      b = { minute, succeeded: 0, failed: 0 };
      this.buckets.set(minute, b);
      this.prune(now);
    }
    if (ok) {
      b.succeeded++;
      this.failures.delete(e.webhook_id);
      return;
    }
    b.failed++;
    const f = this.failures.get(e.webhook_id) ?? { webhook_id: e.webhook_id, business_id: e.business_id, failed: 0, last_error: null, last_status_code: null, last_failed_at: now };
    Object.assign(f, { failed: f.failed + 1, last_error: e.error, last_status_code: e.status_code, last_failed_at: now });
    this.failures.set(e.webhook_id, f);
  }

  /** One bucket per minute of the window, oldest first, zeros included so charts need no gap logic. */
  perMinute(now: number): MinuteBucket[] {
    this.prune(now);
    const current = now - (now % MINUTE);
    const out: MinuteBucket[] = [];
    for (let m = current - (this.windowMinutes - 1) * MINUTE; m <= current; m += MINUTE) out.push(this.buckets.get(m) ?? { minute: m, succeeded: 0, failed: 0 });
    return out;
  }

  /** Webhooks whose last attempt in the window failed, most failures first. */
  recentFailures(now: number): RecentFailures[] {
    this.prune(now);
    return [...this.failures.values()].sort((a, b) => b.failed - a.failed);
  }

  close(): void {
    this.unsubscribe();
  }

  private prune(now: number): void {
    const oldest = now - now % MINUTE - this.windowMinutes * MINUTE;
    for (const m of this.buckets.keys()) if (m < oldest) this.buckets.delete(m);
    for (const [id, f] of this.failures) if (f.last_failed_at < oldest) this.failures.delete(id);
  }
}
