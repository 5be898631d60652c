import type { Logger } from 'pino';
import type { Store } from '../store/Store.js';
import { WEBHOOK_PAGE_SIZE, pagesById } from '../store/webhookPages.js';
import { SecretBox } from './SecretBox.js';
import { openWebhook, sealWebhook, storedSecrets } from './webhookSecrets.js';

/** Meta key naming the key every stored secret is under ('none': stored as given). */
const META_KEY = 'secrets_key_id';

/**
 * Runs at start, on the raw store. When the configured key differs from the one the store
 * says everything is under (a first start with a key, a rotation, a key removed), every
 * webhook's secrets are re-encrypted under the configured key, so that old keys can be retired
 * after one start. A value no configured key opens stops the start with CONFIG_INVALID naming
 * the key it needs, rather than failing every delivery later. Without a key it warns.
 * The webhooks are read a page at a time across all businesses: one query a business took
 * 9–12 s on SQLite and over 30 s on PostgreSQL at 100,000 businesses (issue 19).
 */
export async function prepareSecrets(store: Store, box: SecretBox, log: Logger, pageSize = WEBHOOK_PAGE_SIZE): Promise<void> {
  const want = box.keyId ?? 'none';
  if (box.keyId === null) {
    log.warn('HOOKLINE_ENCRYPTION_KEY is not set: webhook secrets and custom header values are stored unencrypted (docs/reliability.md#secrets)');
  }
  if ((await store.getMeta(META_KEY)) === want) return;
  let rewritten = 0;
  for await (const page of pagesById((after, limit) => store.webhookSecretsAfter(after, limit), pageSize)) {
    // Re-encrypting is not a change anyone made to the webhook: a page is rewritten in one
    // transaction that leaves updated_at and the webhooks version as they were.
    const stale = page.filter((w) => !storedSecrets(w).every((v) => SecretBox.keyIdOf(v) === box.keyId));
    await store.rewriteWebhookSecrets(stale.map((w) => sealWebhook(openWebhook(w, box), w.id, box)));
    rewritten += stale.length;
  }
  // Rewriting leaves the earlier values in free space (issue 12 §6): scrub before saying it is done.
  if (box.keyId !== null) await store.scrubSecretsAtRest();
  await store.setMeta(META_KEY, want);
  if (rewritten > 0) log.info({ webhooks: rewritten, key: want }, 'webhook secrets re-encrypted under the configured key');
}
