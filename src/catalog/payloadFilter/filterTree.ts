/** A payload filter once parsed: what `evaluateFilter` and `explainFilter` walk. */

export type Operator = '$eq' | '$neq' | '$gt' | '$gte' | '$lt' | '$lte' | '$in' | '$nin' | '$exist' | '$regex' | '$startsWith' | '$endsWith';

/** A condition on the value found at one path. */
export type Condition =
  | { kind: 'op'; op: Operator; arg: unknown; regex?: RegExp; pointer: string }
  | { kind: 'not'; item: Condition; pointer: string }
  | { kind: 'and' | 'or'; items: Condition[]; pointer: string };

/** A condition on the whole event. */
export type FilterNode =
  | { kind: 'field'; path: string; segments: string[]; fansOut: boolean; condition: Condition; pointer: string }
  | { kind: 'not'; item: FilterNode; pointer: string }
  | { kind: 'and' | 'or'; items: FilterNode[]; pointer: string };

/** The JSON a webhook stores and the API accepts. */
export type FilterDocument = Record<string, unknown>;
