import type { Store, TokenGrant } from '../store/Store.js';
import { CredentialCache, MAX_CACHED_CREDENTIALS } from './CredentialCache.js';
import { hashToken } from './hashToken.js';

export type Principal = { kind: 'admin' } | { kind: 'business'; businessId: string } | PortalPrincipal;
/**
 * An embeddable portal session (issue 14, src/auth/PortalAuth.ts): reaches its business as a
 * business token does; `readOnly` refuses every write.
 */
export type PortalPrincipal = { kind: 'portal'; businessId: string; sessionId: string; readOnly: boolean };

/** A token that authenticates, or why not: unknown (never issued, or revoked) or expired. */
export type TokenCheck = { ok: true; principal: Principal; tokenId: string } | { ok: false; expiredAt: number | null };

/**
 * How long a looked-up token is trusted without asking the store again. A token revoked on
 * another process (PostgreSQL) is refused here at most this long after; issue 12 asks for
 * under 1 s. At 500 ms a busy token costs one indexed lookup per process twice a second.
 */
export const TOKEN_CACHE_MS = 500;
/** last_used_at is written at most this often per token and process: a use is not a write. */
export const LAST_USED_GRANULARITY_MS = 60_000;

/**
 * Resolves bearer tokens. Found tokens are cached for TOKEN_CACHE_MS; a miss is not cached, so
 * a token issued by another process works at once. Expiry is checked on every request, cached
 * or not. A revocation made through this process is forgotten at once (`forget`).
 */
export class TokenAuth {
  private readonly cache = new CredentialCache<{ grant: TokenGrant; principal: Principal }>(TOKEN_CACHE_MS);
  /** When this process last wrote each token's last_used_at. */
  private readonly touchedAt = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  async check(token: string): Promise<TokenCheck> {
    if (token.length < 16 || token.length > 512) return { ok: false, expiredAt: null };
    const hash = hashToken(token);
    const now = this.now();
    const entry = await this.cache.get(hash, now, async () => {
      const found = await this.store.findToken(hash);
      return found && { grant: found, principal: principalOf(found) };
    });
    if (!entry) return { ok: false, expiredAt: null };
    const { grant } = entry;
    if (grant.expires_at !== null && grant.expires_at <= now) return { ok: false, expiredAt: grant.expires_at };
    this.noteUse(grant, now);
    return { ok: true, principal: entry.principal, tokenId: grant.id };
  }

  /** The principal a token stands for, or null for any token that does not authenticate. */
  async resolve(token: string): Promise<Principal | null> {
    const c = await this.check(token);
    return c.ok ? c.principal : null;
  }

  /** Drops a revoked token from this process's cache, so that it is refused here at once. */
  forget(tokenId: string): void {
    this.cache.forget((entry) => entry.grant.id === tokenId);
    this.touchedAt.delete(tokenId);
  }

  /** The business a principal may act for: its own, or any for an admin. */
  static reaches(p: Principal, businessId: string): boolean {
    return p.kind === 'admin' || p.businessId === businessId;
  }

  private noteUse(grant: TokenGrant, now: number): void {
    const last = Math.max(grant.last_used_at ?? 0, this.touchedAt.get(grant.id) ?? 0);
    if (now - last < LAST_USED_GRANULARITY_MS) return;
    if (this.touchedAt.size >= MAX_CACHED_CREDENTIALS) this.touchedAt.clear();
    this.touchedAt.set(grant.id, now);
    // Not awaited: last_used_at is a hint for people, and a request must not wait on it or fail with it.
    this.store.touchToken(grant.id, now).catch(() => this.touchedAt.delete(grant.id));
  }
}

function principalOf(grant: TokenGrant): Principal {
  return grant.business_id === null ? { kind: 'admin' } : { kind: 'business', businessId: grant.business_id };
}
