import { Type, type Static } from '@sinclair/typebox';

/*
 * Request shapes of Svix's API. Unknown fields are ignored, as Svix ignores them, so no
 * object here forbids additional properties. `title` names each schema for the OpenAPI
 * document.
 */

const Metadata = Type.Record(Type.String(), Type.String(), { title: 'SvixMetadata' });
const Uid = Type.String({ minLength: 1, maxLength: 256, pattern: '^[a-zA-Z0-9\\-_.]+$' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AppParams = Type.Object({ app_id: Type.String({ minLength: 1, maxLength: 256 }) });
export type AppParams = Static<typeof AppParams>;
export const EndpointParams = Type.Object({ app_id: Type.String({ minLength: 1, maxLength: 256 }), endpoint_id: Type.String({ minLength: 1, maxLength: 256 }) });
export type EndpointParams = Static<typeof EndpointParams>;
export const MessageParams = Type.Object({ app_id: Type.String({ minLength: 1, maxLength: 256 }), msg_id: Type.String({ minLength: 1, maxLength: 256 }) });
export type MessageParams = Static<typeof MessageParams>;

export const ApplicationIn = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 256 }), uid: Type.Optional(Nullable(Uid)), metadata: Type.Optional(Metadata) },
  { title: 'SvixApplicationIn' },
);
export type ApplicationIn = Static<typeof ApplicationIn>;
export const ApplicationPatch = Type.Partial(ApplicationIn, { title: 'SvixApplicationPatch' });
export type ApplicationPatch = Static<typeof ApplicationPatch>;

const EventTypeNames = Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 1000 }));
const endpointFields = {
  url: Type.String({ minLength: 1, maxLength: 65536 }),
  description: Type.Optional(Type.String({ maxLength: 1000 })),
  uid: Type.Optional(Nullable(Uid)),
  disabled: Type.Optional(Type.Boolean()),
  filterTypes: Type.Optional(EventTypeNames),
  eventTypes: Type.Optional(EventTypeNames),
  channels: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 10 }))),
  rateLimit: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  throttleRate: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
  metadata: Type.Optional(Metadata),
  version: Type.Optional(Nullable(Type.Integer())),
};
export const EndpointIn = Type.Object(
  {
    ...endpointFields,
    secret: Type.Optional(Nullable(Type.String({ pattern: '^(whsec_)?[a-zA-Z0-9+/=]{32,100}$' }))),
    headers: Type.Optional(Nullable(Type.Record(Type.String(), Type.String()))),
  },
  { title: 'SvixEndpointIn' },
);
export type EndpointIn = Static<typeof EndpointIn>;
export const EndpointUpdate = Type.Object(endpointFields, { title: 'SvixEndpointUpdate' });
export type EndpointUpdate = Static<typeof EndpointUpdate>;
export const EndpointPatch = Type.Partial(Type.Object({ ...endpointFields, secret: EndpointIn.properties.secret }), { title: 'SvixEndpointPatch' });
export type EndpointPatch = Static<typeof EndpointPatch>;

export const SecretRotateIn = Type.Object({ key: Type.Optional(EndpointIn.properties.secret) }, { title: 'SvixEndpointSecretRotateIn' });
export type SecretRotateIn = Static<typeof SecretRotateIn>;
export const HeadersIn = Type.Object({ headers: Type.Record(Type.String(), Type.String()) }, { title: 'SvixEndpointHeadersIn' });
export type HeadersIn = Static<typeof HeadersIn>;
export const HeadersPatchIn = Type.Object({ headers: Type.Record(Type.String(), Nullable(Type.String())) }, { title: 'SvixEndpointHeadersPatchIn' });
export type HeadersPatchIn = Static<typeof HeadersPatchIn>;
export const RecoverIn = Type.Object(
  { since: Type.String({ format: 'date-time' }), until: Type.Optional(Nullable(Type.String({ format: 'date-time' }))) },
  { title: 'SvixRecoverIn' },
);
export type RecoverIn = Static<typeof RecoverIn>;

export const MessageIn = Type.Object(
  {
    eventType: Type.String({ minLength: 1, maxLength: 256 }),
    payload: Type.Record(Type.String(), Type.Unknown()),
    eventId: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 128 }))),
    channels: Type.Optional(Nullable(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 10 }))),
  },
  { title: 'SvixMessageIn' },
);
export type MessageIn = Static<typeof MessageIn>;

export const EventTypeIn = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.String({ minLength: 1, maxLength: 1000 }),
    archived: Type.Optional(Type.Boolean()),
    schemas: Type.Optional(Nullable(Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown())))),
  },
  { title: 'SvixEventTypeIn' },
);
export type EventTypeIn = Static<typeof EventTypeIn>;
export const EventTypeUpdate = Type.Object(
  { description: EventTypeIn.properties.description, archived: EventTypeIn.properties.archived, schemas: EventTypeIn.properties.schemas },
  { title: 'SvixEventTypeUpdate' },
);
export type EventTypeUpdate = Static<typeof EventTypeUpdate>;

export const AttemptQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250 })),
  iterator: Type.Optional(Type.String({ maxLength: 400 })),
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 3 })),
  before: Type.Optional(Type.String({ format: 'date-time' })),
  after: Type.Optional(Type.String({ format: 'date-time' })),
});
export type AttemptQuery = Static<typeof AttemptQuery>;
