import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { sendSvixError } from './svixErrors.js';
import { toHooklineError } from '../problem.js';
import { registerIdempotency } from './idempotency.js';
import { applicationRoutes } from './applications.js';
import { endpointRoutes } from './endpoints.js';
import { endpointActionRoutes } from './endpointActions.js';
import { messageRoutes } from './messages.js';
import { attemptRoutes } from './attempts.js';
import { eventTypeRoutes } from './eventTypes.js';
import { systemRoutes } from './system.js';
import { portalAccessRoutes } from './portalAccess.js';
import { SvixRecordSweeper } from './SvixRecordSweeper.js';

export const SVIX_PREFIX = '/api/v1';

/**
 * Svix's REST API over Hookline (docs/svix.md), registered under /api/v1 with its own error
 * and not-found handlers, so every answer here, including Fastify's own failures, is in
 * Svix's shapes and never problem+json. The bearer token is checked by the server's hook.
 */
export const svixApi =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.setErrorHandler((err, request, reply) => {
      const error = toHooklineError(err as Error);
      // A 501 is a known gap (docs/svix.md), not a failure worth a log line.
      if (error.status >= 500 && error.code !== 'NOT_IMPLEMENTED') request.log.error({ err }, 'request failed');
      return sendSvixError(reply, error);
    });
    app.setNotFoundHandler((request, reply) =>
      sendSvixError(
        reply,
        new HooklineError('NOT_SERVED', `Hookline does not serve ${request.method} ${request.url.split('?')[0]} of Svix's API; docs/svix.md lists what it serves.`),
      ),
    );
    registerIdempotency(app, ctx);
    const sweeper = new SvixRecordSweeper(ctx.store, ctx.config.retentionDays, (err) => ctx.log.warn({ err }, 'purging old Svix records failed; the next pass retries'));
    sweeper.start();
    app.addHook('onClose', () => sweeper.stop());
    applicationRoutes(app, ctx);
    endpointRoutes(app, ctx);
    endpointActionRoutes(app, ctx);
    messageRoutes(app, ctx);
    attemptRoutes(app, ctx);
    eventTypeRoutes(app, ctx);
    systemRoutes(app);
    portalAccessRoutes(app, ctx);
  };
