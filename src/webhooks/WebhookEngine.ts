import type { WebhookRow } from '../store/Store.js';

/**
 * What the webhooks service needs from the delivery engine, and nothing more. The service
 * depends on this port rather than on `Dispatcher`, so whatever public face the engine shows
 * (today the Dispatcher itself) is wired in at one place, `src/app.ts`.
 */
export interface WebhookEngine {
  /** A webhook changed or went away: drop what the engine cached about it before its next send. */
  invalidate(webhookId: string): void;
  /** Deliveries became due outside the engine's own schedule: claim now rather than at the next poll. */
  wake(): void;
  /** Sends the webhook's ownership challenge through the engine's sender; resolves with whether its URL echoed it. */
  verifyOwnership(webhook: WebhookRow): Promise<{ ok: true } | { ok: false; reason: string }>;
}
