import { MemoryDedupeStore, type DedupeStore } from './DedupeStore.js';
import type { HeaderInput } from './headers.js';
import { VerifyError } from './VerifyError.js';
import { verifyWebhook, type DialectName, type VerifiedWebhook, type VerifyOptions } from './verifyWebhook.js';

/** Hookline retries for up to three days, so a duplicate can arrive that late. */
export const DEFAULT_DEDUPE_TTL_SECONDS = 3 * 24 * 3600;

export interface VerifierOptions extends VerifyOptions {
  dialect: DialectName;
  /** The webhook's secret, or several while a rotation overlaps (any one may match). */
  secrets: string | readonly string[];
  /** Where accepted ids are remembered; default an in-memory store; false turns de-duplication off. */
  dedupe?: DedupeStore | false;
  /** How long an accepted id is remembered, in seconds; default three days. */
  dedupeTtlSeconds?: number;
}

/**
 * Verification plus de-duplication for one endpoint. `verify` throws VerifyError('duplicate')
 * for an event already accepted; call `release` when handling an accepted one failed, so
 * that Hookline's retry is processed rather than dropped (the framework adapters do this
 * whenever the response is not 2xx).
 */
export class WebhookVerifier {
  readonly dialect: DialectName;
  readonly #options: VerifierOptions;
  readonly #dedupe: DedupeStore | null;
  readonly #ttlMs: number;

  constructor(options: VerifierOptions) {
    this.dialect = options.dialect;
    this.#options = options;
    this.#dedupe = options.dedupe === false ? null : (options.dedupe ?? new MemoryDedupeStore({ now: options.now }));
    this.#ttlMs = (options.dedupeTtlSeconds ?? DEFAULT_DEDUPE_TTL_SECONDS) * 1000;
  }

  async verify<T = unknown>(rawBody: string | Uint8Array, headers: HeaderInput): Promise<VerifiedWebhook<T>> {
    const webhook = verifyWebhook<T>(this.dialect, rawBody, headers, this.#options.secrets, this.#options);
    if (this.#dedupe && !(await this.#dedupe.claim(this.#key(webhook), this.#ttlMs))) {
      throw new VerifyError('duplicate', `Event ${webhook.id} was accepted before; it is a retry or a replay.`);
    }
    return webhook;
  }

  async release(webhook: VerifiedWebhook): Promise<void> {
    await this.#dedupe?.release(this.#key(webhook));
  }

  #key(webhook: VerifiedWebhook): string {
    return `${webhook.dialect}:${webhook.id}`;
  }
}
