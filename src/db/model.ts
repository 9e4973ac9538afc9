/**
 * `Model(shape)`: the base class a model extends, and the public types of models (`ModelClass`,
 * `ModelInstance`, `ManagerOf`...). The top of registers/db's model layer: it may import
 * `model-base.ts` and the manager's type.
 */
import { z } from "zod";
import { ModelRegistrationError } from "./errors.js";
import type { ModelManager } from "./manager.js";
import { ModelBase } from "./model-base.js";
import { isZodObject } from "./zod-to-columns.js";

export { ModelBase } from "./model-base.js";

/** The fields of a model: a Zod shape. */
export type ModelShape = Record<string, z.ZodType>;
/** What a model instance holds: the schema's output type. */
export type ModelData<S extends ModelShape> = z.output<z.ZodObject<S>>;
/** What `new Model(data)` and `create(data)` accept: the schema's input type (defaults optional). */
export type ModelInput<S extends ModelShape> = z.input<z.ZodObject<S>>;
/** An instance of `Model(shape)`: the fields plus `save()`, `delete()`, `refresh()`, `toJSON()`. */
export type ModelInstance<S extends ModelShape> = ModelData<S> & ModelBase;

/**
 * The class `Model(shape)` returns: construct it with the schema's input, read its `schema`, and
 * (once registered with `databaseRegistry`) use `objects` and the schema helpers.
 */
export interface ModelClass<S extends ModelShape> {
  new (data: ModelInput<S>): ModelInstance<S>;
  readonly prototype: ModelInstance<S>;
  /** The model's Zod object. */
  readonly schema: z.ZodObject<S>;
  /** The manager (`databaseRegistry` installs it; the attribute name follows `managerAttr`). */
  readonly objects: ModelManager<ModelInstance<S>, ModelInput<S>, ModelData<S>>;
  /** Creates the table if missing (idempotent). */
  createSchema(): Promise<void>;
  /** Drops the table if it exists. */
  dropSchema(): Promise<void>;
  /** Whether the table exists. */
  schemaExists(): Promise<boolean>;
  /** Deletes every row, keeping the table. */
  truncate(): Promise<void>;
}

/**
 * The manager type of a model class. A class that adds members (relationship accessors, methods)
 * declares it so `objects` returns instances of the class itself (TypeScript types inherited
 * statics against the base class):
 *
 * @example
 * ```ts
 * @databaseRegistry("app.db")
 * class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
 *   declare static readonly objects: ManagerOf<typeof Author>;
 *   @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
 * }
 * ```
 */
export type ManagerOf<C extends abstract new (...args: never[]) => object> = C extends {
  readonly schema: z.ZodObject<infer S extends ModelShape>;
}
  ? ModelManager<InstanceType<C>, ModelInput<S>, ModelData<S>>
  : never;

/**
 * Returns a base class for a model with these fields (a shape or a `z.object`). Instances carry the
 * fields as own enumerable properties; `new User(data)` validates `data` (`ValidationError`).
 *
 * @example
 * ```ts
 * class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}
 * const draft = new User({ name: "Alice" }); // { id: null, name: "Alice" }
 * ```
 */
export function Model<S extends ModelShape>(shape: S | z.ZodObject<S>): ModelClass<S> {
  const schema = (isZodObject(shape) ? shape : z.object(shape as S)) as z.ZodObject<S>;
  if (!isZodObject(schema))
    throw new ModelRegistrationError("Model() takes a shape object or a z.object(...)");
  class RegistersModel extends ModelBase {
    static readonly schema = schema;
  }
  return RegistersModel as unknown as ModelClass<S>;
}
