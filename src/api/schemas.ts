import { Type, type Static } from '@sinclair/typebox';

/**
 * The request and response schemas of the v1 API. Fastify validates requests with them and
 * the OpenAPI document is generated from them, so the contract lives in one place.
 */

export const BusinessId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'Caller-chosen slug.' });
export const IsoTime = Type.String({ format: 'date-time' });
const NullableIsoTime = Type.Union([IsoTime, Type.Null()]);

export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details.' },
);

export const BusinessParams = Type.Object({ b: BusinessId });
export const WebhookParams = Type.Object({ b: BusinessId, id: Type.String({ maxLength: 64 }) });
export const ItemParams = WebhookParams;

export const CreateBusiness = Type.Object(
  { id: BusinessId, name: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false, title: 'CreateBusiness' },
);
export type CreateBusiness = Static<typeof CreateBusiness>;

export const Business = Type.Object({ id: Type.String(), name: Type.String(), created_at: IsoTime }, { title: 'Business' });

export const EventFilterList = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  minItems: 1,
  maxItems: 100,
  description: 'Exact types, `entity/*`, or `*`.',
});
const Headers = Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2048 }), {
  description: 'Sent with every request as given (e.g. an Authorization header).',
});
// Null comes first in these unions, in case a body is ever validated with type coercion: tried
// against the array branch first, a null became [0] (one retry after 0 s).
const RetrySchedule = Type.Union(
  [Type.Null(), Type.Array(Type.Integer({ minimum: 0, maximum: 259200 }), { maxItems: 50 })],
  { description: 'Seconds between attempts; null = the default three-day schedule; [] = one attempt only.' },
);

// Checked by the webhooks service (src/catalog/payloadFilter), whose 422 points at the bad part.
const PayloadFilter = Type.Union([Type.Null(), Type.Record(Type.String(), Type.Unknown())], {
  description: 'A condition on the event (`data`, `type`, `business`, `occurred_at`): paths and operators as in docs/filters.md; null = every event of `events`.',
});

// Endpoint auth, TLS and verification (issue 18, docs/endpoint-auth.md). One object per field rather
// than a union per auth type, so that a missing member is refused by the webhooks service with a
// 422 naming it instead of a list of every branch that did not match.
const EndpointAuthInput = Type.Union([
  Type.Null(),
  Type.Object(
    {
      type: Type.Union([Type.Literal('basic'), Type.Literal('bearer'), Type.Literal('oauth2_client_credentials')]),
      username: Type.Optional(Type.String({ maxLength: 200 })),
      password: Type.Optional(Type.String({ maxLength: 1000 })),
      token: Type.Optional(Type.String({ maxLength: 4096 })),
      token_url: Type.Optional(Type.String({ maxLength: 2048 })),
      client_id: Type.Optional(Type.String({ maxLength: 500 })),
      client_secret: Type.Optional(Type.String({ maxLength: 2000 })),
      scope: Type.Optional(Type.String({ maxLength: 1000 })),
      audience: Type.Optional(Type.String({ maxLength: 1000 })),
      extra_params: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 1000 }), { maxProperties: 20 })),
    },
    { additionalProperties: false, description: 'basic {username, password}, bearer {token}, or oauth2_client_credentials {token_url, client_id, client_secret, scope?, audience?, extra_params?}; secrets are write-only.' },
  ),
]);
const EndpointTlsInput = Type.Union([
  Type.Null(),
  Type.Object(
    {
      client_cert: Type.Optional(Type.String({ maxLength: 65536, description: 'PEM; with client_key, for mutual TLS.' })),
      client_key: Type.Optional(Type.String({ maxLength: 65536, description: 'PEM, unencrypted; write-only.' })),
      ca: Type.Optional(Type.String({ maxLength: 262144, description: 'PEM bundle; when given, the only CAs trusted for this endpoint.' })),
    },
    { additionalProperties: false },
  ),
]);
const VerificationInput = Type.Union([Type.Null(), Type.Literal('none'), Type.Literal('challenge')], {
  description: '"challenge": the URL must echo a signed challenge before it receives events; "none" (default) or null: off.',
});
// Svix's channels (docs/api.md#channels): a second routing dimension beside event types.
const Channels = Type.Union(
  [Type.Null(), Type.Array(Type.String({ pattern: '^[A-Za-z0-9\\-_.:]{1,128}$' }), { maxItems: 10 })],
  { description: 'On a webhook: only events published to one of these channels; null or [] = any. On an event: the channels it is published to.' },
);

