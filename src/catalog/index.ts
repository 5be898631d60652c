/** The event catalogue: built-in and custom event types, their schemas, and event filters. */
export { EventCatalog } from './EventCatalog.js';
export { builtinEventTypes } from './builtinEventTypes.js';
export type { EventTypeDefinition, EventTypeInput, JsonSchema } from './EventTypeDefinition.js';
export { describeErrors, type DataError, type ValidationResult } from './dataErrors.js';
export { isValidEventTypeName } from './eventTypeName.js';
export {
  assertValidFilters,
  compileFilter,
  isValidFilter,
  matchesFilter,
  type TypeMatcher,
} from './eventFilter.js';
