/** Bounds on a payload filter, checked when it is saved (docs/filters.md#limits). */
export const FILTER_LIMITS = Object.freeze({
  /** The filter as JSON text. */
  maxBytes: 16 * 1024,
  /** Operators, paths and list items counted together. */
  maxClauses: 256,
  /** Nesting of `$and`, `$or` and `$not`. */
  maxDepth: 16,
  maxPathLength: 200,
  /** Items of one `$in`, `$nin`, `$and` or `$or`. */
  maxListItems: 1000,
  maxPatternLength: 256,
  /** `$regex` is false on a longer string: the bound that keeps a backtracking engine's worst case small. */
  maxRegexSubject: 1024,
  /** log2 of the backtracking paths a pattern may have over a subject of maxRegexSubject characters. */
  maxRegexCostLog2: 21,
  maxStringArgument: 1000,
});
