import { VerifyError, rejection } from '../VerifyError.js';
import type { WebhookVerifier } from '../WebhookVerifier.js';

/** The parts of Hono's context this middleware touches (no hono import). */
interface Context {
  req: { arrayBuffer(): Promise<ArrayBuffer>; raw: { headers: { get(name: string): string | null } } };
  res: { status: number };
  set(key: 'webhook', value: unknown): void;
  json(body: unknown, status: 200 | 400 | 401 | 500): Response;
}

/**
 * Hono middleware: `app.post('/hook', honoWebhook(verifier), (c) => …c.get('webhook')…)`.
 * It reads the raw bytes itself; Hono caches them, so the handler may still call `c.req.json()`.
 */
export function honoWebhook(verifier: WebhookVerifier) {
  return async (c: Context, next: () => Promise<void>): Promise<Response | void> => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    let webhook;
    try {
      webhook = await verifier.verify(raw, c.req.raw.headers);
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      const { status, body } = rejection(err);
      return c.json(body, status as 200 | 400 | 401 | 500);
    }
    c.set('webhook', webhook);
    try {
      await next();
    } catch (err) {
      await verifier.release(webhook);
      throw err;
    }
    if (c.res.status < 200 || c.res.status >= 300) await verifier.release(webhook);
  };
}
