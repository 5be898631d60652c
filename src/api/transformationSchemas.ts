import { Type, type Static } from '@sinclair/typebox';
import { IsoTime } from './schemas.js';

/** The requests and answers of a transformation's simulation and versions (docs/transformations.md#simulate). */

export const TransformationSimulate = Type.Object(
  {
    code: Type.Optional(Type.String({ description: "Code to try; default the webhook's saved transformation." })),
    event_id: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'A stored event of the business to run it on.' })),
    event: Type.Optional(
      Type.Object(
        {
          type: Type.String({ minLength: 1, maxLength: 200 }),
          data: Type.Any(),
          id: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
          occurred_at: Type.Optional(IsoTime),
        },
        { additionalProperties: false, description: 'An event written inline; `id` defaults to evt_simulated, `occurred_at` to now.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'Give `event_id` or `event`; with neither, the business\'s newest stored event.' },
);
export type TransformationSimulate = Static<typeof TransformationSimulate>;

export const TransformationSimulation = Type.Object({
  outcome: Type.Union([Type.Literal('send'), Type.Literal('cancel'), Type.Literal('error')]),
  version: Type.Union([Type.Integer(), Type.Null()], { description: 'The saved version that ran; null for code given in the request.' }),
  event_id: Type.String(),
  request: Type.Optional(
    Type.Object({
      method: Type.String(),
      url: Type.String(),
      headers: Type.Record(Type.String(), Type.String(), { description: 'As sent, signatures included (over this body).' }),
      body: Type.String({ description: 'The body as sent.' }),
    }),
  ),
  error: Type.Optional(Type.String({ description: 'Why the attempt would fail with transform_error.' })),
});

export const TransformationVersions = Type.Object({
  data: Type.Array(Type.Object({ version: Type.Integer(), code: Type.String(), created_at: IsoTime })),
});
