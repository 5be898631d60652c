import type { Logger } from 'pino';
import type { Store } from '../store/Store.js';
import { WEBHOOK_PAGE_SIZE, pagesById } from '../store/webhookPages.js';
import { SecretBox } from './SecretBox.js';
import { openWebhook, storedSecrets } from './webhookSecrets.js';
import { SECRETS_KEY_META } from './rewriteSecrets.js';

/** What the start found: how many webhooks hold a value not under the configured key. */
export interface SecretsDue {
  stale: number;
  /** How long the check took, for the log: it is what a first start with a new key adds. */
  checkMs: number;
}

/**
 * Runs at start, on the raw store, before anything is served. When the configured key differs
 * from the one the store says everything is under (a first start with a key, a rotation, a key
 * removed), reads every webhook's secrets and opens each value not under the configured key: a
 * value no configured key opens stops the start with CONFIG_INVALID naming the key it needs,
 * rather than failing every delivery later. Returns null when nothing is left to rewrite;
 * otherwise the rewrite itself runs after the server is healthy (`startSecretsRewrite`): it
 * took 6.4 s of a 7.6 s start at 300,000 webhooks, the read alone 0.8 s (issue 19).
 * The webhooks are read a page at a time across all businesses: one query a business took
 * 9–12 s on SQLite and over 30 s on PostgreSQL at 100,000 businesses.
 */
export async function checkSecrets(store: Store, box: SecretBox, log: Logger, pageSize = WEBHOOK_PAGE_SIZE): Promise<SecretsDue | null> {
  const want = box.keyId ?? 'none';
  if (box.keyId === null) {
    log.warn('HOOKLINE_ENCRYPTION_KEY is not set: webhook secrets and custom header values are stored unencrypted (docs/reliability.md#secrets)');
  }
  if ((await store.getMeta(SECRETS_KEY_META)) === want) return null;
  const started = performance.now();
  let stale = 0;
  for await (const page of pagesById((after, limit) => store.webhookSecretsAfter(after, limit), pageSize)) {
    for (const w of page) {
      const keys = storedSecrets(w).map(SecretBox.keyIdOf);
      if (keys.every((k) => k === box.keyId)) continue;
      stale += 1;
      // Plaintext needs no key; opening the rest proves each key is here and each value intact.
      // Skipping the plaintext rows keeps a first start with a key to the read alone.
      if (keys.some((k) => k !== null && k !== box.keyId)) openWebhook(w, box);
    }
  }
  // Without a key there is nothing to scrub: with nothing stale either, the record is all that is due.
  if (stale === 0 && box.keyId === null) {
    await store.setMeta(SECRETS_KEY_META, want);
    return null;
  }
  return { stale, checkMs: Math.round(performance.now() - started) };
}
