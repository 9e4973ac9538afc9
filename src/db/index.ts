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
  DataOf,
  FieldCriteria,
  FieldOperators,
  LogicalCriteria,
  OrderBy,
  RelationFilter,
  RelationFilters,
  StringOperators,
} from "./criteria.js";
export { type Database, database, type ExecuteResult } from "./database.js";
export {
  type AnyModelClass,
  DatabaseRegistry,
  databaseRegistry,
  defaultTableName,
  type IndexOption,
  type RegistryOptions,
} from "./database-registry.js";
export type { ColumnKind, IsolationLevel } from "./dialect/dialect.js";
export { disposeAll } from "./engine.js";
export * from "./errors.js";
export { type KeyGeneratorName, uuidv4, uuidv7 } from "./keys.js";
export type {
  FieldsOf,
  HookResult,
  ModelHooks,
  SoftDeleteOption,
  TimestampsOption,
} from "./manager/lifecycle.js";
export type { ModelReader } from "./manager/reader.js";
export type {
  CreateWithInput,
  ManyRelationName,
  OneRelationName,
  RelatedItem,
  RelatedOf,
} from "./manager/relation-writes.js";
export {
  type AggregateOptions,
  type AggregateRow,
  type BulkOptions,
  type ComparableField,
  type CountByRow,
  type FieldList,
  type FilterOptions,
  type FirstOptions,
  type GetOptions,
  type GetOrCreateResult,
  type GroupableField,
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
export { SqlFragment, SqlIdentifier, type SqlTag, type SqlValue, sql } from "./raw-sql.js";
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
export type { ReplicaOptions } from "./replicas/replica-options.js";
export { readsOnPrimary, usePrimary } from "./replicas/use-primary.js";
export { useReplicas } from "./replicas/use-replicas.js";
export * from "./schema/index.js";
export type { TransactionOptions } from "./transaction.js";
