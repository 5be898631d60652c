/**
 * A dialect's own event names and the catalogue types they stand for, one to one. Built
 * once per dialect; lookups are plain Map reads because they run for every attempt.
 */
export class Vocabulary {
  readonly byName: ReadonlyMap<string, string>;
  readonly #byType: ReadonlyMap<string, string>;

  constructor(pairs: readonly (readonly [name: string, type: string])[]) {
    const byName = new Map<string, string>();
    const byType = new Map<string, string>();
    for (const [name, type] of pairs) {
      if (byName.has(name) || byType.has(type)) throw new Error(`Vocabulary lists ${name} or ${type} twice`);
      byName.set(name, type);
      byType.set(type, name);
    }
    this.byName = byName;
    this.#byType = byType;
  }

  nameOf(type: string): string | null {
    return this.#byType.get(type) ?? null;
  }

  typeOf(name: string): string | null {
    return this.byName.get(name) ?? null;
  }
}

/** The two halves of a catalogue type; a type always has exactly one slash. */
export function splitType(type: string): [entity: string, action: string] {
  const slash = type.indexOf('/');
  return slash < 0 ? [type, ''] : [type.slice(0, slash), type.slice(slash + 1)];
}
