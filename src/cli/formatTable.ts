/** A column of a CLI table: its title and how a row shows in it. */
export interface Column<T> {
  readonly title: string;
  readonly value: (row: T) => string;
}

/**
 * Aligned columns, two spaces apart, the last one unpadded so lines carry no trailing blanks.
 * `empty` is printed instead when there are no rows.
 */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[], empty: string): string {
  if (rows.length === 0) return empty;
  const cells = rows.map((row) => columns.map((c) => c.value(row)));
  const widths = columns.map((c, i) => Math.max(c.title.length, ...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (values: string[]): string =>
    values.map((v, i) => (i === values.length - 1 ? v : v + ' '.repeat((widths[i] ?? 0) - [...v].length))).join('  ');
  return [line(columns.map((c) => c.title)), ...cells.map(line)].join('\n');
}
