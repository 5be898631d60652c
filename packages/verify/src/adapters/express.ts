import type { HeaderInput } from '../headers.js';
import { VerifyError, rejection } from '../VerifyError.js';
import type { WebhookVerifier } from '../WebhookVerifier.js';

/** The parts of Express's request and response this middleware touches (no express import). */
interface Req {
  body?: unknown;
  headers: HeaderInput;
}
interface Res {
  statusCode: number;
  locals: Record<string, unknown>;
  status(code: number): { json(body: unknown): unknown };
  on(event: 'finish', listener: () => void): unknown;
}

/**
 * Express middleware. Mount it after `express.raw({ type: 'application/json' })`, which
 * keeps the body as the bytes that were signed; the verified webhook is `res.locals.webhook`.
 */
export function expressWebhook(verifier: WebhookVerifier) {
  return (req: Req, res: Res, next: (err?: unknown) => void): void => {
    const raw = req.body;
    if (!(raw instanceof Uint8Array) && typeof raw !== 'string') {
      next(new Error('hookline/verify needs the raw body: mount express.raw({ type: "application/json" }) before expressWebhook().'));
      return;
    }
    verifier.verify(raw, req.headers).then(
      (webhook) => {
        res.locals['webhook'] = webhook;
        res.on('finish', () => {
          if (res.statusCode < 200 || res.statusCode >= 300) void verifier.release(webhook);
        });
        next();
      },
      (err: unknown) => {
        if (!(err instanceof VerifyError)) return next(err);
        const { status, body } = rejection(err);
        res.status(status).json(body);
      },
    );
  };
}
