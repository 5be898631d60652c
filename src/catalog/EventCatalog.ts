import { Ajv, type ValidateFunction } from 'ajv';
import formatsModule from 'ajv-formats';
import { HooklineError } from '../errors.js';
import { builtinEventTypes } from './builtinEventTypes.js';
import { deepFreeze } from './deepFreeze.js';
import type { EventTypeDefinition, EventTypeInput } from './EventTypeDefinition.js';
import { isValidEventTypeName, entityOf, RESERVED_ENTITIES } from './eventTypeName.js';
import { compileFilter, isValidFilter } from './eventFilter.js';
import { describeErrors, NOT_AN_OBJECT, toDataErrors, type DataError, type ValidationResult } from './dataErrors.js';

// ajv-formats is CommonJS; under NodeNext its default import is the module object.
const addFormats = formatsModule.default;

const OK: ValidationResult = Object.freeze({ ok: true });
const MAX_DESCRIPTION = 500;

/**
 * The event types one Hookline instance accepts: the built-in ones plus any registered at run
 * time. Validators are compiled on first use and kept, so startup does not pay for ~90 schemas
 * most businesses never publish.
 */
export class EventCatalog {
  // One Ajv per catalogue: it caches compiled schemas by object, so shared schemas compile once.
  readonly #ajv = new Ajv({ allErrors: true, strict: false });
  readonly #types = new Map<string, EventTypeDefinition>();
  readonly #builtin = new Set<string>();
  readonly #validators = new Map<string, ValidateFunction>();
  /** Root `$id` of each custom schema → its type: Ajv refuses to hold one `$id` twice. */
  readonly #schemaIds = new Map<string, string>();
  #sorted: readonly EventTypeDefinition[] | null = null;

