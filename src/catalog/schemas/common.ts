import type { JsonSchema } from '../EventTypeDefinition.js';

/*
 * Small building blocks for the built-in schemas. Every `data` schema is an object that allows
 * properties it does not list: host platforms add fields over time, and an event must not be
 * refused for carrying more than the catalogue knows about.
 */

/** Ids arrive as integers (Opus1) or strings (Upodi GUIDs, vcita uids, WellnessLiving). */
export const anyId = { type: ['string', 'integer'] } as const;
export const integerId = { type: 'integer' } as const;
export const text = { type: 'string' } as const;
/** RFC 3339 date-time with an offset, as Opus1 documents `datetime`. */
export const dateTime = { type: 'string', format: 'date-time' } as const;
/** RFC 3339 full-date (`1990-04-01`), as Opus1 documents `date`. */
export const date = { type: 'string', format: 'date' } as const;
export const stringList = { type: 'array', items: { type: 'string' } } as const;

/** A string whose format the platform does not publish: described, not enforced. */
export function looseText(description: string): JsonSchema {
  return { type: 'string', description };
}

export function enumOf(values: readonly string[]): JsonSchema {
  return { type: 'string', enum: values };
}

export function objectSchema(
  properties: Record<string, JsonSchema>,
  required: readonly string[] = [],
): JsonSchema {
  return {
    type: 'object',
    properties,
    ...(required.length > 0 ? { required } : {}),
    additionalProperties: true,
  };
}

/**
 * For types whose payload no seed platform publishes: any object, with an optional `id`.
 * One shared object, so Ajv compiles it once for all the types that use it.
 */
export const permissiveSchema: JsonSchema = objectSchema({ id: anyId });
