/**
 * Collects a statement's parameters in order and writes each one's placeholder the way the
 * database spells it: `?` for SQLite, `$1`, `$2`, … for PostgreSQL. Lets one function write a
 * statement whose text is otherwise the same in both.
 */
export class SqlParams {
  readonly values: unknown[] = [];

  constructor(private readonly style: 'sqlite' | 'postgres') {}

  /** Adds `value` and returns its placeholder. */
  add(value: unknown): string {
    this.values.push(value);
    return this.style === 'postgres' ? `$${this.values.length}` : '?';
  }
}
