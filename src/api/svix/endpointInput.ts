import { catalogTypeOfSvixName } from '../../dialects/svixNames.js';
import { invalidField } from './svixErrors.js';

/**
 * Svix event type names (`invoice.paid`, or `invoice.*`) as catalogue filters; none, or an
 * empty list, is every type, as in Svix. Svix 2.x calls the field `eventTypes`, 1.x
 * `filterTypes`: either is read, `eventTypes` first.
 */
export function filtersOf(body: { eventTypes?: string[] | null; filterTypes?: string[] | null }): string[] {
  const field = body.eventTypes != null ? 'eventTypes' : 'filterTypes';
  const names = body.eventTypes ?? body.filterTypes ?? [];
  if (names.length === 0) return ['*'];
  return names.map((name, i) => {
    if (name.endsWith('.*') && !name.slice(0, -2).includes('.')) return `${name.slice(0, -2)}/*`;
    const type = catalogTypeOfSvixName(name);
    if (!type) {
      throw invalidField(['body', field, String(i)], `"${name}" is not an event type name Hookline can hold: lowercase letters, digits, "_", "-" and dots (docs/svix.md#event-type-names)`);
    }
    return type;
  });
}

/** Svix's `rateLimit` (2.x: `throttleRate`): messages per second, as Hookline's `rate_limit`. */
export function rateOf(body: { rateLimit?: number | null; throttleRate?: number | null }): number | null | undefined {
  if (body.throttleRate !== undefined) return body.throttleRate;
  return body.rateLimit;
}
