/** A JSON Schema (draft-07, as Ajv 8 reads it) for an event's `data` object. */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** One entry of the catalogue, as `GET /v1/event-types` shows it. */
export interface EventTypeDefinition {
  /** `entity/action`, e.g. `client/created`; the name is the id. */
  readonly type: string;
  /** One sentence: when the event fires. */
  readonly description: string;
  readonly schema: JsonSchema;
  /** A `data` object that passes `schema` (a test holds every built-in one to that). */
  readonly example: Readonly<Record<string, unknown>>;
}

/**
 * What a caller hands to `EventCatalog.register`. Loosely typed on purpose: it usually comes
 * straight from a request body or a database row, and `register` checks every part at run time.
 */
export interface EventTypeInput {
  type: string;
  description: string;
  schema: unknown;
  example: unknown;
}
