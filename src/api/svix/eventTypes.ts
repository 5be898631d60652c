import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { EventTypeDefinition } from '../../catalog/EventTypeDefinition.js';
import { unsafePatterns } from '../../catalog/regexSafety.js';
import { catalogTypeOfSvixName, svixEventName } from '../../dialects/svixNames.js';
import { invalidField } from './svixErrors.js';
import { ListQuery, pageOf } from './pagination.js';
import { EventTypeIn, EventTypeUpdate } from './schemas.js';
import { exampleFromSchema } from './exampleFromSchema.js';
import { SvixEventTypeOut, listOf, svixErrors } from './responses.js';

const tags = ['svix event types'];
const NameParams = Type.Object({ event_type_name: Type.String({ minLength: 1, maxLength: 256 }) });
type NameParams = Static<typeof NameParams>;
/** Svix versions a type's schemas; the catalogue holds one, shown and taken as version "1". */
const SCHEMA_VERSION = '1';

function present(def: EventTypeDefinition) {
  return {
    name: svixEventName(def.type),
    description: def.description,
    archived: false,
    deprecated: false,
    schemas: { [SCHEMA_VERSION]: def.schema },
    featureFlag: null,
    featureFlags: null,
    groupName: null,
    // The catalogue does not keep when a type was registered.
    createdAt: new Date(0).toISOString(),
    updatedAt: new Date(0).toISOString(),
  };
}

/** Event types are catalogue types, named by the rule in src/dialects/svixNames.ts. */
export function eventTypeRoutes(app: FastifyInstance, ctx: AppContext): void {
  const typeOf = (name: string, loc: string[]): string => {
    const type = catalogTypeOfSvixName(name);
    if (!type) throw invalidField(loc, `"${name}" is not an event type name Hookline can hold: lowercase letters, digits, "_", "-" and dots (docs/svix.md#event-type-names)`);
    return type;
  };

  async function register(type: string, description: string, schemas: Record<string, Record<string, unknown>> | null | undefined) {
    const schema = schemas?.[SCHEMA_VERSION] ?? Object.values(schemas ?? {})[0] ?? {};
    const unsafe = unsafePatterns(schema, '/schemas/1');
    if (unsafe.length > 0) throw invalidField(['body', 'schemas', SCHEMA_VERSION], `the pattern ${JSON.stringify(unsafe[0]!.pattern)} can take exponential time to match (${unsafe[0]!.reason}); rewrite it`);
    const def = ctx.catalog.register({ type, description, schema, example: exampleFromSchema(schema) });
    await ctx.store.upsertEventType({ ...def, schema: { ...def.schema }, created_at: Date.now() });
    return def;
  }

  app.get<{ Querystring: ListQuery }>(
    '/event-type',
    { schema: { tags, operationId: 'svixListEventTypes', response: { 200: listOf(SvixEventTypeOut, 'SvixListResponseEventTypeOut'), ...svixErrors }, summary: 'The catalogue, in Svix names', querystring: ListQuery } },
    async (req) => {
      const page = pageOf(ctx.catalog.list(), (d) => d.type, req.query);
      return { ...page, data: page.data.map(present) };
    },
  );

  app.post<{ Body: EventTypeIn }>(
    '/event-type',
    { config: { adminOnly: true }, schema: { tags, operationId: 'svixCreateEventType', response: { 201: SvixEventTypeOut, ...svixErrors }, summary: 'Register a custom event type (admin token)', body: EventTypeIn } },
    async (req, reply) => {
      const type = typeOf(req.body.name, ['body', 'name']);
      if (ctx.catalog.has(type)) throw new HooklineError('EVENT_TYPE_EXISTS', `The event type "${req.body.name}" (${type}) exists; change it with PUT /api/v1/event-type/${req.body.name}.`);
      return reply.code(201).send(present(await register(type, req.body.description, req.body.schemas)));
    },
  );

  app.get<{ Params: NameParams }>(
    '/event-type/:event_type_name',
    { schema: { tags, operationId: 'svixGetEventType', response: { 200: SvixEventTypeOut, ...svixErrors }, summary: 'Read an event type', params: NameParams } },
    async (req) => {
      const def = ctx.catalog.get(catalogTypeOfSvixName(req.params.event_type_name) ?? '');
      if (!def) throw new HooklineError('NOT_FOUND', `No event type "${req.params.event_type_name}"; GET /api/v1/event-type lists them.`);
      return present(def);
    },
  );

  app.put<{ Params: NameParams; Body: EventTypeUpdate }>(
    '/event-type/:event_type_name',
    { config: { adminOnly: true }, schema: { tags, operationId: 'svixUpdateEventType', response: { 200: SvixEventTypeOut, 201: SvixEventTypeOut, ...svixErrors }, summary: 'Create or replace a custom event type (admin token)', params: NameParams, body: EventTypeUpdate } },
    async (req, reply) => {
      const type = typeOf(req.params.event_type_name, ['path', 'event_type_name']);
      const existed = ctx.catalog.has(type);
      const def = await register(type, req.body.description, req.body.schemas);
      return reply.code(existed ? 200 : 201).send(present(def));
    },
  );

  app.delete<{ Params: NameParams }>(
    '/event-type/:event_type_name',
    // Hidden from /openapi.json: it only ever refuses, like the Svix routes Hookline does not serve at all.
    { config: { adminOnly: true }, schema: { hide: true, tags, operationId: 'svixDeleteEventType', response: { ...svixErrors }, summary: 'Not served: the catalogue keeps every type', params: NameParams } },
    async () => {
      throw new HooklineError('NOT_SERVED', 'Hookline keeps every catalogue type, since stored events and webhook filters name them; archiving an event type is not served (docs/svix.md).');
    },
  );
}
