import { HooklineError } from '../errors.js';
import { NAME_PART } from './eventTypeName.js';

/*
 * A webhook's `events` list holds filters: an exact type (`client/created`), every action of
 * one entity (`client/*`), or everything (`*`). Nothing else (no wildcard entity, no globs inside
 * a part), so a filter can be matched with string equality and one Set lookup.
 * Filters follow the name rule of eventTypeName.ts: lowercase, compared exactly.
 */

const FILTER = new RegExp(`^(?:\\*|${NAME_PART}/(?:\\*|${NAME_PART}))$`);

export type TypeMatcher = (type: string) => boolean;

export function isValidFilter(f: string): boolean {
  return typeof f === 'string' && FILTER.test(f);
}

/** Throws `INVALID_EVENT_FILTER` naming every filter that breaks the rule. */
export function assertValidFilters(filters: readonly unknown[]): void {
  const bad = filters.filter((f) => typeof f !== 'string' || !isValidFilter(f));
  if (bad.length === 0) return;
  throw new HooklineError(
    'INVALID_EVENT_FILTER',
    `Invalid event filter${bad.length > 1 ? 's' : ''} ${bad.map((f) => JSON.stringify(f)).join(', ')}: ` +
      "use an exact type such as 'client/created', an entity wildcard such as 'client/*', or '*' " +
      '(lowercase letters, digits, _ . -).',
    { filters: bad },
  );
}

/**
 * Does any filter select `type`? Allocation-free unless an `entity/*` filter is present, and
 * then one short string per call: webhooks hold a handful of filters, so a loop beats building
 * a Set. For long lists, or to match one list many times, use `compileFilter`.
 */
export function matchesFilter(filters: readonly string[], type: string): boolean {
  let entityWildcard: string | undefined;
  for (const f of filters) {
    if (f === type || f === '*') return true;
    if (f.endsWith('/*')) {
      entityWildcard ??= wildcardFor(type);
      if (f === entityWildcard) return true;
    }
  }
  return false;
}

/**
 * Precompiles a filter list into a matcher with the same answers as `matchesFilter`. Invalid
 * filters are dropped (they could never match a valid type anyway): a stored list must not
 * stop delivery; the API refuses them on the way in with `assertValidFilters`.
 */
export function compileFilter(filters: readonly string[]): TypeMatcher {
  const exact = new Set<string>();
  const entities = new Set<string>();
  for (const f of filters) {
    if (!isValidFilter(f)) continue;
    if (f === '*') return matchAll;
    if (f.endsWith('/*')) entities.add(f.slice(0, -2));
    else exact.add(f);
  }
  if (entities.size === 0) {
    if (exact.size === 0) return matchNone;
    return (type) => exact.has(type);
  }
  return (type) => {
    if (exact.has(type)) return true;
    const slash = type.indexOf('/');
    return slash > 0 && entities.has(type.slice(0, slash));
  };
}

const matchAll: TypeMatcher = () => true;
const matchNone: TypeMatcher = () => false;

/** `client/*` for `client/created`; '' (matches no filter) for a string without an entity. */
function wildcardFor(type: string): string {
  const slash = type.indexOf('/');
  return slash > 0 ? `${type.slice(0, slash)}/*` : '';
}
