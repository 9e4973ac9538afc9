/**
 * `databaseRegistry(url, options)`: the decorator (or plain call) that validates a model's options,
 * builds its `ModelManager` on the URL's engine and installs `Model.objects`. The top of
 * registers/db with `index.ts`: it may import the facade, model-base, the engine and zod-to-
 * columns.
 */
import type { z } from "zod";
import { engineFor } from "./engine.js";
import { ConfigurationError, ModelRegistrationError } from "./errors.js";
import { refuseCompositeKey } from "./keys.js";
import { type LifecycleOptions, resolveLifecycle } from "./manager/lifecycle.js";
import { ModelManager } from "./manager.js";
import { MANAGER, ModelBase, RESERVED_MEMBERS, RESERVED_STATICS } from "./model-base.js";
import { type ReplicaOptions, replicaConfig } from "./replicas/replica-options.js";
import { describeShape, type FieldInfo, isZodObject } from "./zod-to-columns.js";

/**
 * Options of `databaseRegistry(url, options)` and `new DatabaseRegistry(Model, url, options)`. `T`
 * (the instance type, as in `databaseRegistry<User>(...)`) types the `hooks`. The lifecycle options
 * (`hooks`, `timestamps`, `acceptTimestamps`, `softDelete`, `keyGenerator`) are described in
 * docs/db/lifecycle.md and docs/db/keys.md.
 */
export interface RegistryOptions<T = any> extends LifecycleOptions<T> {
  /** Table name; default: the snake_case plural of the class name (`UserProfile` -> `user_profiles`). */
  readonly tableName?: string;
  /** The primary key field; default `"id"`. One field: a list (composite key) is a `ConfigurationError`. */
  readonly keyField?: string;
  /**
   * Database-managed integer key. Default: on when the key is an integer whose schema accepts
   * `null`/`undefined`. `true` on a non-integer or non-nullable key is a `ConfigurationError`.
   */
  readonly autoincrement?: boolean;
  /** Fields with a UNIQUE constraint (also the conflict target of a key-less `upsert`). */
  readonly uniqueFields?: readonly string[];
  /**
   * Indexes of the table: a list of fields (`["lastName", "firstName"]`, in index order), or
   * `{ fields, unique?, name? }`. Fields marked `.meta({ index: true })` get one each too. Created
   * with the table (`autoCreate`, `createSchema()`) and compared by `diffSchema`. See docs/schema.md.
   */
  readonly indexes?: readonly IndexOption[];
  /** The static attribute that holds the manager; default `"objects"`. */
  readonly managerAttr?: string;
  /** Create the table if missing on first use; default `true`. */
  readonly autoCreate?: boolean;
  /**
   * String fields stored as salted scrypt hashes (`hashPassword`): hashed on create, save, upsert and
   * updateWhere (never twice), left out of `toJSON()` unless asked, checked with
   * `instance.verifyPassword(candidate)`. They cannot be used in criteria.
   */
  readonly hashedFields?: readonly string[];
  /**
   * Store values of `hashedFields` that already are password hashes as they are (a model used to
   * import users with their hashes). Default `false`: a ready-made hash given as a password is a
   * `ValidationError`, so a client cannot bypass the password rules by sending a hash.
   * `bulkCreate`/`bulkUpsert` also take `acceptPasswordHashes` per call.
   */
  readonly acceptPasswordHashes?: boolean;
  /**
   * Read replicas of this model's database (PostgreSQL, MariaDB/MySQL): reads outside transactions
   * go to them round-robin; writes, `forUpdate` reads and transactions to the primary. Shared by every
   * model on the URL (give the same list on each, or call `useReplicas()` once). See docs/scaling.md.
   */
  readonly replicas?: readonly string[] | ReplicaOptions;
}

/**
 * One entry of `indexes`: the fields in index order, or an object naming them with `unique` and an
 * explicit `name` (default `<table>_<fields>_idx`, or `_key` when unique).
 */
export type IndexOption =
  | readonly string[]
  | { readonly fields: readonly string[]; readonly unique?: boolean; readonly name?: string };

/** A class made by `Model(...)` (or a subclass of one). */
export type AnyModelClass = abstract new (...args: never[]) => ModelBase;

/** Own statics every class (and the `Model(...)` base) has; not user declarations. */
const CLASS_OWN_STATICS = new Set(["length", "name", "prototype", "schema"]);
const INJECTED_STATICS = ["createSchema", "dropSchema", "schemaExists", "truncate"];

/**
 * A model's manager built without the decorator (as in the seed). It is the same object
 * `Model.objects` holds when the class is decorated; the first registry of a class also serves its
 * instance methods (`save()`, `delete()`, `refresh()`).
 *
 * @example
 * ```ts
 * class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}
 * const users = new DatabaseRegistry(User, "app.db", { tableName: "users" });
 * await users.create({ name: "Ann" });
 * await users.dispose();
 * ```
 */
