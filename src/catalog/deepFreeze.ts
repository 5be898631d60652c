/**
 * Freezes a JSON-like value all the way down. Catalogue entries are shared by every request and
 * by Ajv's compiled validators; a caller mutating one would silently change validation for all.
 */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
