/**
 * `ModelBase`, the base of every model instance, and what the manager needs to build and track
 * instances: validation of write data, hydration of rows, the persisted key and dirty-tracking
 * snapshot. It reaches a registered model's manager only through the `ModelPort` interface, so it
 * imports no manager code: errors, password, zod-to-columns and the ports types only.
 */
import type { z } from "zod";
import type { ColumnKind } from "./dialect/dialect.js";
import { ConfigurationError, ModelRegistrationError, ValidationError } from "./errors.js";
import type { LoadedClass } from "./loaded.js";
import { verifyPassword } from "./password.js";
import { compileInputParse } from "./plain-parse.js";
import type { ModelPort } from "./ports.js";
import { describeField, unstorable } from "./zod-to-columns.js";

/** Internal: the manager of a registered class, stored on the class under this symbol. */
export const MANAGER: unique symbol = Symbol("registers.manager");

const NOT_PERSISTED: unique symbol = Symbol("registers.notPersisted");
let hydrating = false;
let persistedOf!: (instance: ModelBase) => unknown;
let markPersisted!: (
  instance: ModelBase,
  key: unknown,
  snapshot: Record<string, unknown> | undefined,
) => void;
let snapshotOf!: (instance: ModelBase) => Record<string, unknown> | undefined;

/**
 * Base of every `Model(...)` class. Holds the key the row was loaded or saved with (in a private
 * field, so it is not a property), which `save()` uses to refuse a changed key.
 *
 * @example
 * ```ts
 * User.prototype instanceof ModelBase; // true for any Model(...) class
 * ```
 */
export class ModelBase {
  #persisted: unknown = NOT_PERSISTED;
  /** The stored values as last loaded or saved (dirty tracking); never mutated. */
  #snapshot: Record<string, unknown> | undefined = undefined;