export class DatabaseRegistry<
  T extends ModelBase = ModelBase,
  I = Record<string, unknown>,
  D = Record<string, unknown>,
> extends ModelManager<T, I, D> {
  constructor(model: AnyModelClass, url?: string, options: RegistryOptions = {}) {
    const { config, url: resolvedUrl } = resolveConfig(model, url, options);
    const replicas = options.replicas === undefined ? null : replicaConfig(resolvedUrl, options.replicas);
    const engine = engineFor(resolvedUrl);
    if (replicas !== null) engine.configureReplicas(replicas);
    super(model as never, engine, config);
    if (!Object.hasOwn(model, MANAGER)) {
      Object.defineProperty(model, MANAGER, { value: this, configurable: true });
    }
  }
}

/**
 * Registers a `Model(...)` class on a database: a TC39 class decorator, or a plain call for
 * JavaScript without a transpiler. Installs `Model.objects` (or `managerAttr`), and the class-level
 * `createSchema()`, `dropSchema()`, `schemaExists()` and `truncate()`. `url` defaults to
 * `<tableName>.db`.
 *
 * @example
 * ```ts
 * @databaseRegistry("app.db", { tableName: "users", uniqueFields: ["email"] })
 * class User extends Model({ id: z.int().nullable().default(null), name: z.string(), email: z.string() }) {}
 *
 * // JavaScript, no decorators:
 * const Tag = databaseRegistry("app.db")(class Tag extends Model({ id: z.int().nullable().default(null), name: z.string() }) {});
 * ```
 */
export function databaseRegistry<T = any>(url?: string, options: RegistryOptions<T> = {}) {
  return function registerModel<C extends AnyModelClass>(model: C, _context?: ClassDecoratorContext<C>): C {
    if (typeof model === "function" && Object.hasOwn(model, MANAGER)) {
      throw new ModelRegistrationError(`${model.name} is already registered`);
    }
    const manager = new DatabaseRegistry(model, url, options);
    const attr = options.managerAttr ?? "objects";
    Object.defineProperty(model, attr, {
      value: manager,
      configurable: true,
      enumerable: false,
      writable: false,
    });
    return model;
  };
}

function resolveConfig(model: AnyModelClass, url: string | undefined, options: RegistryOptions) {
  if (typeof model !== "function" || !(model.prototype instanceof ModelBase)) {
    throw new ModelRegistrationError(
      `${describe(model)} is not a Model class: declare it as class X extends Model({ ...fields }) {}`,
    );
  }
  const schema = (model as unknown as { schema?: unknown }).schema;
  if (!isZodObject(schema)) {
    throw new ModelRegistrationError(`${model.name}: its static schema must be the z.object from Model(...)`);
  }
  const fields = describeShape(schema as z.ZodObject);
  const names = new Set(fields.map((f) => f.name));
  const members = userMembers(model.prototype);
  for (const field of fields) {
    if (RESERVED_MEMBERS.has(field.name) || members.has(field.name)) {
      throw new ModelRegistrationError(
        `${model.name}: field "${field.name}" collides with a member of the class; rename the field or the member`,
      );
    }
  }

  const tableName = options.tableName ?? defaultTableName(model.name);
  if (typeof tableName !== "string" || tableName === "") {
    throw new ConfigurationError(`${model.name || "an anonymous model"}: give a tableName`);
  }
  refuseCompositeKey(model.name, options.keyField);
  const keyField = options.keyField ?? "id";
  const key = fields.find((f) => f.name === keyField);
  if (key === undefined) {
    throw new ConfigurationError(
      `${model.name}: keyField "${keyField}" is not a field; fields: ${[...names].join(", ")}`,
    );
  }
  if (key.kind === "json" || key.kind === "float" || key.kind === "boolean") {
    throw new ConfigurationError(
      `${model.name}: keyField "${keyField}" must be an integer, string, uuid, bigint, enum or date`,
    );
  }
  const acceptsNullish = key.nullable || key.optional;
  let managedKey: boolean;
  if (options.autoincrement === true) {
    if (key.kind !== "integer") {
      throw new ConfigurationError(
        `${model.name}: autoincrement needs an integer key, but "${keyField}" is ${key.kind}`,
      );
    }
    if (!acceptsNullish) {
      throw new ConfigurationError(
        `${model.name}: autoincrement needs a key that can be null before insert: declare ${keyField}: z.int().nullable().default(null)`,
      );
    }
    managedKey = true;
  } else if (options.autoincrement === false) {
    managedKey = false;
  } else {
    managedKey = key.kind === "integer" && acceptsNullish;
  }

  const uniqueFields = [...(options.uniqueFields ?? [])];
  const seen = new Set<string>();
  for (const name of uniqueFields) {
    if (!names.has(name)) {
      throw new ConfigurationError(
        `${model.name}: uniqueFields entry "${name}" is not a field; fields: ${[...names].join(", ")}`,
      );
    }
    if (seen.has(name)) throw new ConfigurationError(`${model.name}: uniqueFields lists "${name}" twice`);
    seen.add(name);
  }

  const indexes = resolveIndexes(model.name, names, options.indexes);

  const hashedFields = [...(options.hashedFields ?? [])];
  for (const name of hashedFields) {
    const field = fields.find((f) => f.name === name);
    if (field === undefined || field.kind !== "string" || name === keyField) {
      throw new ConfigurationError(
        `${model.name}: hashedFields entry "${name}" must be a string field other than the key; fields: ${[...names].join(", ")}`,
      );
    }
  }

  const managerAttr = options.managerAttr ?? "objects";
  if (typeof managerAttr !== "string" || managerAttr === "") {
    throw new ConfigurationError(`${model.name}: managerAttr must be a non-empty string`);
  }
  const statics = userStatics(model);
  if (
    names.has(managerAttr) ||
    RESERVED_STATICS.has(managerAttr) ||
    statics.has(managerAttr) ||
    managerAttr in Function.prototype
  ) {
    throw new ModelRegistrationError(
      `${model.name}: managerAttr "${managerAttr}" collides with a field or class member; choose another name`,
    );
  }
  for (const name of INJECTED_STATICS) {
    if (statics.has(name)) {
      throw new ModelRegistrationError(
        `${model.name}: the static member "${name}" collides with the method registers adds; rename it`,
      );
    }
  }

  const config = {
    tableName,
    keyField,
    managedKey,
    uniqueFields,
    autoCreate: options.autoCreate ?? true,
    fields: fields as readonly FieldInfo[],
    hashedFields,
    acceptPasswordHashes: options.acceptPasswordHashes === true,
    indexes,
    lifecycle: resolveLifecycle(model.name, fields, key, managedKey, options),
  };
  return { config, url: url ?? `${tableName}.db` };
}

