import type { Store } from '../store/Store.js';
import { newToken } from '../ids.js';
import { hashToken } from './hashToken.js';

/**
 * Makes sure an admin (directory) token exists. A token from configuration is registered by
 * its hash; without one, the first start generates a token and returns it so the caller can
 * print it once. Only its hash is stored, so it cannot be shown again.
 */
export async function ensureAdminToken(store: Store, configured: string | null): Promise<string | null> {
  const now = Date.now();
  if (configured) {
    const hash = hashToken(configured);
    if (!(await store.findToken(hash))) await store.createToken(hash, null, now);
    return null;
  }
  const token = newToken('admin');
  const winner = await store.setMetaIfAbsent('admin_token_generated_at', String(now));
  if (winner !== String(now)) return null;
  await store.createToken(hashToken(token), null, now);
  return token;
}
