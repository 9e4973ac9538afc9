/**
 * Types of registers/db's manager: the options and results of `Model.objects` methods, the model
 * configuration a manager runs with, and the typed field helpers. Types only (no runtime code); it
 * may import types from criteria, dialect and zod-to-columns.
 */
import type { z } from "zod";
import type { Criteria, OrderBy } from "../criteria.js";
import type { FieldInfo } from "../zod-to-columns.js";
import type { Lifecycle } from "./lifecycle.js";

/** Options of `filter()` and `all()`. */
export interface FilterOptions<D = Record<string, unknown>, T = unknown> {
  /** Most rows to return (a non-negative integer). */
  readonly limit?: number;
  /** Rows to skip (a non-negative integer). */
  readonly offset?: number;
  /** `"name"`, `"-name"` (descending) or `[["name", "asc"], ["id", "desc"]]`. */
  readonly orderBy?: OrderBy<D>;
  /**
   * Relationships to load with the rows, one query per relationship (never one per row):
   * `["posts", "author", "posts.tags"]`. `await row.posts` then returns them without a query.
   */
  readonly include?: readonly IncludePath<T>[];
}

/**
 * Names of the relationship accessors of instances of `T` (properties holding a Promise).
 *
 * @example
 * ```ts
 * type R = RelationName<Author>; // "posts"
 * ```
 */
export type RelationName<T> = {
  [K in keyof T & string]: T[K] extends PromiseLike<unknown> ? K : never;
}[keyof T & string];

/**
 * What `include` and `prefetch` accept: a relationship name, or a dotted path through them
 * (`"posts.tags"`). Any string where the instance type declares no relationships.
 *
 * @example
 * ```ts
 * const paths: IncludePath<Author>[] = ["posts", "posts.tags"];
 * ```
 */
export type IncludePath<T> = [RelationName<T>] extends [never]
  ? string
  : RelationName<T> | `${RelationName<T>}.${string}`;

/**
 * Options of `get()` and `require()`.
 *
 * @example
 * ```ts
 * await User.objects.transaction(() => User.objects.require(1, { forUpdate: true }));
 * ```
 */
export interface GetOptions {
  /**
   * Lock the row until the enclosing transaction ends (`SELECT ... FOR UPDATE` on PostgreSQL and
   * MySQL; SQLite transactions are serialized already). Only inside `transaction()`.
   */
  readonly forUpdate?: boolean;
}

/**
 * Options of `first()` and `last()`: the order (default: the key; `last()` reverses it).
 *
 * @example
 * ```ts
 * const newest = await User.objects.first({ role: "member" }, { orderBy: "-createdAt" });
 * ```
 */
export interface FirstOptions<D = Record<string, unknown>> {
  readonly orderBy?: OrderBy<D>;
}

/**
 * Options of `values()`.
 *
 * @example
 * ```ts
 * await User.objects.values(undefined, ["id", "email"], { orderBy: "email", limit: 100 });
 * ```
 */
export type ValuesOptions<D = Record<string, unknown>> = Omit<FilterOptions<D>, "include">;

/**
 * Options of `page()`: keyset pagination.
 *
 * @example
 * ```ts
 * const next = await User.objects.page({ where: { role: "member" }, orderBy: "-id", limit: 50, after: cursor });
 * ```
 */
export interface PageOptions<D = Record<string, unknown>> {
  /** Rows per page (a positive integer). */
  readonly limit: number;
  /** Criteria the rows match. */
  readonly where?: Criteria<D>;
  /** Order (non-nullable fields); the key breaks ties. Default: the key. */
  readonly orderBy?: OrderBy<D>;
  /** The `nextCursor` of the previous page (same `where` and `orderBy`); absent for the first page. */
  readonly after?: string | null;
}

/**
 * One page of `page()`.
 *
 * @example
 * ```ts
 * const { items, nextCursor }: Page<User> = await User.objects.page({ limit: 20 });
 * ```
 */
export interface Page<T> {
  readonly items: T[];
  /** Pass as `after` for the next page; `null` on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Options of `iterate()`.
 *
 * @example
 * ```ts
 * for await (const user of User.objects.iterate(undefined, { batchSize: 500, orderBy: "name" })) send(user);
 * ```
 */
export interface IterateOptions<D = Record<string, unknown>> {
  /** Rows per keyset batch (default 1000). */
  readonly batchSize?: number;
  /** Order (non-nullable fields); the key breaks ties. Default: the key. */
  readonly orderBy?: OrderBy<D>;
}

/**
 * Options of `bulkCreate()` and `bulkUpsert()`.
 *
 * @example
 * ```ts
 * await User.objects.bulkCreate(rows, { chunkSize: 500 });
 * ```
 */
export interface BulkOptions {
  /** Most rows per statement (default 1000; lowered to fit the database's parameter limit). */
  readonly chunkSize?: number;
  /**
   * Store values of `hashedFields` that already are password hashes as they are (an import of
   * hashes made by `hashPassword`). Off by default: a ready-made hash is refused like a bad value.
   */
  readonly acceptPasswordHashes?: boolean;
}

/**
 * Fields of `D` holding numbers or bigints (what `sum` and `avg` accept).
 *
 * @example
 * ```ts
 * type N = NumericField<{ id: number; name: string; total: bigint }>; // "id" | "total"
 * ```
 */
export type NumericField<D> = {
  [K in keyof D & string]: [NonNullable<D[K]>] extends [number | bigint] ? K : never;
}[keyof D & string];

/**
 * Fields of `D` holding numbers, bigints, strings or Dates (what `min` and `max` accept).
 *
 * @example
 * ```ts
 * type C = ComparableField<{ id: number; at: Date; tags: string[] }>; // "id" | "at"
 * ```
 */
export type ComparableField<D> = {
  [K in keyof D & string]: [NonNullable<D[K]>] extends [number | bigint | string | Date] ? K : never;
}[keyof D & string];

/**
 * What `sum` returns for a field of type `V`: a bigint for bigint fields, else a number.
 *
 * @example
 * ```ts
 * type S = SumOf<bigint | null>; // bigint
 * ```
 */
export type SumOf<V> = [NonNullable<V>] extends [bigint] ? bigint : number;

/** A primary key value. */
export type KeyValue = string | number | bigint;

/** The model configuration a manager runs with (validated by `databaseRegistry`). */
export interface ManagerConfig {
  readonly tableName: string;
  readonly keyField: string;
  /** The key is database-managed (AUTOINCREMENT / IDENTITY). */
  readonly managedKey: boolean;
  readonly uniqueFields: readonly string[];
  readonly autoCreate: boolean;
  readonly fields: readonly FieldInfo[];
  /** String fields stored as password hashes (`hashedFields`). */
  readonly hashedFields?: readonly string[];
  /** Store ready-made hashes given for `hashedFields` as they are (imports); default `false`. */
  readonly acceptPasswordHashes?: boolean;
  /** Hooks, timestamps, soft delete, key generator (`lifecycle.ts`); absent or `null`: none. */
  readonly lifecycle?: Lifecycle | null;
  /** Indexes of the `indexes` option (validated), created with the table. */
  readonly indexes?: readonly {
    readonly fields: readonly string[];
    readonly unique: boolean;
    readonly name?: string;
  }[];
}

/** A registered model class as the manager sees it. */
export type ModelCtor<T> = (new (
  data?: never,
) => T) & { readonly name: string; readonly schema: z.ZodObject };
