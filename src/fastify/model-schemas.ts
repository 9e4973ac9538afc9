import { z } from "zod";
import type * as core from "zod/v4/core";
import { ModelManager } from "../db/index.js";

/** What registers/fastify needs of a model class: its name and Zod object (`Model(...)` classes). */
export interface ModelLike {
  readonly name: string;
  readonly schema: core.$ZodObject;
}

type Shape = Record<string, core.$ZodType>;
type Def = { type: string; innerType?: core.$ZodType };

/**
 * The manager of a registered model, found among the class's own static properties (so a custom
 * `managerAttr` works), or `undefined` when the class is not registered.
 *
 * @example
 * ```ts
 * managerFor(User) === User.objects; // true
 * ```
 */
export function managerFor(model: ModelLike): ModelManager<object> | undefined {
  for (const name of Object.getOwnPropertyNames(model)) {
    const descriptor = Object.getOwnPropertyDescriptor(model, name);
    if (descriptor !== undefined && descriptor.value instanceof ModelManager) return descriptor.value;
  }
  return undefined;
}

/** The manager of a registered model, or a `TypeError` saying how to register it. */
export function requireManager(model: ModelLike): ModelManager<object> {
  const manager = managerFor(model);
  if (manager === undefined) {
    throw new TypeError(
      `registers/fastify: ${model.name} is not registered: decorate it with @databaseRegistry(url, options)`,
    );
  }
  return manager;
}

function shapeOf(model: ModelLike): Shape {
  return (model.schema._zod.def as unknown as { shape: Shape }).shape;
}

/** The schema under `optional`, `nullable`, `default`, `prefault`, `readonly` wrappers. */
function unwrap(schema: core.$ZodType, keep: ReadonlySet<string> = new Set()): core.$ZodType {
  let current = schema;
  for (;;) {
    const def = current._zod.def as Def;
    if (def.innerType === undefined || keep.has(def.type)) return current;
    current = def.innerType;
  }
}

/** The `def.type` under the wrappers: `"string"`, `"number"`, `"boolean"`, `"enum"`, ... */
function baseType(schema: core.$ZodType): string {
  return (unwrap(schema)._zod.def as Def).type;
}

function markedWriteOnly(schema: core.$ZodType): boolean {
  for (let current: core.$ZodType | undefined = schema; current !== undefined; ) {
    const meta = z.globalRegistry.get(current) as { writeOnly?: unknown } | undefined;
    if (meta?.writeOnly === true) return true;
    current = (current._zod.def as Def).innerType;
  }
  return false;
}

/**
 * Fields never sent to clients: the model's hashed fields (the `hashedFields` registry option,
 * when the manager exposes it), fields marked `.meta({ writeOnly: true })`, and `extra`.
 *
 * @example
 * ```ts
 * class User extends Model({ id: z.int().nullable().default(null), password: z.string().meta({ writeOnly: true }) }) {}
 * hiddenFields(User); // ["password"]
 * ```
 */
export function hiddenFields(model: ModelLike, extra: readonly string[] = []): string[] {
  const shape = shapeOf(model);
  const hidden = new Set<string>();
  const hashed = (managerFor(model) as { hashedFields?: readonly string[] } | undefined)?.hashedFields;
  for (const name of [...(hashed ?? []), ...extra]) {
    if (!Object.hasOwn(shape, name)) {
      throw new TypeError(
        `registers/fastify: hidden field "${name}" is not a field of ${model.name}; fields: ${Object.keys(shape).join(", ")}`,
      );
    }
    hidden.add(name);
  }
  for (const [name, field] of Object.entries(shape)) if (markedWriteOnly(field)) hidden.add(name);
  return [...hidden];
}

/** Field types a query string can carry as an equality filter. */
const FILTERABLE = new Set(["string", "number", "boolean", "enum", "literal", "bigint"]);
/** Query-string names of the list route (a model field of the same name cannot be a filter). */
export const LIST_OPTIONS = ["limit", "offset", "orderBy"] as const;

/** Options of {@link modelSchemas}. */
export interface ModelSchemasOptions {
  /** More fields to leave out of responses and filters (see {@link hiddenFields}). */
  readonly hidden?: readonly string[];
  /** Largest `limit` a list request may ask for; default 1000. */
  readonly maxLimit?: number;
}

/** The Zod schemas of a model's HTTP surface (see {@link modelSchemas}). */
export interface ModelSchemas {
  /** The key field's name. */
  readonly keyField: string;
  /** Whether the database assigns the key (it is then left out of `create`). */
  readonly managedKey: boolean;
  /** Fields left out of `record` and of list filters. */
  readonly hidden: readonly string[];
  /** A response: every field but the hidden ones. */
  readonly record: z.ZodObject;
  /** A create body: strict (unknown fields rejected), without a database-managed key. */
  readonly create: z.ZodObject;
  /** A patch body: strict, every field but the key optional, no defaults. */
  readonly patch: z.ZodObject;
  /** Path parameters: `{ [keyField]: key }`. */
  readonly params: z.ZodObject;
  /** A list query string: `limit`, `offset`, `orderBy` (`field` or `-field`), and equality filters. */
  readonly listQuery: z.ZodObject;
}

/**
 * Zod schemas for a model's HTTP routes, derived from `Model.schema` and its manager (key field,
 * database-managed key, hidden fields). `crudRoutes` uses them; use them in hand-written routes too.
 *
 * @example
 * ```ts
 * const users = modelSchemas(User);
 * app.post("/users", { schema: { body: users.create, response: { 201: users.record } } }, handler);
 * ```
 */
export function modelSchemas(model: ModelLike, options: ModelSchemasOptions = {}): ModelSchemas {
  const manager = requireManager(model);
  const shape = shapeOf(model);
  const keyField = manager.keyField;
  const managedKey = manager.table.columns.some((c) => c.name === keyField && c.autoincrement);
  const hidden = hiddenFields(model, options.hidden);
  const maxLimit = options.maxLimit ?? 1000;

  const record: Shape = {};
  const create: Shape = {};
  const patch: Shape = {};
  const filters: Shape = {};
  for (const [name, field] of Object.entries(shape)) {
    if (!hidden.includes(name)) record[name] = field;
    if (!(managedKey && name === keyField)) create[name] = field;
    if (name !== keyField) patch[name] = z.optional(unwrap(field, new Set(["nullable"])));
    if (
      !hidden.includes(name) &&
      FILTERABLE.has(baseType(field)) &&
      !(LIST_OPTIONS as readonly string[]).includes(name)
    ) {
      filters[name] = z.optional(unwrap(field));
    }
  }
  const sortable = Object.keys(shape).filter((name) => !hidden.includes(name));
  const orderBy = [...sortable, ...sortable.map((name) => `-${name}`)] as [string, ...string[]];
  return {
    keyField,
    managedKey,
    hidden,
    record: z.object(record),
    create: z.strictObject(create),
    patch: z.strictObject(patch),
    params: z.strictObject({ [keyField]: unwrap(shape[keyField]) }),
    listQuery: z.strictObject({
      ...filters,
      limit: z.int().min(0).max(maxLimit).optional(),
      offset: z.int().min(0).optional(),
      orderBy: z.enum(orderBy).optional(),
    }),
  };
}
