import type { Store } from '../../store/Store.js';
import { IDEMPOTENCY_TTL_MS } from './idempotency.js';

const SWEEP_EVERY_MS = 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Forgets what Svix's records no longer need: answers kept for idempotency keys after a day,
 * and message records once retention may have purged their events (HOOKLINE_RETENTION_DAYS;
 * 0 keeps them). Hourly, and once at start; a failed pass is retried by the next.
 */
export class SvixRecordSweeper {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly store: Store,
    private readonly retentionDays: number,
    private readonly onError: (err: unknown) => void,
  ) {}

  start(): void {
    this.running = this.sweep();
    this.timer = setInterval(() => (this.running = this.sweep()), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  /** Safe to call twice; waits for a pass under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async sweep(): Promise<void> {
    const now = Date.now();
    try {
      await this.store.purgeSvixRecords('idempotency', now - IDEMPOTENCY_TTL_MS);
      if (this.retentionDays > 0) await this.store.purgeSvixRecords('message', now - this.retentionDays * DAY_MS);
    } catch (err) {
      this.onError(err);
    }
  }
}
