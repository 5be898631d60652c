import type { HooklineEvents } from '../events.js';
import type { Store, WebhookRow } from '../store/Store.js';
import { webhookPages } from '../store/webhookPages.js';
import { clientCertExpiry } from '../webhooks/endpointInput.js';
import { PLATFORM_BUSINESS } from './OperationalEvents.js';
import type { Publisher } from './Publisher.js';

/** How long before a client certificate expires its business is told (issue 18). */
export const CERTIFICATE_WARNING_MS = 14 * 24 * 3600 * 1000;
/** How often every webhook's certificate is looked at; a day's warning window needs no finer grain. */
const SCAN_EVERY_MS = 3600 * 1000;
const DAY_MS = 24 * 3600 * 1000;

/**
 * Raises `hookline/certificate.expiring` once per client certificate, 14 days before it
 * expires: when a certificate that close to its end is saved, and from an hourly scan of every
 * webhook otherwise. The expiry it warned about is recorded on the webhook
 * (`tls_expiry_notified`), so a restart does not warn again, and a new certificate warns anew.
 * Across processes two may warn about the same certificate in the same hour; that rare
 * duplicate is cheaper than a lock.
 */
export class CertificateExpiryWatch {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { store: Store; publisher: Publisher; events: HooklineEvents; now?: () => number }) {}

  start(): void {
    this.timer = setInterval(() => void this.scan(), SCAN_EVERY_MS);
    this.timer.unref();
    void this.scan();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** A webhook's certificate was saved: warn now if it is already inside the window. */
  saved(webhook: WebhookRow): void {
    this.running = this.running.then(() => this.check([webhook]));
  }

  /** Every webhook of every business. */
  scan(): Promise<void> {
    this.running = this.running.then(async () => {
      for await (const page of webhookPages(this.deps.store)) await this.check(page.filter((w) => w.tls?.client_cert));
    });
    return this.running;
  }

  private async check(webhooks: WebhookRow[]): Promise<void> {
    try {
      const now = (this.deps.now ?? Date.now)();
      const due: { w: WebhookRow; expiresAt: number }[] = [];
      for (const w of webhooks) {
        const expiresAt = clientCertExpiry(w.tls);
        if (expiresAt === null || expiresAt - now > CERTIFICATE_WARNING_MS || w.tls_expiry_notified === expiresAt) continue;
        due.push({ w, expiresAt });
      }
      if (due.length === 0) return;
      const platform = (await this.deps.store.getBusiness(PLATFORM_BUSINESS)) !== null;
      const items = due.flatMap(({ w, expiresAt }) => {
        const input = {
          type: 'hookline/certificate.expiring',
          data: {
            business_id: w.business_id, webhook_id: w.id, webhook_name: w.name, url: w.url,
            expires_at: new Date(expiresAt).toISOString(), days_left: Math.floor((expiresAt - now) / DAY_MS),
          },
        };
        return [
          { businessId: w.business_id, input, about: w.id },
          ...(platform && w.business_id !== PLATFORM_BUSINESS ? [{ businessId: PLATFORM_BUSINESS, input, about: w.id }] : []),
        ];
      });
      await this.deps.publisher.publishOperational(items);
      // Its own updated_at: recording a warning is not a change anyone made to the webhook.
      for (const { w, expiresAt } of due) await this.deps.store.updateWebhook(w.business_id, w.id, { tls_expiry_notified: expiresAt }, w.updated_at);
    } catch (err) {
      this.deps.events.emit('dispatcher:error', err as Error);
    }
  }
}
