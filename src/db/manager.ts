/**
 * `Model.objects`: the facade of registers/db. Each method is a one-liner over an operation module
 * in `manager/` (reads, writes, bulk, set-based update/delete, keyset, aggregates, DDL), all
 * working on one `ModelState`; failures become typed errors in one place (`translate-error.ts`).
 * The hot paths (get by key, filter, count, create) stay inline here: they answer synchronously on
 * SQLite under the Promise API, and an extra call layer costs measurable time per row. It may import
 * every module of `manager/`, the engine, transaction and query-log seams; nothing imports it but
 * the decorator, `model.ts` (its type) and `index.ts`.
 */
import type { z } from "zod";
import { type Criteria, isPlainObject } from "./criteria.js";
import type { Row, TableSpec } from "./dialect/dialect.js";
import type { Engine } from "./engine.js";
import type { RegistryError } from "./errors.js";
import { aggregate, countRows } from "./manager/aggregate.js";
import { bulkCreate, bulkUpsert } from "./manager/bulk.js";
import * as ddl from "./manager/ddl.js";
import { iterate, page } from "./manager/keyset.js";
import * as read from "./manager/read.js";
import { firstRow, hydrateRow, hydrateRows } from "./manager/rows.js";
import { selectSql, whereKeySql } from "./manager/sql.js";
import { ModelState } from "./manager/state.js";
import { translateError } from "./manager/translate-error.js";
import type {
  BulkOptions,
  ComparableField,
  FilterOptions,
  FirstOptions,
  GetOptions,
  IncludePath,
  IterateOptions,
  KeyValue,
  ManagerConfig,
  ModelCtor,
  NumericField,
  Page,
  PageOptions,
  SumOf,
  ValuesOptions,
} from "./manager/types.js";
import { deleteByKey, deleteWhere, updateWhere } from "./manager/update-delete.js";
import { createRow, insertRow, refuseManagedKey, save, upsert } from "./manager/write.js";
import { type ModelBase, persistedKey, validateData } from "./model-base.js";
import { type QueryListener, subscribeQueries } from "./query-log.js";
import { runTransaction } from "./transaction.js";

export type {
  BulkOptions,
  ComparableField,
  FilterOptions,
  FirstOptions,
  GetOptions,
  IncludePath,
  IterateOptions,
  KeyValue,
  ManagerConfig,
  NumericField,
  Page,
  PageOptions,
  RelationName,
  SumOf,
  ValuesOptions,
} from "./manager/types.js";

/**
 * `Model.objects`: every persistence operation of one model. All methods return Promises. Statements
 * are built once per shape and cached with their prepared handles; rows read back are validated by
 * the model's schema and returned as instances.
 *
 * @example
 * ```ts
 * const alice = await User.objects.create({ name: "Alice", email: "alice@example.com" });
 * const admins = await User.objects.filter({ role: "admin" }, { orderBy: "-id", limit: 20 });
 * ```
 */
export class ModelManager<
  T extends object = ModelBase,
  I = Record<string, unknown>,
  D = Record<string, unknown>,