/** `indexes` validated: every field exists, none is listed twice, names are non-empty strings. */
function resolveIndexes(
  modelName: string,
  names: ReadonlySet<string>,
  indexes: readonly IndexOption[] | undefined,
): { fields: readonly string[]; unique: boolean; name?: string }[] {
  if (indexes === undefined) return [];
  if (!Array.isArray(indexes)) {
    throw new ConfigurationError(
      `${modelName}: indexes must be a list of field lists or { fields, unique?, name? }`,
    );
  }
  return indexes.map((entry: IndexOption, i) => {
    const spec = Array.isArray(entry)
      ? { fields: entry as readonly string[] }
      : (entry as Exclude<IndexOption, readonly string[]>);
    const fields = spec?.fields;
    if (!Array.isArray(fields) || fields.length === 0) {
      throw new ConfigurationError(`${modelName}: indexes[${i}] must name at least one field`);
    }
    for (const field of fields) {
      if (!names.has(field)) {
        throw new ConfigurationError(
          `${modelName}: indexes[${i}] names "${String(field)}", which is not a field; fields: ${[...names].join(", ")}`,
        );
      }
    }
    if (new Set(fields).size !== fields.length) {
      throw new ConfigurationError(`${modelName}: indexes[${i}] lists a field twice`);
    }
    if (spec.name !== undefined && (typeof spec.name !== "string" || spec.name === "")) {
      throw new ConfigurationError(`${modelName}: indexes[${i}].name must be a non-empty string`);
    }
    return { fields: [...fields], unique: spec.unique === true, ...(spec.name ? { name: spec.name } : {}) };
  });
}

/** Names the user's class (and its user-defined bases) declare on the prototype, below `Model(...)`. */
function userMembers(prototype: object): Set<string> {
  const out = new Set<string>();
  for (let p = prototype; p !== null && p !== ModelBase.prototype; p = Object.getPrototypeOf(p)) {
    for (const name of Object.getOwnPropertyNames(p)) if (name !== "constructor") out.add(name);
  }
  return out;
}

/** Static names the user's class chain declares, below `ModelBase`, excluding what registers defines. */
function userStatics(model: object): Set<string> {
  const out = new Set<string>();
  for (
    let c = model;
    c !== null && c !== ModelBase && c !== Function.prototype;
    c = Object.getPrototypeOf(c)
  ) {
    for (const name of Object.getOwnPropertyNames(c)) {
      if (!CLASS_OWN_STATICS.has(name)) out.add(name);
    }
  }
  return out;
}

/**
 * `UserProfile` -> `user_profiles`, `Category` -> `categories`, `Box` -> `boxes`.
 *
 * @example
 * ```ts
 * defaultTableName("UserProfile"); // "user_profiles"
 * ```
 */
export function defaultTableName(className: string): string {
  const snake = className
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
  if (snake === "") return "";
  if (/[^aeiou]y$/.test(snake)) return `${snake.slice(0, -1)}ies`;
  if (/(s|x|z|ch|sh)$/.test(snake)) return `${snake}es`;
  return `${snake}s`;
}

function describe(value: unknown): string {
  if (typeof value === "function") return value.name || "an anonymous function";
  return value === null ? "null" : typeof value;
}
