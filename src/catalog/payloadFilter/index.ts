/**
 * Payload filters (issue 16, docs/filters.md): a webhook's condition on the event's content,
 * parsed and checked once (`compilePayloadFilter`), then run per event without allocating
 * more than a path's values.
 */
import type { FilterDocument } from './filterTree.js';
import { evaluateFilter } from './evaluateFilter.js';
import { explainFilter, type Explanation } from './explainFilter.js';
import { parseFilter } from './parseFilter.js';
import type { FilterSubject } from './resolvePath.js';

export type { FilterDocument } from './filterTree.js';
export type { Explanation } from './explainFilter.js';
export type { FilterSubject } from './resolvePath.js';
export { FILTER_LIMITS } from './filterLimits.js';

export interface CompiledFilter {
  test(subject: FilterSubject): boolean;
  explain(subject: FilterSubject): Explanation;
}

/** Throws INVALID_PAYLOAD_FILTER naming the bad part under `pointer` (the field in the request). */
export function compilePayloadFilter(doc: unknown, pointer = '/filter'): CompiledFilter {
  const tree = parseFilter(doc, pointer);
  return {
    test: (subject) => evaluateFilter(tree, subject),
    explain: (subject) => explainFilter(tree, subject),
  };
}

/** Checks a filter at save and returns it as it will be stored; null removes it. */
export function checkPayloadFilter(doc: FilterDocument | null, pointer = '/filter'): FilterDocument | null {
  if (doc === null) return null;
  parseFilter(doc, pointer);
  return doc;
}