  static {
    // Instances built by a model's loaded class (`loaded.ts`) have no private fields of this class:
    // their key and snapshot live in the loaded class's slots.
    persistedOf = (instance) => {
      if (#persisted in instance) return instance.#persisted;
      const loaded = loadedClassOf(instance);
      return loaded === undefined ? NOT_PERSISTED : loaded.key(instance);
    };
    snapshotOf = (instance) => {
      if (#persisted in instance) return instance.#snapshot;
      return loadedClassOf(instance)?.snapshot(instance);
    };
    markPersisted = (instance, key, snapshot) => {
      if (#persisted in instance) {
        instance.#persisted = key;
        instance.#snapshot = snapshot;
        return;
      }
      const loaded = loadedClassOf(instance);
      if (loaded === undefined || snapshot === undefined)
        throw new TypeError("registers: this instance was not built by its model");
      loaded.mark(instance, key, snapshot);
    };
  }

  /** Validates `data` with the model's schema (`ValidationError`) and copies the fields onto `this`. */
  constructor(data?: Record<string, unknown>) {
    if (hydrating) {
      hydrating = false;
      return;
    }
    const schema = (new.target as unknown as { schema?: z.ZodObject }).schema;
    if (schema === undefined) throw new ModelRegistrationError("extend Model(shape), not ModelBase");
    Object.assign(this, validateData(schema, data ?? {}, new.target.name));
  }

  /** Upserts this instance by key and reflects generated values (the key) back onto it. */
  save(): Promise<this> {
    return managerOf(this).save(this) as Promise<this>;
  }

  /** Deletes this instance's row; `true` if a row was deleted. */
  delete(): Promise<boolean> {
    return managerOf(this).deleteInstance(this);
  }

  /** Reloads this instance's fields from the database (`RecordNotFoundError` if the row is gone). */
  async refresh(): Promise<this> {
    const fresh = await managerOf(this).refresh(this);
    const fields = (this.constructor as unknown as { schema: z.ZodObject }).schema.shape;
    for (const name in fields)
      (this as unknown as Record<string, unknown>)[name] = (fresh as unknown as Record<string, unknown>)[
        name
      ];
    return this;
  }

  /**
   * The fields only (no relations, no methods). Fields of `hashedFields` are left out unless
   * `includeHidden` is set (`JSON.stringify` never sets it).
   *
   * @example
   * ```ts
   * user.toJSON();                         // { id: 1, email: "ann@example.com" }
   * user.toJSON({ includeHidden: true });  // { id: 1, email: "ann@example.com", password: "$scrypt$..." }
   * ```
   */
  toJSON(options?: { readonly includeHidden?: boolean }): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const fields = (this.constructor as unknown as { schema: z.ZodObject }).schema.shape;
    const hidden =
      typeof options === "object" && options?.includeHidden === true ? undefined : hiddenFields(this);
    for (const name in fields) {
      if (hidden?.includes(name)) continue;
      out[name] = (this as unknown as Record<string, unknown>)[name];
    }
    return out;
  }

  /**
   * Checks a candidate password against this instance's stored hash (`hashedFields`; the first one
   * unless `field` names another), in constant time. `ConfigurationError` if the model hashes nothing.
   *
   * @example
   * ```ts
   * const user = await User.objects.require({ email });
   * if (!(await user.verifyPassword(body.password))) reply.code(401);
   * ```
   */
  verifyPassword(candidate: string, field?: string): Promise<boolean> {
    const hashed = (this.constructor as { [MANAGER]?: ModelPort })[MANAGER]?.hashedFields ?? [];
    const name = field ?? hashed[0];
    if (name === undefined || !hashed.includes(name)) {
      const model = this.constructor.name;
      return Promise.reject(
        new ConfigurationError(
          `${model}: ${field === undefined ? "no field is" : `"${field}" is not`} in hashedFields; register it with { hashedFields: ["password"] }`,
        ),
      );
    }
    const stored = (this as unknown as Record<string, unknown>)[name];
    return verifyPassword(candidate, typeof stored === "string" ? stored : "");
  }

  /** Forwards to the manager: creates the table if missing. */
  static createSchema(): Promise<void> {
    return managerOfClass(this).createSchema();
  }

  /** Forwards to the manager: drops the table. */
  static dropSchema(): Promise<void> {
    return managerOfClass(this).dropSchema();
  }

  /** Forwards to the manager: whether the table exists. */
  static schemaExists(): Promise<boolean> {
    return managerOfClass(this).schemaExists();
  }

  /** Forwards to the manager: deletes every row. */
  static truncate(): Promise<void> {
    return managerOfClass(this).truncate();
  }

  /** Present once the class is registered (`databaseRegistry`); throws before. */
  static get objects(): unknown {
    return managerOfClass(this);
  }
}

/** Static names `ModelBase` itself defines; a `managerAttr` may not reuse them. */
export const RESERVED_STATICS: ReadonlySet<string> = new Set([
  "schema",
  "createSchema",
  "dropSchema",
  "schemaExists",
  "truncate",
  "prototype",
  "length",
  "name",
  "caller",
  "arguments",
]);
/** Instance members `ModelBase` defines; a field may not reuse them. */
export const RESERVED_MEMBERS: ReadonlySet<string> = new Set([
  "save",
  "delete",
  "refresh",
  "toJSON",
  "verifyPassword",
  "constructor",
]);

/**
 * Validates write data against a schema: unknown keys, schema failures and values no database stores
 * exactly (dates outside 0001-9999, bigints outside 64 bits; see `unstorable`) are a
 * `ValidationError` carrying the issues, each naming its field. Returns the parsed output (defaults
 * applied).
 *
 * @example
 * ```ts
 * validateData(User.schema, { name: "Alice", email: "a@example.com" }, "User");
 * ```
 */
export function validateData(schema: z.ZodObject, data: unknown, model: string): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ValidationError(`${model}: data must be an object of fields`, [
      { path: [], message: "expected an object", code: "invalid_type" },
    ]);
  }
  const shape = schema.shape;
  for (const key in data) {
    if (!Object.hasOwn(shape, key)) {
      throw new ValidationError(
        `${model}: unknown field "${key}"; fields: ${Object.keys(shape).join(", ")}`,
        [{ path: [key], message: `unknown field "${key}"`, code: "unrecognized_keys" }],
      );
    }
  }
  let parsed = inputParseOf(schema)?.(data as Record<string, unknown>);
  if (parsed === undefined) {
    const result = schema.safeParse(data);
    if (!result.success) throw validationError(model, result.error);
    parsed = result.data as Record<string, unknown>;
  }
  for (const [name, kind] of rangedFields(schema)) {
    const problem = unstorable(kind, parsed[name]);
    if (problem !== undefined) {
      throw new ValidationError(
        `${model}: invalid data: ${name}: ${problem}, got ${shownValue(parsed[name])}`,
        [{ path: [name], message: problem, code: "custom" }],
      );
    }
  }
  return parsed;
}

const inputParses = new WeakMap<z.ZodObject, ReturnType<typeof compileInputParse>>();

/** The compiled input parse of a schema (`plain-parse.ts`), or `null` when it has non-plain fields. */
function inputParseOf(schema: z.ZodObject): ReturnType<typeof compileInputParse> {
  let parse = inputParses.get(schema);
  if (parse === undefined) {
    parse = compileInputParse(schema);
    inputParses.set(schema, parse);
  }
  return parse;
}

function shownValue(value: unknown): string {
  return value instanceof Date
    ? value.toISOString()
    : `${String(value)}${typeof value === "bigint" ? "n" : ""}`;
}

const rangedFieldsOf = new WeakMap<z.ZodObject, ReadonlyArray<readonly [string, ColumnKind]>>();

/** The fields of a schema whose values have a storable range (dates, bigints), computed once. */
function rangedFields(schema: z.ZodObject): ReadonlyArray<readonly [string, ColumnKind]> {
  let fields = rangedFieldsOf.get(schema);
  if (fields === undefined) {
    const found: Array<readonly [string, ColumnKind]> = [];
    for (const [name, field] of Object.entries(schema.shape)) {
      let kind: ColumnKind;
      try {
        kind = describeField(name, field as z.ZodType).kind;
      } catch {
        continue; // not a column type: registration refuses the model, an unregistered draft may hold it
      }
      if (kind === "date" || kind === "bigint") found.push([name, kind]);
    }
    fields = found;
    rangedFieldsOf.set(schema, fields);
  }
  return fields;
}

