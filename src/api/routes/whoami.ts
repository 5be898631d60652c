import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { problemResponses } from '../schemas.js';

/**
 * What the presented token is. A business token does not name its business, and the
 * dashboard must know which business to open after signing in.
 */
export const whoamiRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.get(
      '/v1/whoami',
      {
        schema: {
          operationId: 'getWhoami',
          tags: ['businesses'],
          summary: 'The kind of token presented, and its business',
          response: {
            200: Type.Object({
              kind: Type.Union([Type.Literal('admin'), Type.Literal('business')]),
              business: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
            }),
            ...problemResponses,
          },
        },
      },
      async (req) => {
        const p = req.principal!;
        if (p.kind === 'admin') return { kind: 'admin' as const, business: null };
        const b = await ctx.store.getBusiness(p.businessId);
        return { kind: 'business' as const, business: b ? { id: b.id, name: b.name } : { id: p.businessId, name: p.businessId } };
      },
    );
  };
