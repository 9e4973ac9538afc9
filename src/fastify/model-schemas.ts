/**
 * A registered model's request and response schemas (create, patch, record, list query), hiding
 * `hashedFields` and refusing ready-made password hashes, cached per model. It may import
 * registers/db's public API.
 */
import { z } from "zod";
import type * as core from "zod/v4/core";
import { isPasswordHash, ModelManager } from "../db/index.js";

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

type BodySchemas = Omit<ModelSchemas, "listQuery"> & { readonly filters: Shape };

/** Schemas already built, per model and set of hidden fields: the same objects every time (OpenAPI `$ref`s rely on it). */
const built = new WeakMap<ModelLike, Map<string, BodySchemas>>();

/** Refuses a ready-made hash sent for a hashed field: it would set a password the client knows, skipping the schema's rules. */
function refuseHashes(hashed: readonly string[]) {
  return function noPasswordHash(data: Record<string, unknown>, ctx: z.RefinementCtx): void {
    for (const name of hashed) {
      if (typeof data[name] === "string" && isPasswordHash(data[name])) {
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: "a password hash is not accepted here: send the plain text, it is hashed on write",
        });
      }
    }
  };
}

function buildBodySchemas(model: ModelLike, hidden: readonly string[]): BodySchemas {
  const manager = requireManager(model);
  const shape = shapeOf(model);
  const keyField = manager.keyField;
  const managedKey = manager.table.columns.some((c) => c.name === keyField && c.autoincrement);
  const hashed = manager.hashedFields;

  const record: Shape = {};
  const create: Shape = {};
  const patch: Shape = {};
  const filters: Shape = {};
  for (const [name, field] of Object.entries(shape)) {
    // A stored record always has its key: `id: z.int().nullable().default(null)` is a non-null int here.
    if (!hidden.includes(name)) record[name] = name === keyField ? unwrap(field) : field;
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
  return {
    keyField,
    managedKey,
    hidden,
    filters,
    record: z.object(record),
    create: z.strictObject(create).superRefine(refuseHashes(hashed)),
    patch: z.strictObject(patch).superRefine(refuseHashes(hashed)),
    params: z.strictObject({ [keyField]: unwrap(shape[keyField]) }),
  };
}

/**
 * Zod schemas for a model's HTTP routes, derived from `Model.schema` and its manager (key field,
 * database-managed key, hidden fields). `crudRoutes` uses them; use them in hand-written routes too.
 * `record` has a non-null key; `create` and `patch` refuse a ready-made password hash for a
 * `hashedFields` field (a 400 on that field: it would bypass the field's own rules). The same model
 * and `hidden` give the same schema objects.
 *
 * @example
 * ```ts
 * const users = modelSchemas(User);
 * app.post("/users", { schema: { body: users.create, response: { 201: users.record } } }, handler);
 * ```
 */
export function modelSchemas(model: ModelLike, options: ModelSchemasOptions = {}): ModelSchemas {
  const hidden = hiddenFields(model, options.hidden);
  const key = JSON.stringify([...hidden].sort());
  let byHidden = built.get(model);
  if (byHidden === undefined) built.set(model, (byHidden = new Map()));
  let schemas = byHidden.get(key);
  if (schemas === undefined) byHidden.set(key, (schemas = buildBodySchemas(model, hidden)));
  const { filters, ...rest } = schemas;
  const maxLimit = options.maxLimit ?? 1000;
  const sortable = Object.keys(shapeOf(model)).filter((name) => !hidden.includes(name));
  const orderBy = [...sortable, ...sortable.map((name) => `-${name}`)] as [string, ...string[]];
  return {
    ...rest,
    listQuery: z.strictObject({
      ...filters,
      limit: z.int().min(0).max(maxLimit).optional(),
      offset: z.int().min(0).optional(),
      orderBy: z.enum(orderBy).optional(),
    }),
  };
}
