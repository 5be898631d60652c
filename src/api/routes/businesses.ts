import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { presentBusiness } from '../present.js';
import { Business, BusinessParams, CreateBusiness, conflictResponse, problemResponses } from '../schemas.js';

export const businessRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Body: CreateBusiness }>(
      '/v1/businesses',
      {
        config: { adminOnly: true },
        schema: { operationId: 'createBusiness', tags: ['businesses'], summary: 'Create a business (admin token)', body: CreateBusiness, response: { 201: Business, ...problemResponses, ...conflictResponse } },
      },
      async (req, reply) => {
        const row = await ctx.store.createBusiness({ id: req.body.id, name: req.body.name, created_at: Date.now() });
        return reply.code(201).send(presentBusiness(row));
      },
    );

    app.get(
      '/v1/businesses',
      { config: { adminOnly: true }, schema: { operationId: 'listBusinesses', tags: ['businesses'], summary: 'List businesses (admin token)', response: { 200: Type.Object({ data: Type.Array(Business) }, { title: 'BusinessList' }) } } },
      async () => ({ data: (await ctx.store.listBusinesses()).map(presentBusiness) }),
    );

    app.get<{ Params: { b: string } }>(
      '/v1/businesses/:b',
      { schema: { operationId: 'getBusiness', tags: ['businesses'], summary: 'Read a business', params: BusinessParams, response: { 200: Business, ...problemResponses } } },
      async (req) => presentBusiness((await ctx.store.getBusiness(req.params.b))!),
    );
  };
