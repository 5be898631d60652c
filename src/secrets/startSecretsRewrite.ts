import type { Logger } from 'pino';
import type { HooklineEvents } from '../events.js';
import type { Store } from '../store/Store.js';
import type { SecretBox } from './SecretBox.js';
import type { SecretsDue } from './checkSecrets.js';
import { rewriteSecrets, type RewriteResult } from './rewriteSecrets.js';

export interface SecretsRewrite {
  /** Settles when the rewrite has finished, failed or stopped; never rejects. */
  readonly settled: Promise<RewriteResult | null>;
  /** Stops after the page (or the scrub) in hand; the next start carries on. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * The rewrite that `checkSecrets` found due, run in the background of a healthy server: at
 * 300,000 webhooks it took 6.4 s plus a 1.1 s VACUUM, which kept every first start with a new
 * key past the 5 s start-up target (issue 19 §2). A failure is logged, not fatal: the values
 * still open as they are, and the next start tries again.
 */
export function startSecretsRewrite(opts: { store: Store; box: SecretBox; log: Logger; events: HooklineEvents; due: SecretsDue; pageSize?: number }): SecretsRewrite {
  const { store, box, log, events, due, pageSize } = opts;
  let stopping = false;
  log.info({ webhooks: due.stale, key: box.keyId ?? 'none', check_ms: due.checkMs }, 'webhook secrets: re-encrypting under the configured key in the background; values not yet rewritten still open as they are');
  const settled = (async (): Promise<RewriteResult | null> => {
    try {
      const result = await rewriteSecrets(store, box, log, { pageSize, stopping: () => stopping });
      if (result.complete) events.emit('secrets:rewritten', { webhooks: result.rewritten, passes: result.passes, scrub_ms: result.scrubMs });
      else if (stopping) log.info({ rewritten: result.rewritten }, 'webhook secrets: rewrite stopped with the server; the next start carries on');
      return result;
    } catch (err) {
      log.error({ err }, 'webhook secrets: the background rewrite failed; values not rewritten still open as they are, and the next start tries again');
      return null;
    }
  })();
  return {
    settled,
    async stop() {
      stopping = true;
      await settled;
    },
  };
}