// Checked by the webhooks service (src/transform/checkTransformation.ts), whose 422 names the bad field.
const TransformationInput = Type.Union(
  [
    Type.Null(),
    Type.Object(
      {
        code: Type.String({ description: 'JavaScript defining `function handler(request) { … return request; }` (docs/transformations.md).' }),
        enabled: Type.Optional(Type.Boolean({ description: 'Default true; false keeps the code but sends requests untransformed.' })),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Code that reshapes each request before it is signed and sent; null removes it.' },
);

const TransformationOut = Type.Union([
  Type.Null(),
  Type.Object({
    code: Type.String(),
    enabled: Type.Boolean(),
    version: Type.Integer({ description: 'Which saved version this code is; attempts name the version that shaped them.' }),
  }),
]);

const webhookFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  url: Type.String({ minLength: 1, maxLength: 2048 }),
  events: EventFilterList,
  dialect: Type.String({ minLength: 1, maxLength: 40 }),
  enabled: Type.Boolean(),
  headers: Headers,
  timeout_ms: Type.Integer({ minimum: 100, maximum: 60000 }),
  retry_schedule: RetrySchedule,
  // At least one request per 100 s: a slower rate is a typo, and its waits overflowed timers (issue 12).
  rate_limit: Type.Union([Type.Null(), Type.Number({ minimum: 0.01, maximum: 100000 })], {
    description: 'Requests per second, 0.01 (one per 100 s) to 100000; null = no limit.',
  }),
  max_in_flight: Type.Integer({ minimum: 1, maximum: 1000 }),
  ordering: Type.Union([Type.Literal('none'), Type.Literal('fifo')]),
  filter: PayloadFilter,
  auth: EndpointAuthInput,
  tls: EndpointTlsInput,
  verification: VerificationInput,
  transformation: TransformationInput,
  channels: Channels,
};

export const CreateWebhook = Type.Object(
  {
    url: webhookFields.url,
    events: webhookFields.events,
    name: Type.Optional(webhookFields.name),
    dialect: Type.Optional(webhookFields.dialect),
    enabled: Type.Optional(webhookFields.enabled),
    headers: Type.Optional(webhookFields.headers),
    timeout_ms: Type.Optional(webhookFields.timeout_ms),
    retry_schedule: Type.Optional(webhookFields.retry_schedule),
    rate_limit: Type.Optional(webhookFields.rate_limit),
    max_in_flight: Type.Optional(webhookFields.max_in_flight),
    ordering: Type.Optional(webhookFields.ordering),
    filter: Type.Optional(webhookFields.filter),
    auth: Type.Optional(webhookFields.auth),
    tls: Type.Optional(webhookFields.tls),
    verification: Type.Optional(webhookFields.verification),
    transformation: Type.Optional(webhookFields.transformation),
    channels: Type.Optional(webhookFields.channels),
    secret: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/]{32,88}={0,2}$', description: 'whsec_ + base64 of 24–64 bytes.' })),
  },
  { additionalProperties: false, title: 'CreateWebhook' },
);
export type CreateWebhook = Static<typeof CreateWebhook>;

export const PatchWebhook = Type.Partial(Type.Object(webhookFields), { additionalProperties: false, minProperties: 1, title: 'PatchWebhook' });
export type PatchWebhook = Static<typeof PatchWebhook>;

export const Webhook = Type.Object({
  id: Type.String(),
  business: Type.String(),
  ...webhookFields,
  // Secrets in these come back as "[redacted]".
  auth: Type.Union([Type.Null(), Type.Object({ ...EndpointAuthInput.anyOf[1].properties })]),
  tls: Type.Union([
    Type.Null(),
    Type.Object({ ...EndpointTlsInput.anyOf[1].properties, client_cert_expires_at: Type.Optional(NullableIsoTime) }),
  ]),
  verification: Type.Union([Type.Literal('none'), Type.Literal('challenge')]),
  verification_state: Type.Union([Type.Literal('not_required'), Type.Literal('pending_verification'), Type.Literal('verified')]),
  verification_error: Type.Union([Type.String(), Type.Null()]),
  transformation: TransformationOut,
  secret: Type.Optional(Type.String()),
  health: Type.Object(
    {
      state: Type.String(),
      consecutive_failures: Type.Integer(),
      since: NullableIsoTime,
      reason: Type.Union([Type.String(), Type.Null()]),
    },
    { title: 'WebhookHealth' },
  ),
  created_at: IsoTime,
  updated_at: IsoTime,
}, { title: 'Webhook' });

export const RotateSecret = Type.Union([
  Type.Object({ secret: Type.Optional(CreateWebhook.properties.secret) }, { additionalProperties: false }),
  Type.Null(),
], { title: 'RotateSecret' });

export const Replay = Type.Object({ since: IsoTime }, { additionalProperties: false, title: 'Replay' });

export const PublishEvent = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 200 }),
    data: Type.Any({ description: 'The event payload; validated against the type\'s JSON Schema.' }),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    occurred_at: Type.Optional(Type.String({ maxLength: 64 })),
    channels: Type.Optional(Channels),
  },
  { additionalProperties: false, title: 'PublishEvent' },
);
export type PublishEvent = Static<typeof PublishEvent>;

