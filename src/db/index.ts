/**
 * registers/db: one decorator turns a Zod-typed `Model(...)` class into a persisted model with
 * `Model.objects`, on SQLite (built in), PostgreSQL or MariaDB/MySQL.
 *
 * @example
 * ```ts
 * import { z } from "zod";
 * import { Model, databaseRegistry } from "registers/db";
 *
 * @databaseRegistry("app.db", { tableName: "users", uniqueFields: ["email"] })
 * class User extends Model({ id: z.int().nullable().default(null), name: z.string(), email: z.string() }) {}
 *
 * const alice = await User.objects.create({ name: "Alice", email: "alice@example.com" });
 * ```
 */
export type {
  ComparisonOperators,
  Criteria,
  FieldCriteria,
  FieldOperators,
  LogicalCriteria,
  OrderBy,
  StringOperators,
} from "./criteria.js";
export {
  type AnyModelClass,
  DatabaseRegistry,
  databaseRegistry,
  defaultTableName,
  type RegistryOptions,
} from "./database-registry.js";
export type { ColumnKind } from "./dialect/dialect.js";
export { disposeAll } from "./engine.js";
export * from "./errors.js";
export {
  type BulkOptions,
  type ComparableField,
  type FilterOptions,
  type FirstOptions,
  type GetOptions,
  type IterateOptions,
  type KeyValue,
  ModelManager,
  type NumericField,
  type Page,
  type PageOptions,
  type SumOf,
  type ValuesOptions,
} from "./manager.js";
export {
  type ManagerOf,
  Model,
  ModelBase,
  type ModelClass,
  type ModelData,
  type ModelInput,
  type ModelInstance,
  type ModelShape,
} from "./model.js";
export { hashPassword, isPasswordHash, type PasswordHashOptions, verifyPassword } from "./password.js";
export type { QueryEvent, QueryListener } from "./query-log.js";
export {
  BelongsTo,
  type BelongsToOptions,
  HasMany,
  type HasManyOptions,
  HasManyThrough,
  type HasManyThroughOptions,
  type Relation,
  type RelationDecorator,
  relate,
} from "./relations.js";
