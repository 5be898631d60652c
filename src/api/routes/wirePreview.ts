import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import { findDialect } from '../../dialects/index.js';
import { renderMasked } from '../maskedRequest.js';
import { RenderedRequestOut, problemResponses } from '../schemas.js';

const PreviewQuery = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 200, description: 'A catalogue type, e.g. client/created.' }),
    dialect: Type.String({ minLength: 1, maxLength: 40 }),
  },
  { additionalProperties: false },
);

// Fixed, so the same type and dialect always render the same preview.
const EXAMPLE_TIME = Date.parse('2025-04-14T06:58:12.123Z');
const exampleWebhook = {
  id: 'wh_01JRTFX00EXAMPLEWEBHOOK00',
  business_id: 'example-business',
  url: 'https://receiver.example/hooks',
  secret: `whsec_${Buffer.alloc(32).toString('base64')}`,
  previous_secret: null,
  previous_secret_expires_at: null,
  headers: {},
};

/**
 * A catalogue type's example as one dialect puts it on the wire, so a business sees what its
 * receiver will get before it subscribes. Public, like the catalogue itself; signatures are
 * masked anyway, since they would be made with a made-up secret.
 */
export const wirePreviewRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.get<{ Querystring: { type: string; dialect: string } }>(
      '/v1/event-types/preview',
      {
        config: { auth: false },
        schema: {
          operationId: 'previewEventType',
          tags: ['event types'],
          summary: "A type's example as a dialect sends it",
          security: [],
          querystring: PreviewQuery,
          response: { 200: RenderedRequestOut, ...problemResponses },
        },
      },
      async (req) => {
        const def = ctx.catalog.get(req.query.type);
        if (!def) throw new HooklineError('UNKNOWN_EVENT_TYPE', `"${req.query.type}" is not in the catalogue; GET /v1/event-types lists the types.`);
        const dialect = findDialect(req.query.dialect);
        if (!dialect) throw new HooklineError('UNKNOWN_DIALECT', `dialect "${req.query.dialect}" is not known.`);
        if (dialect.eventName(def.type) === null) throw new HooklineError('INVALID_EVENT_FILTER', `The ${dialect.name} dialect cannot carry ${def.type}.`);
        const event = {
          id: 'evt_01JRTFX00EXAMPLEEVENT0000',
          business_id: exampleWebhook.business_id,
          type: def.type,
          data: JSON.stringify(def.example ?? {}),
          occurred_at: EXAMPLE_TIME,
          created_at: EXAMPLE_TIME,
        };
        const input = { event, webhook: exampleWebhook, deliveryId: 'dlv_01JRTFX00EXAMPLEDELIVERY0', attemptNumber: 1, now: EXAMPLE_TIME + 2000 };
        let rendered;
        try {
          rendered = renderMasked(dialect, input, `Hookline/${ctx.version}`);
        } catch (err) {
          if (err instanceof HooklineError) throw err;
          throw new HooklineError('EVENT_DATA_INVALID', `The example of ${def.type} cannot be rendered in the ${dialect.name} dialect: ${(err as Error).message}`);
        }
        return { ...rendered, attempt_number: 1, rendered_for: new Date(input.now).toISOString() };
      },
    );
  };
