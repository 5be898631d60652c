import { Type, type Static } from '@sinclair/typebox';
import { BusinessId } from './schemas.js';

/** The token routes' schemas (docs/api.md#tokens); beside schemas.ts, generated into OpenAPI the same way. */

const IsoTime = Type.String({ format: 'date-time' });
const NullableIsoTime = Type.Union([IsoTime, Type.Null()]);
// No control characters: the name is printed in the CLI's table and shown in the dashboard.
const TokenName = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$', description: 'What the token is for, to tell tokens apart.' });

export const TokenParams = Type.Object({ b: BusinessId, id: Type.String({ minLength: 1, maxLength: 64 }) });

// A body is optional: `POST …/tokens` with none issues an unnamed token that never expires.
export const CreateToken = Type.Union([
  Type.Object(
    {
      name: Type.Optional(TokenName),
      expires_at: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601 with a time zone, in the future; omit for a token that does not expire.' })),
    },
    { additionalProperties: false },
  ),
  Type.Null(),
], { title: 'CreateToken' });
export type CreateToken = Static<typeof CreateToken>;

export const IssuedToken = Type.Object({
  id: Type.String(),
  token: Type.String({ description: 'The bearer token. Shown only in this answer; only its hash is stored.' }),
  name: Type.Union([Type.String(), Type.Null()]),
  business: Type.String(),
  created_at: IsoTime,
  expires_at: NullableIsoTime,
}, { title: 'IssuedToken' });
export type IssuedToken = Static<typeof IssuedToken>;

export const ListedToken = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  prefix: Type.Union([Type.String(), Type.Null()], { description: "The token's first characters; null for tokens issued before they were kept." }),
  created_at: IsoTime,
  last_used_at: Type.Union([IsoTime, Type.Null()], { description: 'Updated at most once a minute.' }),
  expires_at: NullableIsoTime,
}, { title: 'Token' });

export const TokenList = Type.Object({ data: Type.Array(ListedToken) }, { title: 'TokenList' });
