import { FILTER_LIMITS } from './filterLimits.js';
import type { Condition, FilterNode } from './filterTree.js';
import { holds } from './evaluateFilter.js';
import { MISSING, resolvePath, type Candidate, type FilterSubject } from './resolvePath.js';

/** Why a filter matched or not: the clause that decided, with the clauses that decided it. */
export interface Explanation {
  /** Where the clause is in the filter, as a JSON pointer ("" for the whole filter). */
  pointer: string;
  holds: boolean;
  message: string;
  because?: Explanation[];
}

/**
 * The same answer as evaluateFilter (a test holds them equal), with reasons. Only the clauses
 * that decided are kept: the failing one of an $and that failed, the passing one of an $or.
 * For the dry run; publishing uses evaluateFilter, which builds nothing.
 */
export function explainFilter(node: FilterNode, subject: FilterSubject): Explanation {
  switch (node.kind) {
    case 'field': {
      const values = resolvePath(subject, node.segments);
      const fans = node.segments.includes('$');
      if (values.length === 0) return { pointer: node.pointer, holds: false, message: `${node.path}: no array element to test` };
      const judged = values.map((v) => explainCondition(node.condition, v, node.path));
      const hit = judged.find((j) => j.holds);
      if (!fans) return judged[0]!;
      return hit
        ? { pointer: node.pointer, holds: true, message: `${node.path}: an element matches`, because: [hit] }
        : { pointer: node.pointer, holds: false, message: `${node.path}: none of ${values.length} elements matches`, because: judged.slice(0, 3) };
    }
    case 'not': {
      const inner = explainFilter(node.item, subject);
      return { pointer: node.pointer, holds: !inner.holds, message: `$not: the clause inside ${inner.holds ? 'holds' : 'does not hold'}`, because: [inner] };
    }
    case 'and':
    case 'or':
      return combine(node.kind, node.pointer, node.items.map((item) => explainFilter(item, subject)));
  }
}

function explainCondition(c: Condition, v: Candidate, path: string): Explanation {
  switch (c.kind) {
    case 'not': {
      const inner = explainCondition(c.item, v, path);
      return { pointer: c.pointer, holds: !inner.holds, message: `$not: ${inner.holds ? 'the condition inside holds' : 'the condition inside does not hold'}`, because: [inner] };
    }
    case 'and':
    case 'or':
      return combine(c.kind, c.pointer, c.items.map((item) => explainCondition(item, v, path)));
    case 'op': {
      const ok = holds(c, v);
      const seen = v === MISSING ? 'is missing' : `is ${show(v)}`;
      const note = c.op === '$regex' && typeof v === 'string' && v.length > FILTER_LIMITS.maxRegexSubject ? ` (longer than the ${FILTER_LIMITS.maxRegexSubject} characters $regex reads)` : '';
      return { pointer: c.pointer, holds: ok, message: `${path} ${seen}: ${c.op} ${show(c.op === '$regex' ? String(c.regex) : c.arg)} ${ok ? 'holds' : 'does not hold'}${note}` };
    }
  }
}

function combine(kind: 'and' | 'or', pointer: string, parts: Explanation[]): Explanation {
  const ok = kind === 'and' ? parts.every((p) => p.holds) : parts.some((p) => p.holds);
  // What decided: for a true $and all of it, for a false one its failures; the reverse for $or.
  const deciding = parts.filter((p) => p.holds === ok);
  const message = kind === 'and'
    ? ok ? `all ${parts.length} clauses hold` : `${deciding.length} of ${parts.length} clauses do not hold`
    : ok ? `${deciding.length} of ${parts.length} alternatives hold` : `none of ${parts.length} alternatives holds`;
  return { pointer, holds: ok, message: `$${kind}: ${message}`, because: deciding };
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
}