export const PublishBatch = Type.Object(
  { events: Type.Array(PublishEvent, { minItems: 1, maxItems: 1000 }) },
  { additionalProperties: false, title: 'PublishBatch' },
);
export type PublishBatch = Static<typeof PublishBatch>;

export const Event = Type.Object({
  id: Type.String(),
  business: Type.String(),
  type: Type.String(),
  data: Type.Any(),
  occurred_at: IsoTime,
  created_at: IsoTime,
}, { title: 'Event' });

export const DeliveryStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('succeeded'),
  Type.Literal('retrying'),
  Type.Literal('failed'),
  Type.Literal('cancelled'),
], { title: 'DeliveryStatus' });

export const Attempt = Type.Object({
  number: Type.Integer(),
  started_at: IsoTime,
  duration_ms: Type.Integer(),
  status_code: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()], { description: 'A short code: timeout, connection_refused, http_status, … ; unrepresentable and render_failed mean nothing was sent.' }),
  response_body: Type.Union([Type.String(), Type.Null()], {
    description: 'Up to 4 KiB of the response; for an attempt that sent nothing (unrepresentable, render_failed, transform_error), the reason, naming the field.',
  }),
  transformation_version: Type.Union([Type.Integer(), Type.Null()], { description: "The webhook's transformation version that shaped this attempt; null when none did." }),
}, { title: 'Attempt' });

export const Delivery = Type.Object({
  id: Type.String(),
  business: Type.String(),
  event_id: Type.String(),
  event_type: Type.String(),
  webhook_id: Type.String(),
  status: DeliveryStatus,
  attempt_count: Type.Integer(),
  next_attempt_at: NullableIsoTime,
  last_status_code: Type.Union([Type.Integer(), Type.Null()]),
  created_at: IsoTime,
  updated_at: IsoTime,
  attempts: Type.Optional(Type.Array(Attempt)),
}, { title: 'Delivery' });

export const DeliveryQuery = Type.Object(
  {
    webhook_id: Type.Optional(Type.String({ maxLength: 64 })),
    event_id: Type.Optional(Type.String({ maxLength: 128 })),
    event_type: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(DeliveryStatus),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
  },
  { additionalProperties: false },
);
export type DeliveryQuery = Static<typeof DeliveryQuery>;

export const ListQuery = Type.Object(
  {
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 250, default: 50 })),
  },
  { additionalProperties: false },
);
export type ListQuery = Static<typeof ListQuery>;

export const RegisterEventType = Type.Object(
  {
    type: Type.String({ minLength: 3, maxLength: 200 }),
    description: Type.String({ minLength: 1, maxLength: 1000 }),
    schema: Type.Record(Type.String(), Type.Any()),
    example: Type.Optional(Type.Any()),
  },
  { additionalProperties: false, title: 'RegisterEventType' },
);
export type RegisterEventType = Static<typeof RegisterEventType>;

export const EventTypeOut = Type.Object({
  type: Type.String(),
  description: Type.String(),
  schema: Type.Any(),
  example: Type.Any(),
}, { title: 'EventType' });

export const RequestQuery = Type.Object(
  { attempt: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Attempt number; default the last one.' })) },
  { additionalProperties: false },
);

/** A request as a dialect renders it, with signature and custom header values masked. */
export const RenderedRequestOut = Type.Object({
  method: Type.String(),
  url: Type.String(),
  headers: Type.Array(Type.Object({ name: Type.String(), value: Type.String(), masked: Type.Boolean() })),
  body: Type.String(),
  body_masked: Type.Boolean({ description: 'Part of the body is a signature and is masked (upodi).' }),
  attempt_number: Type.Integer(),
  rendered_for: Type.String({ format: 'date-time', description: 'The time the request was rendered for (the attempt\'s start).' }),
}, { title: 'RenderedRequest' });

/**
 * Standard error answers, for the OpenAPI document. The statuses a route's traits imply (401,
 * 403, 404, 413, …) are added for every route by src/api/openapi/; list here, or beside it in
 * the route, what only the handler knows of (a 409 for a taken id).
 */
export const problemResponses = {
  400: { $ref: 'Problem#' },
  401: { $ref: 'Problem#' },
  404: { $ref: 'Problem#' },
  422: { $ref: 'Problem#' },
};
export const conflictResponse = { 409: { $ref: 'Problem#' } };
