import type { Store } from '../store/Store.js';
import { hashToken } from './hashToken.js';

export type Principal = { kind: 'admin' } | { kind: 'business'; businessId: string };

/**
 * Resolves bearer tokens. Tokens are never revoked today, so resolved hashes are cached; a
 * miss is not cached, so a token issued by another process works at once.
 */
export class TokenAuth {
  private readonly cache = new Map<string, Principal>();

  constructor(private readonly store: Store) {}

  async resolve(token: string): Promise<Principal | null> {
    if (token.length < 16 || token.length > 512) return null;
    const hash = hashToken(token);
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const row = await this.store.findToken(hash);
    if (!row) return null;
    const principal: Principal = row.business_id === null ? { kind: 'admin' } : { kind: 'business', businessId: row.business_id };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(hash, principal);
    return principal;
  }

  /** The business a principal may act for: its own, or any for an admin. */
  static reaches(p: Principal, businessId: string): boolean {
    return p.kind === 'admin' || p.businessId === businessId;
  }
}
