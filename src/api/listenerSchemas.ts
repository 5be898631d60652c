import { Type, type Static } from '@sinclair/typebox';
import type { SendErrorCode } from '../dispatch/httpSender.js';
import { BusinessId, EventFilterList } from './schemas.js';

/** The listener routes' schemas (docs/listen.md); beside schemas.ts, generated into OpenAPI the same way. */

export const ListenerParams = Type.Object({ b: BusinessId, id: Type.String({ minLength: 1, maxLength: 64 }) });

// A body is optional: `POST …/listeners` with none listens to every event in the standard dialect.
export const CreateListener = Type.Union([
  Type.Object(
    {
      events: Type.Optional(EventFilterList),
      dialect: Type.Optional(Type.String({ minLength: 1, maxLength: 40, description: 'The wire format, as for a webhook; default standard.' })),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
export type CreateListener = Static<typeof CreateListener>;

export const Listener = Type.Object({
  id: Type.String({ description: "The listener's webhook id: its deliveries are in the log under this webhook." }),
  business: Type.String(),
  events: Type.Array(Type.String()),
  dialect: Type.String(),
  secret: Type.String({ description: 'Signs every request, exactly as for a webhook; the local receiver verifies with it.' }),
  grace_ms: Type.Integer({ description: 'How long the listener is kept without a connected stream before it is removed.' }),
  created_at: Type.String({ format: 'date-time' }),
});

// What a local request can end in without a response; a listener never sends to a blocked target.
const LOCAL_ERRORS = ['timeout', 'connection_refused', 'connection_reset', 'dns', 'tls', 'invalid_response', 'network'] as const satisfies readonly SendErrorCode[];

export const ListenerResult = Type.Object(
  {
    attempt_id: Type.String({ minLength: 1, maxLength: 64, description: 'From the `delivery` event being answered.' }),
    status_code: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 100, maximum: 599 })], { description: "The local URL's HTTP status; null when it gave no response." })),
    error: Type.Optional(Type.Union([Type.Null(), Type.Union(LOCAL_ERRORS.map((e) => Type.Literal(e)))], { description: 'Why there was no response; only with a null status_code.' })),
    duration_ms: Type.Integer({ minimum: 0, maximum: 3_600_000 }),
    response_body: Type.Optional(Type.Union([Type.Null(), Type.String({ maxLength: 65_536 })], { description: 'The start of the response; the log keeps 4 KiB.' })),
  },
  { additionalProperties: false },
);
export type ListenerResult = Static<typeof ListenerResult>;
