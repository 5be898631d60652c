import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';

/** Health. */
export function systemRoutes(app: FastifyInstance): void {
  app.get(
    '/health',
    { config: { auth: false }, schema: { tags: ['svix'], operationId: 'svixHealth', response: { 204: Type.Null({ description: 'Healthy' }) }, summary: 'Liveness, no auth (204)', security: [] } },
    async (_req, reply) => reply.code(204).send(),
  );
}
