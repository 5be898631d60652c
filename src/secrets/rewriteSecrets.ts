import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Store } from '../store/Store.js';
import { WEBHOOK_PAGE_SIZE, pagesById } from '../store/webhookPages.js';
import { SecretBox } from './SecretBox.js';
import { openWebhook, sealWebhook, storedSecrets } from './webhookSecrets.js';

/** Meta key naming the key every stored secret is under ('none': stored as given). */
export const SECRETS_KEY_META = 'secrets_key_id';

/** Passes before giving up on webhooks that an API client keeps changing under the rewrite. */
const MAX_PASSES = 5;
/** How often progress reaches the info log; every page goes to debug. */
const PROGRESS_EVERY_MS = 5_000;

export interface RewriteOptions {
  pageSize?: number;
  /** Asked between pages: true leaves the rest to the next start. */
  stopping?: () => boolean;
}

export interface RewriteResult {
  /** False when stopped, or when webhooks kept changing: the next start carries on. */
  complete: boolean;
  rewritten: number;
  passes: number;
  /** How long the scrub (VACUUM) took; null when it did not run. */
  scrubMs: number | null;
}

/**
 * Re-encrypts every webhook's secrets under the configured key, a page at a time, then scrubs
 * what the old values left in the database (with a key) and records the key, so later starts
 * skip all this. Runs while the server serves: each page is one short transaction, and the
 * loop yields between pages so publishes and API calls queued on the store go first.
 * Re-encrypting is not a change anyone made to the webhook: `updated_at` and the webhooks
 * version stay as they were, and a webhook changed by the API since its page was read is left
 * alone (the store compares `updated_at`). Such a webhook may still hold an old value in a
 * field the change did not touch, so the pass repeats until one finds nothing skipped.
 * Until a webhook is rewritten its old values still open: plaintext passes through, and an
 * earlier key is still configured (HOOKLINE_ENCRYPTION_KEYS_OLD).
 */
export async function rewriteSecrets(store: Store, box: SecretBox, log: Logger, opts: RewriteOptions = {}): Promise<RewriteResult> {
  const pageSize = opts.pageSize ?? WEBHOOK_PAGE_SIZE;
  const stopping = opts.stopping ?? (() => false);
  const want = box.keyId ?? 'none';
  const started = performance.now();
  let rewritten = 0;
  let lastReport = started;
  let passes = 0;
  for (let pass = 1; ; pass++) {
    passes = pass;
    let skipped = 0;
    let read = 0;
    for await (const page of pagesById((after, limit) => store.webhookSecretsAfter(after, limit), pageSize)) {
      if (stopping()) return { complete: false, rewritten, passes: pass, scrubMs: null };
      const stale = page.filter((w) => !storedSecrets(w).every((v) => SecretBox.keyIdOf(v) === box.keyId));
      const written = await store.rewriteWebhookSecrets(stale.map((w) => sealWebhook(openWebhook(w, box), w.id, box)));
      rewritten += written;
      skipped += stale.length - written;
      read += page.length;
      log.debug({ pass, read, rewritten }, 'webhook secrets: page rewritten');
      if (performance.now() - lastReport >= PROGRESS_EVERY_MS) {
        lastReport = performance.now();
        log.info({ pass, read, rewritten, elapsed_ms: Math.round(lastReport - started) }, 'webhook secrets: re-encrypting in the background');
      }
      await nextTurn();
    }
    if (skipped === 0) break;
    if (pass === MAX_PASSES) {
      log.warn({ skipped, passes: pass }, 'webhook secrets: some webhooks changed under every pass; the next start finishes them');
      return { complete: false, rewritten, passes: pass, scrubMs: null };
    }
    log.info({ skipped }, 'webhook secrets: webhooks changed during the pass; passing again for those');
  }
  if (stopping()) return { complete: false, rewritten, passes, scrubMs: null };
  let scrubMs: number | null = null;
  // Rewriting leaves the earlier values in free space (issue 12 §6): scrub before saying it is done.
  if (box.keyId !== null) {
    log.info('webhook secrets: scrubbing earlier values from the database (SQLite: VACUUM, PostgreSQL: VACUUM FULL webhooks); writes wait until it ends');
    const t = performance.now();
    await store.scrubSecretsAtRest();
    scrubMs = Math.round(performance.now() - t);
  }
  await store.setMeta(SECRETS_KEY_META, want);
  log.info({ webhooks: rewritten, key: want, duration_ms: Math.round(performance.now() - started), scrub_ms: scrubMs }, 'webhook secrets re-encrypted under the configured key');
  return { complete: true, rewritten, passes, scrubMs };
}