> {
  /** The model class. */
  readonly model: ModelCtor<T>;
  /** The engine (database) this model lives on. */
  readonly engine: Engine;
  readonly tableName: string;
  readonly keyField: string;
  readonly uniqueFields: readonly string[];
  /** Fields stored as password hashes: hashed on every write, hidden from `toJSON()`. */
  readonly hashedFields: readonly string[];
  /** The table as the dialect sees it. */
  readonly table: TableSpec;
  readonly #s: ModelState<T>;
  readonly #rejectWith = (error: unknown): never => {
    throw translateError(this.#s, error);
  };
  readonly #oneOrNull = (row: Row | undefined): T | null =>
    row === undefined ? null : hydrateRow(this.#s, row);
  readonly #hydrateAll = (rows: Row[]): T[] => hydrateRows(this.#s, rows);
  readonly #countOf = (rows: Row[]): number => Number(rows[0].n);
  readonly #getByKey = (key: unknown): Promise<T | null> => this.get(key as KeyValue);

  constructor(model: ModelCtor<T>, engine: Engine, config: ManagerConfig) {
    const s = new ModelState(model, engine, config);
    this.#s = s;
    this.model = model;
    this.engine = engine;
    this.tableName = s.tableName;
    this.keyField = s.keyField;
    this.uniqueFields = s.uniqueFields;
    this.hashedFields = s.hashedFields;
    this.table = s.table;
  }

  /** Awaits `work` and turns its failure into the typed error (the one place errors are translated). */
  async #guard<R>(work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      throw translateError(this.#s, error);
    }
  }

  // ---------------------------------------------------------------- writes

  /**
   * Strict INSERT; returns the instance with its generated key. `DuplicateKeyError` on a key
   * collision, `UniqueConstraintError` on another unique field, `ValidationError` on bad data,
   * `InvalidPrimaryKeyAssignmentError` when a database-managed key is given.
   *
   * @example
   * ```ts
   * const bob = await User.objects.create({ name: "Bob", email: "bob@example.com" });
   * bob.id; // 1
   * ```
   */
  create(data: I): Promise<T> {
    // Hot path, inline: synchronous on SQLite up to the returned Promise.
    const s = this.#s;
    let values: Record<string, unknown> | undefined;
    try {
      refuseManagedKey(s, data, "leave it out of create(), or use upsert() to write a known key");
      values = validateData(s.schema, data, s.model.name);
      const key = values[s.keyField];
      if (s.hashedFields.length > 0) {
        return createRow(s, values).catch((error: unknown) => {
          throw translateError(s, error, key);
        });
      }
      const session = s.session();
      const row = values;
      const created =
        session instanceof Promise ? session.then((x) => insertRow(s, x, row)) : insertRow(s, session, row);
      if (created instanceof Promise) {
        return created.catch((error: unknown) => {
          throw translateError(s, error, key);
        });
      }
      return Promise.resolve(created);
    } catch (error) {
      return Promise.reject(translateError(s, error, values?.[s.keyField]));
    }
  }

  /**
   * Inserts many rows in one transaction with multi-row INSERTs (chunked under the database's
   * parameter limit; `chunkSize` rows at most per statement, default 1000). Returns the instances
   * with their keys, in input order. All or nothing: on any error nothing is written, and the typed
   * error carries `rowIndex`, the index of the failing row.
   *
   * @example
   * ```ts
   * const users = await User.objects.bulkCreate([
   *   { name: "Ann", email: "ann@example.com" },
   *   { name: "Bob", email: "bob@example.com" },
   * ]);
   * users.map((u) => u.id); // [1, 2]
   * ```
   */
  bulkCreate(rows: readonly I[], options?: BulkOptions): Promise<T[]> {
    return bulkCreate(this.#s, rows, options);
  }

  /**
   * Upserts many rows in one transaction, by key (or, on a database-managed key, by the first unique
   * field a row has), with multi-row statements. Returns the instances with their keys, in input
   * order. All or nothing, with `rowIndex` on the error, as `bulkCreate`.
   *
   * @example
   * ```ts
   * await User.objects.bulkUpsert([
   *   { name: "Ann", email: "ann@example.com", role: "admin" }, // updates Ann (by email)
   *   { name: "Eve", email: "eve@example.com" },                // inserts Eve
   * ]);
   * ```
   */
  bulkUpsert(rows: readonly (I | T)[], options?: BulkOptions): Promise<T[]> {
    return bulkUpsert(this.#s, rows, options);
  }

  /**
   * Same as `create()`, for callers who want explicit strict-insert wording.
   *
   * @example
   * ```ts
   * await User.objects.strictCreate({ name: "Bob", email: "bob@example.com" });
   * ```
   */
  strictCreate(data: I): Promise<T> {
    return this.create(data);
  }

  /**
   * Atomic `INSERT ... ON CONFLICT (key) DO UPDATE`. Without a key on a database-managed key, the
   * conflict target is the first unique field (`uniqueFields`); with none, it is a plain create.
   *
   * @example
   * ```ts
   * await User.objects.upsert({ id: 1, name: "Bob", email: "bob@example.com" });
   * await User.objects.upsert({ name: "Bob", email: "bob@example.com" }); // by email
   * ```
   */
  upsert(data: I | T): Promise<T> {
    return upsert(this.#s, data);
  }

  /**
   * Saves an instance and reflects generated values back onto it. A loaded (or created) instance is
   * updated by key, writing only the fields that changed since it was loaded or last saved (no
   * statement at all when nothing changed; re-inserted if its row was deleted meanwhile). A new
   * instance is inserted (or upserted by its key). A persisted key that was changed is an
   * `ImmutableFieldError`.
   *
   * @example
   * ```ts
   * alice.name = "Alicia";
   * await User.objects.save(alice); // UPDATE "users" SET "name" = ? WHERE "id" = ?
   * ```
   */
  save(instance: T): Promise<T> {
    return save(this.#s, instance);
  }

  /**
   * Updates every row matching `criteria` with `updates` (validated per field) and returns the rows
   * re-fetched by key, so updating the filtered field itself works. Empty criteria or updates are an
   * `InvalidQueryError`; changing the key is an `ImmutableFieldError`.
   *
   * @example
   * ```ts
   * const activated = await User.objects.updateWhere({ role: "trial" }, { role: "active" });
   * ```
   */
  updateWhere(criteria: Criteria<D>, updates: Partial<D>): Promise<T[]> {
    return this.#guard(() => updateWhere(this.#s, criteria, updates));
  }

  /**
   * Deletes the row with this key; `true` if one was deleted.
   *
   * @example
   * ```ts
   * await User.objects.delete(1); // true
   * ```
   */
  delete(key: KeyValue): Promise<boolean> {
    return this.#guard(() => deleteByKey(this.#s, key));
  }

  /** Deletes an instance's row (by the key it was loaded with); `false` if it was never saved. */
  async deleteInstance(instance: T): Promise<boolean> {
    const key =
      persistedKey(instance as unknown as ModelBase) ?? (instance as Record<string, unknown>)[this.keyField];
    if (key == null) return false;
    return this.delete(key as KeyValue);
  }

  /**
   * Deletes every row matching `criteria`; returns how many. Empty criteria is an `InvalidQueryError`
   * (use `truncate()` to empty the table).
   *
   * @example
   * ```ts
   * const removed = await User.objects.deleteWhere({ role: "inactive" });
   * ```
   */
  deleteWhere(criteria: Criteria<D>): Promise<number> {
    return this.#guard(() => deleteWhere(this.#s, criteria));
  }

  // ---------------------------------------------------------------- reads

  /**
   * One instance by key or by criteria, or `null`. Pass one positional key or one criteria object,
   * not both. With criteria matching several rows, the one with the lowest key.
   *
   * @example
   * ```ts
   * const user = await User.objects.get(1);
   * const byEmail = await User.objects.get({ email: "alice@example.com" });
   * await User.objects.transaction(async () => {
   *   const locked = await User.objects.get(1, { forUpdate: true }); // SELECT ... FOR UPDATE
   * });
   * ```
   */
  get(keyOrCriteria: KeyValue | Criteria<D>, options?: GetOptions): Promise<T | null> {
    // Hot path, inline: a cached statement and a synchronous row on SQLite.
    const s = this.#s;
    if (options !== undefined) {
      return this.#guard(() => read.getWith(s, keyOrCriteria, options, (k) => this.get(k as KeyValue)));
    }
    try {
      const session = s.session();
      if (session instanceof Promise || isPlainObject(keyOrCriteria)) {
        return this.#guard(() => read.getSlow(s, session, keyOrCriteria, this.#getByKey));
      }
      const param = s.keyParam(keyOrCriteria);
      s.getEntry ??= s.statements.entry("get", () => selectSql(s, whereKeySql(s)));
      const row = firstRow(s.statements.statementFor(s.getEntry, session), [param]);
      if (row instanceof Promise) return row.then(this.#oneOrNull, this.#rejectWith);
      return Promise.resolve(row === undefined ? null : hydrateRow(s, row));
    } catch (error) {
      return Promise.reject(translateError(s, error));
    }
  }

  /**
   * Like `get()`, but throws `RecordNotFoundError` instead of returning `null`.
   *
   * @example
   * ```ts
   * const user = await User.objects.require(1);
   * ```
   */
  async require(keyOrCriteria: KeyValue | Criteria<D>, options?: GetOptions): Promise<T> {
    const found = await this.get(keyOrCriteria, options);
    if (found === null) throw read.notFound(this.#s, keyOrCriteria);
    return found;
  }

  /**
   * Instances matching criteria (values, lists, operators, `or`/`and`/`not`), with optional
   * `limit`, `offset`, `orderBy` and `include` (relationships loaded in one query each).
   *
   * @example
   * ```ts
   * const page = await User.objects.filter({ role: "active", age: { gte: 18 } }, { orderBy: "name", limit: 20, offset: 40 });
   * const authors = await Author.objects.filter({}, { include: ["posts", "posts.tags"] });
   * ```
   */
  filter(criteria?: Criteria<D>, options?: FilterOptions<D, T>): Promise<T[]> {
    // Hot path, inline: synchronous rows on SQLite, hydrated without an extra await.
    if (options?.include !== undefined) return this.#filterIncluding(criteria, options);
    const s = this.#s;
    try {
      const session = s.session();
      if (session instanceof Promise) {
        return session
          .then((x) => read.filterRows(s, x, criteria, options as FilterOptions | undefined))
          .then(this.#hydrateAll, this.#rejectWith);
      }
      const rows = read.filterRows(s, session, criteria, options as FilterOptions | undefined);
      if (rows instanceof Promise) return rows.then(this.#hydrateAll, this.#rejectWith);
      return Promise.resolve(hydrateRows(s, rows));
    } catch (error) {
      return Promise.reject(translateError(s, error));
    }
  }

  async #filterIncluding(criteria: unknown, options: FilterOptions<D, T>): Promise<T[]> {
    const { include, ...rest } = options;
    const rows = await this.filter(criteria as Criteria<D>, rest);
    const paths = (Array.isArray(include) ? include : [include]) as IncludePath<T>[];
    await this.prefetch(rows, ...paths);
    return rows;
  }

  /**
   * Loads relationships for rows already loaded, one query per relationship (and per level of a
   * dotted path), never one per row; `await row.posts` then returns them without a query. Returns
   * the same rows.
   *
   * @example
   * ```ts
   * const authors = await Author.objects.filter({ active: true });
   * await Author.objects.prefetch(authors, "posts", "posts.tags");
   * ```
   */
  prefetch(rows: readonly T[], ...paths: IncludePath<T>[]): Promise<T[]> {
    return this.#guard(() => read.prefetch(this.#s, rows, paths));
  }

  /**
   * Every instance (with optional `limit`, `offset`, `orderBy`).
   *
   * @example
   * ```ts
   * const everyone = await User.objects.all({ orderBy: "id" });
   * ```
   */
  all(options?: FilterOptions<D, T>): Promise<T[]> {
    return this.filter(undefined, options);
  }

  /**
   * The matching instance with the lowest key, or `null`.
   *
   * @example
   * ```ts
   * const firstTrial = await User.objects.first({ role: "trial" });
   * ```
   */
  first(criteria?: Criteria<D>, options?: FirstOptions<D>): Promise<T | null> {
    return this.#guard(async () =>
      read.firstMatch(this.#s, await this.#s.session(), criteria, "ASC", options?.orderBy),
    );
  }

  /**
   * The matching instance with the highest key, or `null`.
   *
   * @example
   * ```ts
   * const newest = await User.objects.last();
   * ```
   */
  last(criteria?: Criteria<D>, options?: FirstOptions<D>): Promise<T | null> {
    return this.#guard(async () =>
      read.firstMatch(this.#s, await this.#s.session(), criteria, "DESC", options?.orderBy),
    );
  }

  /**
   * Whether any row matches.
   *
   * @example
   * ```ts
   * await User.objects.exists({ email: "alice@example.com" }); // true
   * ```
   */
  exists(criteria?: Criteria<D>): Promise<boolean> {
    return this.#guard(() => read.exists(this.#s, criteria));
  }

  /**
   * One page of a keyset (cursor) pagination: `limit` rows after `after` (a cursor from the previous
   * page) in `orderBy` order, the key breaking ties. Rows inserted meanwhile never shift a page (no
   * row that existed throughout is skipped or repeated). `nextCursor` is `null` on the last page.
   * `orderBy` fields must be non-nullable.
   *
   * @example
   * ```ts
   * let page = await User.objects.page({ where: { role: "member" }, orderBy: "-createdAt", limit: 50 });
   * while (page.nextCursor !== null) page = await User.objects.page({ where: { role: "member" }, orderBy: "-createdAt", limit: 50, after: page.nextCursor });
   * ```
   */
  page(options: PageOptions<D>): Promise<Page<T>> {
    return this.#guard(() => page(this.#s, options as PageOptions));
  }

  /**
   * Walks every matching row in `batchSize` keyset batches (default 1000), so memory stays flat
   * whatever the row count. Ordered by `orderBy` (non-nullable fields) then the key.
   *
   * @example
   * ```ts
   * for await (const user of User.objects.iterate({ role: "member" }, { batchSize: 500 })) {
   *   await sendNewsletter(user);
   * }
   * ```
   */
  iterate(criteria?: Criteria<D>, options?: IterateOptions<D>): AsyncGenerator<T, void, undefined> {
    return iterate(this.#s, criteria, options as IterateOptions | undefined, (error) =>
      translateError(this.#s, error),
    );
  }

  // ---------------------------------------------------------------- aggregates

  /**
   * The sum of a numeric field over matching rows, or `null` when no row matches.
   *
   * @example
   * ```ts
   * const revenue = await Order.objects.sum("total", { status: "paid" });
   * ```
   */
  sum<K extends NumericField<D>>(field: K, criteria?: Criteria<D>): Promise<SumOf<D[K]> | null> {
    return this.#guard(() => aggregate(this.#s, "SUM", field, criteria)) as Promise<SumOf<D[K]> | null>;
  }

  /**
   * The average of a numeric field over matching rows, or `null` when no row matches.
   *
   * @example
   * ```ts
   * const meanAge = await User.objects.avg("age", { role: "member" });
   * ```
   */
  avg<K extends NumericField<D>>(field: K, criteria?: Criteria<D>): Promise<number | null> {
    return this.#guard(() => aggregate(this.#s, "AVG", field, criteria)) as Promise<number | null>;
  }

  /**
   * The smallest value of a field (number, bigint, string or Date) over matching rows, or `null`.
   *
   * @example
   * ```ts
   * const firstSignup = await User.objects.min("createdAt");
   * ```
   */
  min<K extends ComparableField<D>>(field: K, criteria?: Criteria<D>): Promise<NonNullable<D[K]> | null> {
    return this.#guard(() => aggregate(this.#s, "MIN", field, criteria)) as Promise<NonNullable<D[K]> | null>;
  }

  /**
   * The largest value of a field (number, bigint, string or Date) over matching rows, or `null`.
   *
   * @example
   * ```ts
   * const oldest = await User.objects.max("age", { role: "member" });
   * ```
   */
  max<K extends ComparableField<D>>(field: K, criteria?: Criteria<D>): Promise<NonNullable<D[K]> | null> {
    return this.#guard(() => aggregate(this.#s, "MAX", field, criteria)) as Promise<NonNullable<D[K]> | null>;
  }

  /**
   * Plain objects of just these fields for the matching rows (decoded: Dates are Dates), for reads
   * that do not need instances.
   *
   * @example
   * ```ts
   * const emails = await User.objects.values({ role: "admin" }, ["id", "email"], { orderBy: "id" });
   * // [{ id: 1, email: "ann@example.com" }]
   * ```
   */
  values<K extends keyof D & string>(
    criteria: Criteria<D> | undefined,
    fields: readonly K[],
    options?: ValuesOptions<D>,
  ): Promise<Array<Pick<D, K>>> {
    return this.#guard(() =>
      read.values(this.#s, criteria, fields, options as FilterOptions | undefined),
    ) as Promise<Array<Pick<D, K>>>;
  }

  /**
   * How many rows match.
   *
   * @example
   * ```ts
   * const active = await User.objects.count({ role: "active" });
   * ```
   */
  count(criteria?: Criteria<D>): Promise<number> {
    // Hot path, inline: one cached statement, synchronous on SQLite.
    const s = this.#s;
    try {
      const session = s.session();
      if (session instanceof Promise) {
        return session.then((x) => countRows(s, x, criteria)).then(this.#countOf, this.#rejectWith);
      }
      const rows = countRows(s, session, criteria);
      if (rows instanceof Promise) return rows.then(this.#countOf, this.#rejectWith);
      return Promise.resolve(Number(rows[0].n));
    } catch (error) {
      return Promise.reject(translateError(s, error));
    }
  }

  /**
   * A fresh copy of an instance from the database; `RecordNotFoundError` if its row is gone.
   *
   * @example
   * ```ts
   * const fresh = await User.objects.refresh(alice);
   * ```
   */
  refresh(instance: T): Promise<T> {
    return read.refresh(this.#s, instance, this.#getByKey);
  }

  // ---------------------------------------------------------------- schema

  /**
   * Creates the table if it does not exist (idempotent).
   *
   * @example
   * ```ts
   * await User.objects.createSchema();
   * ```
   */
  createSchema(): Promise<void> {
    return this.#guard(() => ddl.createSchema(this.#s));
  }

  /**
   * Drops the table (and its rows) if it exists.
   *
   * @example
   * ```ts
   * await User.objects.dropSchema();
   * ```
   */
  dropSchema(): Promise<void> {
    return this.#guard(() => ddl.dropSchema(this.#s));
  }

  /**
   * Whether the table exists.
   *
   * @example
   * ```ts
   * if (!(await User.objects.schemaExists())) await User.objects.createSchema();
   * ```
   */
  schemaExists(): Promise<boolean> {
    return this.#guard(() => ddl.schemaExists(this.#s));
  }

  /**
   * Deletes every row, keeping the table (deleted autoincrement ids are not reused).
   *
   * @example
   * ```ts
   * await User.objects.truncate();
   * ```
   */
  truncate(): Promise<void> {
    return this.#guard(() => ddl.truncate(this.#s));
  }

  /**
   * Adds a column to the table (additive evolution). `MigrationError` if it already exists.
   * `nullable` defaults to whether the Zod type accepts null or undefined.
   *
   * @example
   * ```ts
   * await User.objects.addColumn("verified_at", z.date().nullable());
   * ```
   */
  addColumn(name: string, type: z.ZodType, options?: { nullable?: boolean }): Promise<void> {
    return this.#guard(() => ddl.addColumn(this.#s, name, type, options));
  }

  /**
   * Adds the column only if it is missing; `true` if it was added.
   *
   * @example
   * ```ts
   * await User.objects.ensureColumn("verified_at", z.date().nullable()); // true, then false
   * ```
   */
  ensureColumn(name: string, type: z.ZodType, options?: { nullable?: boolean }): Promise<boolean> {
    return this.#guard(() => ddl.ensureColumn(this.#s, name, type, options));
  }

  /**
   * The table's column names, from the database catalog.
   *
   * @example
   * ```ts
   * await User.objects.columnNames(); // ["id", "name", "email"]
   * ```
   */
  columnNames(): Promise<string[]> {
    return this.#guard(() => ddl.columnNames(this.#s));
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Runs `fn` in a transaction: every model on this database joins it, with no object to pass
   * (AsyncLocalStorage). Commits when `fn` resolves, rolls back when it throws; a nested call is a
   * savepoint. Operations started outside `fn` wait and never see its uncommitted rows.
   *
   * @example
   * ```ts
   * await User.objects.transaction(async () => {
   *   const user = await User.objects.create({ name: "Ann", email: "ann@example.com" });
   *   await Profile.objects.create({ user_id: user.id, bio: "..." });
   * });
   * ```
   */
  transaction<R>(fn: () => Promise<R> | R): Promise<R> {
    return runTransaction(this.engine, fn, (error): RegistryError => translateError(this.#s, error));
  }

  /**
   * Subscribes to every statement run on this model's database (every model sharing its URL,
   * transactions included): `sql`, `params`, `durationMs` (and `error` when it failed). Returns the
   * function that unsubscribes. Costs nothing while nobody listens.
   *
   * @example
   * ```ts
   * const stop = User.objects.onQuery(({ sql, durationMs }) => console.log(durationMs.toFixed(2), sql));
   * await User.objects.filter({ role: "admin" });
   * stop();
   * ```
   */
  onQuery(listener: QueryListener): () => void {
    return subscribeQueries(this.engine, listener);
  }

  /**
   * Closes this model's engine (shared by every model on the same URL); it reopens on next use.
   *
   * @example
   * ```ts
   * await User.objects.dispose();
   * ```
   */
  dispose(): Promise<void> {
    return this.engine.dispose();
  }

  /**
   * Allows this model's database to be used again after `dispose()` (or `disposeAll()`, or a
   * Fastify app's `close()`); it opens on next use. Until then every call fails with
   * `EngineDisposedError`. An in-memory database starts empty again.
   *
   * @example
   * ```ts
   * await User.objects.dispose();
   * User.objects.reopen();
   * await User.objects.count();
   * ```
   */
  reopen(): void {
    this.engine.reopen();
  }
}
