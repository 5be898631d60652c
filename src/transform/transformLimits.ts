/**
 * The bounds every transformation runs within (docs/transformations.md#limits). They are the
 * sandbox's, not the operator's: a business's code is untrusted, and these keep one webhook's
 * code from costing the others more than a short wait.
 */

/** CPU budget of one call, checked by QuickJS's interrupt handler between bytecode instructions. */
export const TRANSFORM_BUDGET_MS = 50;

/** Compiling the code and running its top level may take this many call budgets (200 ms). */
export const TRANSFORM_SETUP_BUDGET_FACTOR = 4;

/**
 * Wall time after which the transform thread is stopped and started again. Some built-ins
 * (`Array.prototype.join` over 2^31 holes, `fill` of a sparse array) loop in C without asking
 * the interrupt handler: QuickJS ran one for 73 s. This is the backstop for those.
 */
export const TRANSFORM_HARD_LIMIT_MS = 1000;

/** Memory cap of one webhook's sandbox (QuickJS runtime), in bytes. */
export const TRANSFORM_MEMORY_BYTES = 16 * 1024 * 1024;

/** Stack cap of one sandbox: deep recursion ends as "stack overflow" instead of crashing the thread. */
export const TRANSFORM_STACK_BYTES = 256 * 1024;

/** How long a transformation's source may be. */
export const TRANSFORM_MAX_CODE_CHARS = 64 * 1024;

/** The request a transformation returns, once serialised, must fit in this many characters. */
export const TRANSFORM_MAX_OUTPUT_CHARS = 1024 * 1024;

/** Sandboxes kept warm on the thread; the least recently used is dropped beyond this. */
export const TRANSFORM_MAX_SANDBOXES = 256;
