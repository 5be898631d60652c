/** Stands for a field the event does not have, which is not the same as a field holding null. */
export const MISSING: unique symbol = Symbol('missing');
export type Candidate = unknown | typeof MISSING;

/** The parts of an event a filter may read. */
export interface FilterSubject {
  type: string;
  business: string;
  /** ISO 8601, as the API shows it. */
  occurred_at: string;
  data: unknown;
}

/** `$` as a path segment: any element of the array found there. */
export const ANY_ELEMENT = '$';

/**
 * The values a dotted path reaches. Without `$` there is exactly one: the value, or MISSING
 * when some step finds no such key (or no object to look in). Each `$` fans out over the
 * elements of the array it meets; something that is not an array there gives no values.
 * A numeric segment indexes an array; on an object it is an ordinary key.
 */
export function resolvePath(root: unknown, segments: readonly string[], from = 0, out: Candidate[] = []): Candidate[] {
  let value: unknown = root;
  for (let i = from; i < segments.length; i++) {
    const s = segments[i]!;
    if (s === ANY_ELEMENT) {
      if (Array.isArray(value)) for (const element of value) resolvePath(element, segments, i + 1, out);
      return out;
    }
    if (Array.isArray(value)) {
      const index = /^(?:0|[1-9]\d{0,8})$/.test(s) ? Number(s) : -1;
      if (index < 0 || index >= value.length) return pushed(out, MISSING);
      value = value[index];
    } else if (typeof value === 'object' && value !== null && Object.hasOwn(value, s)) {
      value = (value as Record<string, unknown>)[s];
    } else {
      return pushed(out, MISSING);
    }
  }
  return pushed(out, value);
}

/** The one value a path without `$` reaches, or MISSING: resolvePath without the list, for the common case. */
export function resolveOne(root: unknown, segments: readonly string[]): Candidate {
  let value: unknown = root;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    if (Array.isArray(value)) {
      const index = /^(?:0|[1-9]\d{0,8})$/.test(s) ? Number(s) : -1;
      if (index < 0 || index >= value.length) return MISSING;
      value = value[index];
    } else if (typeof value === 'object' && value !== null && Object.hasOwn(value, s)) {
      value = (value as Record<string, unknown>)[s];
    } else {
      return MISSING;
    }
  }
  return value;
}

function pushed(out: Candidate[], v: Candidate): Candidate[] {
  out.push(v);
  return out;
}
