/**
 * Where a verifier remembers the events it has accepted. The in-memory store suits one
 * process; several receiver processes need a shared one (Redis `SET key 1 NX PX ttl` is the
 * usual choice), which only has to implement these two methods.
 */
export interface DedupeStore {
  /** Records `key` for `ttlMs`; false when it is already recorded (a duplicate). */
  claim(key: string, ttlMs: number): boolean | Promise<boolean>;
  /** Forgets `key`, so that a retry of an event whose handling failed is processed. */
  release(key: string): void | Promise<void>;
}

export interface MemoryDedupeOptions {
  /** Keys kept at most; the oldest go first. Default 100000 (a few MB). */
  maxEntries?: number;
  /** The current time in ms; default Date.now. */
  now?: () => number;
}

/**
 * A bounded in-process store. Entries expire by time and are swept as new ones arrive, so it
 * needs no timer (nothing keeps the process alive). Every key gets the same TTL from one
 * verifier, so insertion order is expiry order and sweeping only looks at the front.
 */
export class MemoryDedupeStore implements DedupeStore {
  readonly #expires = new Map<string, number>();
  readonly #max: number;
  readonly #now: () => number;

  constructor(options: MemoryDedupeOptions = {}) {
    this.#max = options.maxEntries ?? 100_000;
    this.#now = options.now ?? Date.now;
  }

  claim(key: string, ttlMs: number): boolean {
    const now = this.#now();
    this.#sweep(now);
    const until = this.#expires.get(key);
    if (until !== undefined && until > now) return false;
    this.#expires.delete(key);
    this.#expires.set(key, now + ttlMs);
    while (this.#expires.size > this.#max) this.#expires.delete(this.#expires.keys().next().value as string);
    return true;
  }

  release(key: string): void {
    this.#expires.delete(key);
  }

  get size(): number {
    return this.#expires.size;
  }

  #sweep(now: number): void {
    for (const [key, until] of this.#expires) {
      if (until > now) return;
      this.#expires.delete(key);
    }
  }
}
