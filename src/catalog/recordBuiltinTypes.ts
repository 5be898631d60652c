import type { Store } from '../store/Store.js';
import { builtinEventTypes } from './builtinEventTypes.js';

/** The meta row that lists the built-in event types, for the SQL function `publish` (migration 0013). */
export const BUILTIN_TYPES_META_KEY = 'builtin_event_types';

/**
 * The built-in catalogue lives in code, so SQL cannot see it. Writing its names into the
 * database at every start and migration lets `publish(…)` in SQL refuse an unknown type as the
 * API does; the newest process to start decides, which is the catalogue being deployed.
 */
export async function recordBuiltinTypes(store: Pick<Store, 'setMeta'>): Promise<void> {
  await store.setMeta(BUILTIN_TYPES_META_KEY, JSON.stringify(builtinEventTypes.map((t) => t.type)));
}
