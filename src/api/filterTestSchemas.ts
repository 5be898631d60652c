import { Type, type Static } from '@sinclair/typebox';
import { Event, IsoTime } from './schemas.js';

/** The request and answer of a payload filter's dry run (docs/filters.md#dry-run). */

export const FilterTest = Type.Object(
  {
    filter: Type.Record(Type.String(), Type.Unknown(), { description: 'The filter to try, as a webhook would carry it.' }),
    event: Type.Optional(
      Type.Object(
        {
          type: Type.String({ minLength: 1, maxLength: 200 }),
          data: Type.Any(),
          business: Type.Optional(Type.String({ maxLength: 64 })),
          occurred_at: Type.Optional(IsoTime),
        },
        { additionalProperties: false, description: 'An event written inline; `business` defaults to the one in the path, `occurred_at` to now.' },
      ),
    ),
    last: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: "Try the business's last N stored events instead." })),
  },
  { additionalProperties: false, title: 'FilterTest' },
);
export type FilterTest = Static<typeof FilterTest>;

const FilterExplanation = Type.Object(
  {
    pointer: Type.String({ description: 'The deciding clause, as a JSON pointer into the filter.' }),
    holds: Type.Boolean(),
    message: Type.String(),
    because: Type.Optional(Type.Array(Type.Unknown(), { description: 'The clauses that decided this one, in the same shape.' })),
  },
  { description: 'Why the filter matched or not.', title: 'FilterExplanation' },
);

export const FilterTestResult = Type.Union([
  Type.Object({ matches: Type.Boolean(), explanation: FilterExplanation }),
  Type.Object({
    matched: Type.Integer(),
    total: Type.Integer({ description: 'Events tried: the last N, or fewer when the business has fewer.' }),
    examples: Type.Array(Event, { description: 'Up to 5 of the matching events, newest first.' }),
  }),
], { title: 'FilterTestResult' });
