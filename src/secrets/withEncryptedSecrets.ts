import type { Page, Store, WebhookPatch, WebhookRow, WebhookSecretsRow } from '../store/Store.js';
import type { SecretBox } from './SecretBox.js';
import { openWebhook, sealWebhook } from './webhookSecrets.js';

/**
 * The Store methods that take or return webhook rows, and so carry secrets. A test checks that
 * every store method whose name mentions webhooks is either here or in NO_SECRETS, so a method
 * added later cannot hand ciphertext (or take plaintext) unnoticed.
 */
export const SEALED_METHODS = ['createWebhook', 'getWebhook', 'getWebhookById', 'listWebhooks', 'webhooksOfBusiness', 'webhooksAfter', 'webhookSecretsAfter', 'rewriteWebhookSecrets', 'updateWebhook'] as const;
/** Store methods about webhooks that neither take nor return secrets. */
export const NO_SECRETS = [
  'deleteWebhook', 'webhooksVersion', 'webhooksWithUrlPrefix', 'webhookChangesSince', 'setWebhookHealth', 'unparkWebhook', 'unhealthyWebhookIds', 'bumpWebhooksVersion',
] as const;

/**
 * The store as the rest of Hookline sees it: webhook secrets and custom header values are
 * encrypted on the way in and decrypted on the way out (docs/reliability.md#secrets). A thin
 * layer over either store, so both keep one contract and neither knows about keys; every other
 * call passes straight through.
 */
export function withEncryptedSecrets(store: Store, box: SecretBox): Store {
  const open = (w: WebhookRow | null): WebhookRow | null => (w ? openWebhook(w, box) : null);
  const sealed: Pick<Store, (typeof SEALED_METHODS)[number]> = {
    async createWebhook(row: WebhookRow): Promise<WebhookRow> {
      await store.createWebhook(sealWebhook(row, row.id, box));
      return row;
    },
    async getWebhook(businessId: string, id: string) {
      return open(await store.getWebhook(businessId, id));
    },
    async getWebhookById(id: string) {
      return open(await store.getWebhookById(id));
    },
    async listWebhooks(businessId: string, opts: { cursor?: string; limit: number }): Promise<Page<WebhookRow>> {
      const page = await store.listWebhooks(businessId, opts);
      return { ...page, data: page.data.map((w) => openWebhook(w, box)) };
    },
    async webhooksOfBusiness(businessId: string) {
      return (await store.webhooksOfBusiness(businessId)).map((w) => openWebhook(w, box));
    },
    async webhooksAfter(afterId: string, limit: number) {
      return (await store.webhooksAfter(afterId, limit)).map((w) => openWebhook(w, box));
    },
    async webhookSecretsAfter(afterId: string, limit: number) {
      return (await store.webhookSecretsAfter(afterId, limit)).map((w) => openWebhook(w, box));
    },
    async rewriteWebhookSecrets(rows: WebhookSecretsRow[]) {
      return store.rewriteWebhookSecrets(rows.map((r) => sealWebhook(r, r.id, box)));
    },
    async updateWebhook(businessId: string, id: string, patch: WebhookPatch, now: number) {
      return open(await store.updateWebhook(businessId, id, sealWebhook(patch, id, box), now));
    },
  };
  return new Proxy(store, {
    get(target, prop) {
      if (typeof prop === 'string' && Object.hasOwn(sealed, prop)) return sealed[prop as keyof typeof sealed];
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