  constructor(builtins: readonly EventTypeDefinition[] = builtinEventTypes) {
    addFormats(this.#ajv);
    for (const def of builtins) {
      if (this.#types.has(def.type)) throw new Error(`Built-in event type ${def.type} is listed twice`);
      this.#types.set(def.type, def);
      this.#builtin.add(def.type);
    }
  }

  has(type: string): boolean {
    return this.#types.has(type);
  }

  get(type: string): EventTypeDefinition | undefined {
    return this.#types.get(type);
  }

  isBuiltin(type: string): boolean {
    return this.#builtin.has(type);
  }

  /** All types, sorted by name (what `GET /v1/event-types` returns). */
  list(): readonly EventTypeDefinition[] {
    this.#sorted ??= Object.freeze([...this.#types.values()].sort(byType));
    return this.#sorted;
  }

  /**
   * Checks `data` against the type's schema. `data` must be a JSON object whatever the schema
   * says: checked here rather than trusted to each schema, so a custom schema cannot let an
   * array or null through. Throws `UNKNOWN_EVENT_TYPE` for a type not in the catalogue.
   */
  validate(type: string, data: unknown): ValidationResult {
    const validator = this.#validatorFor(type);
    if (!isJsonObject(data)) return { ok: false, errors: [NOT_AN_OBJECT] };
    if (validator(data)) return OK;
    return { ok: false, errors: toDataErrors(validator.errors ?? []) };
  }

  /** `validate`, throwing `EVENT_DATA_INVALID` (with an `errors` extension) on failure. */
  assertValid(type: string, data: unknown): void {
    const result = this.validate(type, data);
    if (result.ok) return;
    throw new HooklineError(
      'EVENT_DATA_INVALID',
      `Event data does not match the schema of '${type}': ${describeErrors(result.errors)}.`,
      { errors: result.errors },
    );
  }

  describeErrors(errors: readonly DataError[]): string {
    return describeErrors(errors);
  }

  /**
   * Adds a custom type, or replaces an earlier custom one. Built-in types cannot be replaced
   * (`EVENT_TYPE_EXISTS`): publishers and receivers rely on their shape. Anything else wrong
   * with the input is `VALIDATION_FAILED`: a bad name, a reserved entity, a schema Ajv cannot
   * compile, or an example that fails its own schema.
   */
  register(input: EventTypeInput): EventTypeDefinition {
    const { type, description } = input;
    if (typeof type !== 'string' || !isValidEventTypeName(type)) {
      invalid(
        `Event type name ${JSON.stringify(type)} is not entity/action: two parts of lowercase ` +
          'letters, digits, _ . - (each starting with a letter or digit, up to 64), e.g. "class/waitlisted".',
      );
    }
    if (this.#builtin.has(type)) {
      throw new HooklineError('EVENT_TYPE_EXISTS', `'${type}' is a built-in event type; choose another name.`);
    }
    if (RESERVED_ENTITIES.has(entityOf(type) ?? '')) {
      invalid(`The '${entityOf(type)}/' entity is reserved for Hookline's own events; choose another entity.`);
    }
    if (typeof description !== 'string' || description.trim() === '' || description.length > MAX_DESCRIPTION) {
      invalid(`description must be a non-empty string of at most ${MAX_DESCRIPTION} characters.`);
    }
    const schema = cloneJsonObject(input.schema, 'schema');
    const example = cloneJsonObject(input.example, 'example');
    const schemaId = typeof schema['$id'] === 'string' ? schema['$id'] : null;
    const idOwner = schemaId === null ? undefined : this.#schemaIds.get(schemaId);
    if (idOwner !== undefined && idOwner !== type) {
      invalid(`schema $id ${JSON.stringify(schemaId)} is already used by '${idOwner}'; give each schema its own.`);
    }

    // Free the previous version's $id first, or a replacement reusing it could not compile.
    // Its compiled validator stays cached, so a rejected replacement leaves it working.
    const previous = this.#types.get(type);
    if (previous) this.#forgetSchema(type, previous.schema);
    const validator = this.#compileCustom(schema);
    if (!validator(example)) {
      this.#ajv.removeSchema(schema);
      const errors = toDataErrors(validator.errors ?? []);
      invalid(`example does not match its schema: ${describeErrors(errors)}.`, { errors });
    }

    const def: EventTypeDefinition = deepFreeze({ type, description, schema, example });
    this.#types.set(type, def);
    this.#validators.set(type, validator);
    if (schemaId !== null) this.#schemaIds.set(schemaId, type);
    this.#sorted = null;
    return def;
  }

  /**
   * The well-formed filters that select no type in the catalogue right now: most likely typos
   * (`client/craeted`) that would leave a webhook silently receiving nothing.
   */
  unknownFilters(filters: readonly string[]): string[] {
    return filters.filter((f) => {
      if (!isValidFilter(f)) return false;
      const matches = compileFilter([f]);
      for (const type of this.#types.keys()) if (matches(type)) return false;
      return true;
    });
  }

  #validatorFor(type: string): ValidateFunction {
    const cached = this.#validators.get(type);
    if (cached) return cached;
    const def = this.#types.get(type);
    if (!def) {
      throw new HooklineError(
        'UNKNOWN_EVENT_TYPE',
        `'${type}' is not in the event catalogue; GET /v1/event-types lists the known types.`,
      );
    }
    const validator = this.#ajv.compile(def.schema);
    this.#validators.set(type, validator);
    return validator;
  }

  #forgetSchema(type: string, schema: Readonly<Record<string, unknown>>): void {
    this.#ajv.removeSchema(schema as Record<string, unknown>);
    const id = schema['$id'];
    if (typeof id === 'string' && this.#schemaIds.get(id) === type) this.#schemaIds.delete(id);
  }

  #compileCustom(schema: Record<string, unknown>): ValidateFunction {
    let validator: ValidateFunction;
    try {
      validator = this.#ajv.compile(schema);
    } catch (e) {
      // A failed compile can leave a schema's $id registered; clear it so a retry can succeed.
      this.#ajv.removeSchema(schema);
      invalid(`schema is not a valid JSON Schema: ${(e as Error).message}`);
    }
    // An $async schema returns a promise, which would read as "valid" for every input.
    if ((validator as { $async?: unknown }).$async === true) {
      this.#ajv.removeSchema(schema);
      invalid('schema must not be $async.');
    }
    return validator;
  }
}

function invalid(detail: string, extensions: Record<string, unknown> = {}): never {
  throw new HooklineError('VALIDATION_FAILED', detail, extensions);
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A private copy, so the caller cannot change a registered type from outside afterwards. */
function cloneJsonObject(value: unknown, what: string): Record<string, unknown> {
  if (!isJsonObject(value)) invalid(`${what} must be a JSON object.`);
  try {
    return structuredClone(value);
  } catch {
    return invalid(`${what} must contain only JSON values.`);
  }
}

function byType(a: EventTypeDefinition, b: EventTypeDefinition): number {
  return a.type < b.type ? -1 : a.type > b.type ? 1 : 0;
}
