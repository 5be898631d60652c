import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';

/** How long an answer is kept for its key, as Svix keeps them. */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const MAX_KEY_LENGTH = 256;

interface KeptAnswer {
  request: string;
  status: number;
  contentType: string | null;
  body: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    svixIdempotency: { scope: string; key: string; request: string } | null;
  }
}

/**
 * `idempotency-key` on a POST: the first answer (below 500) is kept for a day, and the same key
 * with the same method, path and body gets it again without running anything. The SDK sends
 * a key with every POST and the same key on its own retries, so a retried message is not sent twice.
 */
export function registerIdempotency(app: FastifyInstance, ctx: AppContext): void {
  const { store } = ctx;
  app.decorateRequest('svixIdempotency', null);

  const scopeOf = (req: FastifyRequest): string => (req.principal?.kind === 'business' ? req.principal.businessId : 'admin');

  app.addHook('preHandler', async (req, reply) => {
    const key = req.headers['idempotency-key'];
    if (req.method !== 'POST' || typeof key !== 'string' || key === '' || !req.principal) return;
    if (key.length > MAX_KEY_LENGTH) throw new HooklineError('BAD_REQUEST', `The idempotency-key header is longer than ${MAX_KEY_LENGTH} characters.`);
    const request = createHash('sha256').update(`${req.method} ${req.url}\n${JSON.stringify(req.body ?? null)}`).digest('base64url');
    const scope = scopeOf(req);
    const [kept] = await store.getSvixRecords('idempotency', scope, [key]);
    if (kept && kept.created_at > Date.now() - IDEMPOTENCY_TTL_MS) {
      const answer = JSON.parse(kept.body) as KeptAnswer;
      if (answer.request !== request) {
        throw new HooklineError('IDEMPOTENCY_CONFLICT', 'This idempotency-key was used for a different request (method, path or body); use a new key for a new request.');
      }
      if (answer.contentType) reply.type(answer.contentType);
      return reply.code(answer.status).header('idempotent-replayed', 'true').send(answer.body === '' ? undefined : answer.body);
    }
    req.svixIdempotency = { scope, key, request };
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const pending = req.svixIdempotency;
    if (!pending || reply.statusCode >= 500 || (payload !== null && payload !== undefined && typeof payload !== 'string')) return payload;
    const now = Date.now();
    const answer: KeptAnswer = { request: pending.request, status: reply.statusCode, contentType: (reply.getHeader('content-type') as string | undefined) ?? null, body: payload ?? '' };
    await store.putSvixRecord({ kind: 'idempotency', scope: pending.scope, id: pending.key, uid: null, body: JSON.stringify(answer), created_at: now, updated_at: now });
    return payload;
  });
}
