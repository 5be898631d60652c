import type { NewTokenRow, Store } from '../store/Store.js';
import { newToken, newTokenId } from '../ids.js';
import { hashToken } from './hashToken.js';
import { tokenPrefix } from './tokenPrefix.js';

/** Set once an admin token exists (generated or configured); a start without one then generates none. */
const ADMIN_TOKEN_META = 'admin_token_generated_at';

/**
 * Makes sure an admin (directory) token exists. A configured token becomes the only admin
 * token: every other one, configured before or generated on a first start, is deleted (issue
 * 12), so a restart with a new HOOKLINE_ADMIN_TOKEN revokes the old. Without one, the first
 * start generates a token and returns it so the caller can print it once; only its hash is
 * stored, so it cannot be shown again.
 */
export async function ensureAdminToken(store: Store, configured: string | null): Promise<string | null> {
  const now = Date.now();
  if (configured) {
    // No prefix: an operator's own token may be short on randomness, so none of it is stored.
    await store.replaceAdminTokens(adminTokenRow(configured, null, now));
    await store.setMetaIfAbsent(ADMIN_TOKEN_META, String(now));
    return null;
  }
  const token = newToken('admin');
  const winner = await store.setMetaIfAbsent(ADMIN_TOKEN_META, String(now));
  if (winner !== String(now)) return null;
  await store.createToken(adminTokenRow(token, tokenPrefix(token), now));
  return token;
}

function adminTokenRow(token: string, prefix: string | null, now: number): NewTokenRow {
  return { token_hash: hashToken(token), id: newTokenId(), business_id: null, name: 'admin', prefix, created_at: now, expires_at: null };
}
