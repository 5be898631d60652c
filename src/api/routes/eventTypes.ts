import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { EventTypeOut, RegisterEventType, conflictResponse, problemResponses } from '../schemas.js';
import { dialectNames, findDialect } from '../../dialects/index.js';
import { unsafePatterns } from '../../catalog/regexSafety.js';
import { HooklineError } from '../../errors.js';

/** Each dialect's name for a type, null where the dialect cannot express it. */
const EventTypeListed = Type.Object({
  ...EventTypeOut.properties,
  names: Type.Record(Type.String(), Type.Union([Type.String(), Type.Null()]), {
    description: 'The name of this type in each dialect (null: that dialect cannot carry it), e.g. {"standard": "client/created", "opus1": "client_create_trigger"}.',
  }),
});

function namesOf(type: string): Record<string, string | null> {
  return Object.fromEntries(dialectNames().map((d) => [d, findDialect(d)!.eventName(type)]));
}

export const catalogRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const tags = ['event types'];

    // The catalogue is what a subscriber reads before holding any token, so it is public.
    app.get(
      '/v1/event-types',
      { config: { auth: false }, schema: { operationId: 'listEventTypes', tags, summary: 'The event catalogue', security: [], response: { 200: Type.Object({ data: Type.Array(EventTypeListed) }) } } },
      async () => ({
        data: ctx.catalog.list().map((t) => ({ type: t.type, description: t.description, schema: t.schema, example: t.example, names: namesOf(t.type) })),
      }),
    );

    app.post<{ Body: RegisterEventType }>(
      '/v1/event-types',
      {
        config: { adminOnly: true },
        schema: { operationId: 'registerEventType', tags, summary: 'Register a custom event type (admin token)', body: RegisterEventType, response: { 201: EventTypeOut, ...problemResponses, ...conflictResponse } },
      },
      async (req, reply) => {
        const unsafe = unsafePatterns(req.body.schema, '/schema');
        if (unsafe.length > 0) {
          throw new HooklineError(
            'VALIDATION_FAILED',
            unsafe.map((u) => `${u.pointer}: the pattern ${JSON.stringify(u.pattern)} can take exponential time to match, since ${u.reason}; rewrite it without repeating a repeat, an alternation or a backreference (docs/catalog.md#patterns)`).join('; '),
            { errors: unsafe.map((u) => ({ pointer: `/body${u.pointer}`, message: `unsafe pattern: ${u.reason}` })) },
          );
        }
        const def = ctx.catalog.register({ ...req.body, example: req.body.example ?? {} });
        await ctx.store.upsertEventType({ ...def, schema: { ...def.schema }, created_at: Date.now() });
        return reply.code(201).send(def);
      },
    );
  };
