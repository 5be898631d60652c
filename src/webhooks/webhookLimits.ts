import { envNames, type Config } from '../config.js';
import { HooklineError } from '../errors.js';
import type { Store } from '../store/Store.js';

/**
 * The bounds one business may ask for (issue 12): a webhook's `max_in_flight` and
 * `timeout_ms`, and how many webhooks a business may have. The API's schema holds the absolute
 * ranges; these are the server's own, set by its operator, and each refusal names the field,
 * the limit and the setting that raises it.
 */
export function checkWebhookBounds(config: Config, asked: { max_in_flight?: number; timeout_ms?: number }): void {
  if (asked.max_in_flight !== undefined && asked.max_in_flight > config.maxWebhookInFlight) {
    tooMuch('max_in_flight', `${asked.max_in_flight} is more than this server allows (at most ${config.maxWebhookInFlight} requests at once per webhook; its operator sets ${envNames.maxWebhookInFlight})`);
  }
  if (asked.timeout_ms !== undefined && asked.timeout_ms > config.maxWebhookTimeoutMs) {
    tooMuch('timeout_ms', `${asked.timeout_ms} is more than this server allows (at most ${config.maxWebhookTimeoutMs} ms per attempt; its operator sets ${envNames.maxWebhookTimeoutMs})`);
  }
}

/** With the field's pointer, as schema errors carry it, so a form can show it beside the field. */
function tooMuch(field: string, why: string): never {
  throw new HooklineError('LIMIT_EXCEEDED', `${field}: ${why}.`, { errors: [{ pointer: `/body/${field}`, message: why }] });
}

/**
 * Refuses a new webhook when the business has as many as it may. Counted before the insert,
 * not by a database constraint: two creates at the same instant can pass one over the limit.
 */
export async function checkRoomForWebhook(config: Config, store: Store, businessId: string): Promise<void> {
  const limit = config.maxWebhooksPerBusiness;
  const count = (await store.webhooksOfBusiness(businessId)).length;
  if (count >= limit) {
    throw new HooklineError(
      'LIMIT_EXCEEDED',
      `Business "${businessId}" has ${count} webhooks, the most this server allows (${limit}; its operator sets ${envNames.maxWebhooksPerBusiness}); delete one it no longer needs first.`,
    );
  }
}
