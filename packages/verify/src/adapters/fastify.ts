import type { HeaderInput } from '../headers.js';
import type { VerifiedWebhook } from '../verifyWebhook.js';
import { VerifyError, rejection } from '../VerifyError.js';
import type { WebhookVerifier } from '../WebhookVerifier.js';

/** The parts of Fastify's request and reply this hook touches (no fastify import). */
interface Request {
  body: unknown;
  headers: HeaderInput;
  webhook?: VerifiedWebhook;
}
interface Reply {
  code(status: number): { send(body: unknown): unknown };
  raw: { statusCode: number; on(event: 'finish', listener: () => void): unknown };
}

/**
 * A Fastify `preHandler`. The route needs the body as bytes, which one line gives it:
 * `app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))`.
 * After the check, `request.body` is the parsed payload and `request.webhook` the whole result.
 */
export function fastifyWebhook(verifier: WebhookVerifier) {
  return async (request: Request, reply: Reply): Promise<unknown> => {
    const raw = request.body;
    if (!(raw instanceof Uint8Array) && typeof raw !== 'string') {
      throw new Error('hookline/verify needs the raw body: add a content-type parser with parseAs "buffer" for application/json.');
    }
    let webhook: VerifiedWebhook;
    try {
      webhook = await verifier.verify(raw, request.headers);
    } catch (err) {
      if (!(err instanceof VerifyError)) throw err;
      const { status, body } = rejection(err);
      // Fastify's async hooks must return the reply once they have sent it.
      return reply.code(status).send(body);
    }
    request.webhook = webhook;
    request.body = webhook.payload;
    reply.raw.on('finish', () => {
      if (reply.raw.statusCode < 200 || reply.raw.statusCode >= 300) void verifier.release(webhook);
    });
    return undefined;
  };
}
