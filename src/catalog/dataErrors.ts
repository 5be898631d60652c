import type { ErrorObject } from 'ajv';

/** One schema violation: a JSON Pointer (RFC 6901) into `data`, and what is wrong there. */
export interface DataError {
  pointer: string;
  message: string;
}

export type ValidationResult = { ok: true } | { ok: false; errors: DataError[] };

/** The error for `data` that is not a JSON object; every event's data must be one. */
export const NOT_AN_OBJECT: DataError = Object.freeze({ pointer: '/', message: 'must be object' });

/**
 * Ajv errors as pointers and messages. The root is '/' rather than Ajv's '' so that the
 * pointer is never empty when shown to a person. Ajv's messages are kept (callers may know
 * them) but made specific where it leaves out what to fix.
 */
export function toDataErrors(errors: readonly ErrorObject[]): DataError[] {
  return errors.map((e) => ({ pointer: e.instancePath === '' ? '/' : e.instancePath, message: messageOf(e) }));
}

function messageOf(e: ErrorObject): string {
  const message = e.message ?? `must pass "${e.keyword}"`;
  const params = e.params as Record<string, unknown>;
  // Ajv says "must be string,integer" for a type list.
  if (e.keyword === 'type' && Array.isArray(params['type'])) {
    return `must be ${params['type'].join(' or ')}`;
  }
  if (e.keyword === 'enum' && Array.isArray(params['allowedValues'])) {
    return `${message}: ${params['allowedValues'].map((v) => JSON.stringify(v)).join(', ')}`;
  }
  if (e.keyword === 'additionalProperties' && typeof params['additionalProperty'] === 'string') {
    return `${message} ('${params['additionalProperty']}')`;
  }
  return message;
}

/**
 * One sentence for people and problem+json `detail`s, e.g.
 * "data/first_name must be string; data must have required property 'id'".
 * Capped, because `allErrors` on a large bad payload can yield hundreds of lines.
 */
export function describeErrors(errors: readonly DataError[], limit = 10): string {
  const shown = errors.slice(0, limit).map((e) => `data${e.pointer === '/' ? '' : e.pointer} ${e.message}`);
  const more = errors.length - shown.length;
  return more > 0 ? `${shown.join('; ')}; and ${more} more` : shown.join('; ');
}
