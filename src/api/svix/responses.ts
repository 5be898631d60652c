import { Type, type TSchema } from '@sinclair/typebox';

/*
 * Answer shapes of Svix's API, named for the OpenAPI document. Every field the SDK's models
 * read is listed, so a field can neither go missing nor leak unnoticed.
 */

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const DateTime = Type.String({ format: 'date-time' });
const Metadata = Type.Record(Type.String(), Type.String());
const Names = Nullable(Type.Array(Type.String()));

export const SvixApplicationOut = Type.Object(
  {
    id: Type.String(), uid: Nullable(Type.String()), name: Type.String(), metadata: Metadata,
    rateLimit: Nullable(Type.Integer()), throttleRate: Nullable(Type.Integer()), createdAt: DateTime, updatedAt: DateTime,
  },
  { title: 'SvixApplicationOut' },
);

export const SvixEndpointOut = Type.Object(
  {
    id: Type.String(), uid: Nullable(Type.String()), url: Type.String(), description: Type.String(), version: Type.Integer(),
    disabled: Type.Boolean(), filterTypes: Names, eventTypes: Names, channels: Names,
    rateLimit: Nullable(Type.Number()), throttleRate: Nullable(Type.Number()), metadata: Metadata, createdAt: DateTime, updatedAt: DateTime,
  },
  { title: 'SvixEndpointOut' },
);

export const SvixMessageOut = Type.Object(
  {
    id: Type.String(), eventId: Nullable(Type.String()), eventType: Type.String(), payload: Type.Optional(Type.Unknown()),
    channels: Names, tags: Names, timestamp: DateTime,
  },
  { title: 'SvixMessageOut' },
);

export const SvixMessageAttemptOut = Type.Object(
  {
    id: Type.String(), msgId: Type.String(), endpointId: Type.String(), url: Type.String(), response: Type.String(),
    responseStatusCode: Type.Integer(), responseDurationMs: Type.Integer(), status: Type.Integer({ minimum: 0, maximum: 3 }),
    statusText: Type.String(), triggerType: Type.Integer(), timestamp: DateTime,
  },
  { title: 'SvixMessageAttemptOut' },
);

export const SvixEventTypeOut = Type.Object(
  {
    name: Type.String(), description: Type.String(), archived: Type.Boolean(), deprecated: Type.Boolean(),
    schemas: Type.Record(Type.String(), Type.Unknown()), featureFlag: Nullable(Type.String()), featureFlags: Names,
    groupName: Nullable(Type.String()), createdAt: DateTime, updatedAt: DateTime,
  },
  { title: 'SvixEventTypeOut' },
);

export const SvixSecretOut = Type.Object({ key: Type.String() }, { title: 'SvixEndpointSecretOut' });
export const SvixHeadersOut = Type.Object({ headers: Type.Record(Type.String(), Type.String()), sensitive: Type.Array(Type.String()) }, { title: 'SvixEndpointHeadersOut' });
export const SvixRecoverOut = Type.Object(
  { id: Type.String(), status: Type.String(), task: Type.String(), updatedAt: DateTime },
  { title: 'SvixRecoverOut' },
);
export const SvixEmpty = Type.Object({}, { title: 'SvixEmptyResponse' });

export function listOf<T extends TSchema>(item: T, title: string) {
  return Type.Object({ data: Type.Array(item), iterator: Nullable(Type.String()), prevIterator: Nullable(Type.String()), done: Type.Boolean() }, { title });
}

export const SvixHttpError = Type.Object(
  { code: Type.String(), detail: Type.String(), hooklineCode: Type.Optional(Type.String()) },
  { title: 'SvixHttpError' },
);
export const SvixValidationError = Type.Object(
  { detail: Type.Array(Type.Object({ loc: Type.Array(Type.String()), msg: Type.String(), type: Type.String() }, { title: 'SvixValidationItem' })) },
  { title: 'SvixHttpValidationError' },
);

/** The error answers every authenticated route may give. */
export const svixErrors = {
  400: SvixHttpError, 401: SvixHttpError, 403: SvixHttpError, 404: SvixHttpError, 409: SvixHttpError,
  413: SvixHttpError, 415: SvixHttpError, 422: SvixValidationError, 503: SvixHttpError,
};
