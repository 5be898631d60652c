import { FILTER_LIMITS } from './filterLimits.js';
import type { Condition, FilterNode } from './filterTree.js';
import { MISSING, resolveOne, resolvePath, type Candidate, type FilterSubject } from './resolvePath.js';

/** Does the event pass the filter? Total: never throws, whatever the event holds. */
export function evaluateFilter(node: FilterNode, subject: FilterSubject): boolean {
  switch (node.kind) {
    case 'field':
      if (!node.fansOut) return holds(node.condition, resolveOne(subject, node.segments));
      // With `$`, the condition must hold for some element.
      for (const v of resolvePath(subject, node.segments)) if (holds(node.condition, v)) return true;
      return false;
    case 'not':
      return !evaluateFilter(node.item, subject);
    case 'and':
      for (const item of node.items) if (!evaluateFilter(item, subject)) return false;
      return true;
    case 'or':
      for (const item of node.items) if (evaluateFilter(item, subject)) return true;
      return false;
  }
}

/** One condition on one value (MISSING when the path reached nothing). The table in docs/filters.md, in code. */
export function holds(c: Condition, v: Candidate): boolean {
  switch (c.kind) {
    case 'not':
      return !holds(c.item, v);
    case 'and':
      for (const item of c.items) if (!holds(item, v)) return false;
      return true;
    case 'or':
      for (const item of c.items) if (holds(item, v)) return true;
      return false;
    case 'op':
      break;
  }
  const a = c.arg;
  switch (c.op) {
    case '$eq':
      return v !== MISSING && jsonEqual(v, a);
    case '$neq':
      return !(v !== MISSING && jsonEqual(v, a));
    case '$in':
      return v !== MISSING && (a as unknown[]).some((x) => jsonEqual(v, x));
    case '$nin':
      return !(v !== MISSING && (a as unknown[]).some((x) => jsonEqual(v, x)));
    case '$exist':
      return (v !== MISSING) === a;
    case '$gt':
    case '$gte':
    case '$lt':
    case '$lte': {
      // Numbers with numbers, strings with strings; anything else is false, never coerced.
      if (typeof v !== typeof a || (typeof v !== 'number' && typeof v !== 'string')) return false;
      const x = v as number | string;
      const y = a as number | string;
      return c.op === '$gt' ? x > y : c.op === '$gte' ? x >= y : c.op === '$lt' ? x < y : x <= y;
    }
    case '$regex':
      return typeof v === 'string' && v.length <= FILTER_LIMITS.maxRegexSubject && c.regex!.test(v);
    case '$startsWith':
      return typeof v === 'string' && v.startsWith(a as string);
    case '$endsWith':
      return typeof v === 'string' && v.endsWith(a as string);
  }
}

/** Equality of JSON values: same type and value; arrays in order; objects with the same keys, in any order. */
export function jsonEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
  if (Array.isArray(x) !== Array.isArray(y)) return false;
  if (Array.isArray(x)) {
    const ys = y as unknown[];
    return x.length === ys.length && x.every((e, i) => jsonEqual(e, ys[i]));
  }
  const xk = Object.keys(x);
  const yo = y as Record<string, unknown>;
  return xk.length === Object.keys(yo).length && xk.every((k) => Object.hasOwn(yo, k) && jsonEqual((x as Record<string, unknown>)[k], yo[k]));
}