/**
 * A `ValidationError` for a failed Zod parse, with the issues trimmed to what users read.
 *
 * @example
 * ```ts
 * throw validationError("User", result.error);
 * ```
 */
export function validationError(model: string, error: z.ZodError, what = "invalid data"): ValidationError {
  const issues = error.issues.map((issue) => ({
    path: issue.path,
    message: issue.message,
    code: issue.code,
  }));
  const detail = issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`).join("; ");
  return new ValidationError(`${model}: ${what}: ${detail}`, issues, { cause: error });
}

/**
 * Builds an instance from already-validated data without re-validating (rows read back, created
 * rows), recording `key` as its persisted key and `snapshot` (default: `data` itself, which the
 * caller must not mutate afterwards) as the stored values `save()` compares against.
 *
 * @example
 * ```ts
 * const user = hydrate(User, parsedRow, parsedRow.id);
 * ```
 */
export function hydrate<T>(
  model: new (data?: never) => T,
  data: Record<string, unknown>,
  key: unknown,
  assign: Assigner = Object.assign,
  snapshot: Record<string, unknown> = data,
): T {
  hydrating = true;
  const instance = new model();
  hydrating = false;
  assign(instance as object, data);
  markPersisted(instance as ModelBase, key, snapshot);
  return instance;
}

/** Loaded-instance classes by model (`useLoadedClass`; one per registration of the model). */
const loadedClasses = new WeakMap<object, LoadedClass[]>();

function loadedClassOf(instance: ModelBase): LoadedClass | undefined {
  const classes = loadedClasses.get(instance.constructor);
  if (classes === undefined) return undefined;
  for (const loaded of classes) if (loaded.has(instance)) return loaded;
  return undefined;
}

/**
 * Builds `model`'s rows with `loaded` from now on (see `loaded.ts`): `persistedKey`,
 * `persistedSnapshot` and `setPersistedKey` then read and write its slots.
 *
 * @example
 * ```ts
 * useLoadedClass(User, compileLoaded(User, ["id", "name"], "id"));
 * ```
 */
export function useLoadedClass(model: object, loaded: LoadedClass): void {
  const classes = loadedClasses.get(model);
  if (classes === undefined) loadedClasses.set(model, [loaded]);
  else classes.push(loaded);
}

/** Copies a model's fields from one object to another. */
export type Assigner = (target: object, source: Record<string, unknown>) => unknown;

/**
 * A field-copying function specialised for one model's fields (straight-line property stores, about
 * twice as fast as `Object.assign` for rows read back). Field names are embedded as JSON strings.
 *
 * @example
 * ```ts
 * const assign = compileAssigner(["id", "name"]);
 * assign(instance, { id: 1, name: "Ann" });
 * ```
 */
export function compileAssigner(fields: readonly string[]): Assigner {
  const body = fields.map((f) => `t[${JSON.stringify(f)}] = s[${JSON.stringify(f)}];`).join("\n");
  return new Function("t", "s", body) as Assigner;
}

/** The key an instance was loaded or saved with, or `undefined` if it was never persisted. */
export function persistedKey(instance: ModelBase): unknown {
  const key = persistedOf(instance);
  return key === NOT_PERSISTED ? undefined : key;
}

/** Records the key an instance is persisted under, and its stored values (after save/upsert). */
export function setPersistedKey(instance: ModelBase, key: unknown, snapshot?: Record<string, unknown>): void {
  markPersisted(instance, key, snapshot);
}

/** The stored values an instance was loaded or last saved with (`undefined` if never persisted). */
export function persistedSnapshot(instance: ModelBase): Record<string, unknown> | undefined {
  return snapshotOf(instance);
}

/** The `hashedFields` of an instance's registered model (none when unregistered). */
function hiddenFields(instance: ModelBase): readonly string[] | undefined {
  const manager = (instance.constructor as { [MANAGER]?: ModelPort })[MANAGER];
  return manager !== undefined && manager.hashedFields.length > 0 ? manager.hashedFields : undefined;
}

function managerOf(instance: ModelBase): ModelPort {
  return managerOfClass(instance.constructor);
}

/**
 * The manager of a registered model class, or `ModelRegistrationError`.
 *
 * @example
 * ```ts
 * managerOfClass(User) === User.objects; // true
 * ```
 */
export function managerOfClass(model: unknown): ModelPort {
  const manager = (model as { [MANAGER]?: ModelPort } | null)?.[MANAGER];
  if (manager === undefined) {
    const name = (model as { name?: string } | null)?.name ?? "this class";
    throw new ModelRegistrationError(
      `${name} is not registered: decorate it with @databaseRegistry(url, options) or call databaseRegistry(url, options)(${name})`,
    );
  }
  return manager;
}
