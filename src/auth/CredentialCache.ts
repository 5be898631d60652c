/** Entries a cache holds at most; past it, it starts over rather than track ages to evict by. */
export const MAX_CACHED_CREDENTIALS = 10_000;

/**
 * What TokenAuth and PortalAuth keep of the credentials they looked up, keyed by the
 * credential's hash. A found value is trusted for `ttlMs` (how long a revocation made on
 * another process may go unseen here); a miss is not kept, so a credential issued on another
 * process works at once.
 */
export class CredentialCache<V> {
  private readonly entries = new Map<string, { value: V; fetchedAt: number }>();

  constructor(private readonly ttlMs: number) {}

  /** The value cached under `hash` if younger than ttlMs, else what `load` finds now (null: nothing). */
  async get(hash: string, now: number, load: () => Promise<V | null>): Promise<V | null> {
    const cached = this.entries.get(hash);
    if (cached && now - cached.fetchedAt < this.ttlMs) return cached.value;
    const value = await load();
    if (value === null) {
      this.entries.delete(hash);
      return null;
    }
    if (this.entries.size >= MAX_CACHED_CREDENTIALS) this.entries.clear();
    this.entries.set(hash, { value, fetchedAt: now });
    return value;
  }

  /** Drops every value `revoked` picks, so that this process refuses it at once. */
  forget(revoked: (value: V) => boolean): void {
    for (const [hash, entry] of this.entries) if (revoked(entry.value)) this.entries.delete(hash);
  }
}
