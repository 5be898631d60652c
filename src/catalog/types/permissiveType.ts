import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { permissiveSchema } from '../schemas/common.js';

/** An entry for a type whose payload no seed platform publishes (see `permissiveSchema`). */
export function permissiveType(
  type: string,
  description: string,
  example: Record<string, unknown>,
): EventTypeDefinition {
  return { type, description, schema: permissiveSchema, example };
}
