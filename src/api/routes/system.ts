import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app.js';

export const systemRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.get('/healthz', { config: { auth: false }, schema: { hide: true } }, async () => ({ status: 'ok', version: ctx.version }));

    app.get('/metrics', { config: { auth: false }, schema: { hide: true } }, async (_req, reply) => {
      reply.type(ctx.metrics.contentType);
      return ctx.metrics.render();
    });

    app.get('/openapi.json', { config: { auth: false }, schema: { hide: true } }, async () => app.swagger());
  };
