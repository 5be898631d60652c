/**
 * A webhook's `rate_limit` in requests per second. The bucket holds a tenth of a second's
 * worth (at least one request): enough that timer jitter does not lose capacity, small enough
 * that a rate holds over any window of a second or more (a larger burst would let a receiver
 * that asked for 20/s see 40 in the first second after a quiet spell).
 */
export class TokenBucket {
  private perMs = 0;
  private capacity = 1;
  private tokens = 1;
  private at = 0;

  /** null (or 0) means no limit. */
  configure(ratePerSecond: number | null): void {
    const perMs = ratePerSecond && ratePerSecond > 0 ? ratePerSecond / 1000 : 0;
    if (perMs === this.perMs) return;
    this.perMs = perMs;
    this.capacity = Math.max(1, perMs * 100);
    this.tokens = Math.min(this.tokens, this.capacity);
  }

  get limited(): boolean {
    return this.perMs > 0;
  }

  /** Milliseconds until a request may start; 0 means now. */
  waitMs(now: number): number {
    if (this.perMs === 0) return 0;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  /** Spends one request; call only when `waitMs` said 0. */
  take(now: number): void {
    if (this.perMs === 0) return;
    this.refill(now);
    this.tokens -= 1;
  }

  private refill(now: number): void {
    if (this.at === 0) this.at = now;
    this.tokens = Math.min(this.capacity, this.tokens + (now - this.at) * this.perMs);
    this.at = now;
  }
}
