/**
 * The read half of `Model.objects` (`ModelManager` extends it with writes, schema and lifecycle):
 * each method is a one-liner over `read.ts`, `keyset.ts` and `aggregate.ts`, failures translated in
 * one place. The hot reads (get by key, filter, count) stay inline: they answer synchronously on
 * SQLite under the Promise API, and an extra call layer costs measurable time per row. It may import
 * the operation modules of this folder and the engine type.
 */
import { type Criteria, isPlainObject } from "../criteria.js";
import type { Row, TableSpec } from "../dialect/dialect.js";
import type { Engine } from "../engine.js";
import type { ModelBase } from "../model-base.js";
import { aggregate, countRows } from "./aggregate.js";
import { iterate, page } from "./keyset.js";
import * as read from "./read.js";
import { allInstancesOf, firstInstanceOf, firstRow, hydrateRow, hydrateRows } from "./rows.js";
import { selectSql, whereKeySql } from "./sql.js";
import { ModelState } from "./state.js";
import { translateError } from "./translate-error.js";
import type {
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
} from "./types.js";

/**
 * The reads of `Model.objects` (see `ModelManager`).
 */
export class ModelReader<T extends object = ModelBase, D = Record<string, unknown>> {
  /** The model class. */
  get model(): ModelCtor<T> {
    return this.state.model;
  }
  /** The engine (database) this model lives on. */
  get engine(): Engine {
    return this.state.engine;
  }
  get tableName(): string {
    return this.state.tableName;
  }
  get keyField(): string {
    return this.state.keyField;
  }
  get uniqueFields(): readonly string[] {
    return this.state.uniqueFields;
  }
  /** Fields stored as password hashes: hashed on every write, hidden from `toJSON()`. */
  get hashedFields(): readonly string[] {
    return this.state.hashedFields;
  }
  /** The table as the dialect sees it. */
  get table(): TableSpec {
    return this.state.table;
  }
  /** The model's state, shared with the write half of the facade (internal). */
  protected readonly state: ModelState<T>;
  readonly #rejectWith = (error: unknown): never => {
    throw translateError(this.state, error);
  };
  readonly #oneOrNull = (row: Row | undefined): T | null =>
    row === undefined ? null : hydrateRow(this.state, row);
  readonly #hydrateAll = (rows: Row[]): T[] => hydrateRows(this.state, rows);
  readonly #countOf = (rows: Row[]): number => Number(rows[0].n);
  readonly #getByKey = (key: unknown): Promise<T | null> => this.get(key as KeyValue);

  /** `state`: an existing state to read through (soft delete's `withDeleted()` views); else a new one. */
  constructor(model: ModelCtor<T>, engine: Engine, config: ManagerConfig, state?: ModelState<T>) {
    this.state = state ?? new ModelState(model, engine, config);
  }

  /** Awaits `work` and turns its failure into the typed error (the one place errors are translated). */
  protected async guard<R>(work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      throw translateError(this.state, error);
    }
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
  get(keyOrCriteria: KeyValue | Criteria<D, T>, options?: GetOptions): Promise<T | null> {
    // Hot path, inline: a cached statement and a synchronous row on SQLite.
    const s = this.state;
    if (options !== undefined) {
      return this.guard(() => read.getWith(s, keyOrCriteria, options, this.#getByKey));
    }
    try {
      const session = s.session();
      if (session instanceof Promise || isPlainObject(keyOrCriteria)) {
        return this.guard(() => read.getSlow(s, session, keyOrCriteria, this.#getByKey));
      }
      const param = s.keyParam(keyOrCriteria);
      s.getEntry ??= s.statements.entry("get", () => selectSql(s, whereKeySql(s) + s.keyScopeSql()));
      const statement = s.statements.statementFor(s.getEntry, session);
      const found = firstInstanceOf(s, statement, [param]);
      if (found !== undefined) return Promise.resolve(found);
      const row = firstRow(statement, [param]);
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
  async require(keyOrCriteria: KeyValue | Criteria<D, T>, options?: GetOptions): Promise<T> {
    const found = await this.get(keyOrCriteria, options);
    if (found === null) throw read.notFound(this.state, keyOrCriteria);
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
  filter(criteria?: Criteria<D, T>, options?: FilterOptions<D, T>): Promise<T[]> {
    // Hot path, inline: synchronous rows on SQLite, hydrated without an extra await.
    if (options?.include !== undefined) return this.#filterIncluding(criteria, options);
    const s = this.state;
    try {
      const session = s.session();
      if (session instanceof Promise) {
        return session
          .then((x) => read.filterRows(s, x, criteria, options as FilterOptions | undefined))
          .then(this.#hydrateAll, this.#rejectWith);
      }
      if (options === undefined) {
        const compiled = s.compile(criteria);
        const statement = read.plainFilterStatement(s, session, compiled);
        const found = allInstancesOf(s, statement, compiled.params);
        if (found !== undefined) return Promise.resolve(found);
        const plain = statement.all(compiled.params);
        if (plain instanceof Promise) return plain.then(this.#hydrateAll, this.#rejectWith);
        return Promise.resolve(hydrateRows(s, plain));
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
    const rows = await this.filter(criteria as Criteria<D, T>, rest);
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
    return this.guard(() => read.prefetch(this.state, rows, paths));
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
  first(criteria?: Criteria<D, T>, options?: FirstOptions<D>): Promise<T | null> {
    return this.guard(async () =>
      read.firstMatch(this.state, await this.state.session(), criteria, "ASC", options?.orderBy),
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
  last(criteria?: Criteria<D, T>, options?: FirstOptions<D>): Promise<T | null> {
    return this.guard(async () =>
      read.firstMatch(this.state, await this.state.session(), criteria, "DESC", options?.orderBy),
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
  exists(criteria?: Criteria<D, T>): Promise<boolean> {
    return this.guard(() => read.exists(this.state, criteria));
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
    return this.guard(() => page(this.state, options as PageOptions));
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
  iterate(criteria?: Criteria<D, T>, options?: IterateOptions<D>): AsyncGenerator<T, void, undefined> {
    return iterate(this.state, criteria, options as IterateOptions | undefined, (error) =>
      translateError(this.state, error),
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
  sum<K extends NumericField<D>>(field: K, criteria?: Criteria<D, T>): Promise<SumOf<D[K]> | null> {
    return this.guard(() => aggregate(this.state, "SUM", field, criteria)) as Promise<SumOf<D[K]> | null>;
  }

  /**
   * The average of a numeric field over matching rows, or `null` when no row matches.
   *
   * @example
   * ```ts
   * const meanAge = await User.objects.avg("age", { role: "member" });
   * ```
   */
  avg<K extends NumericField<D>>(field: K, criteria?: Criteria<D, T>): Promise<number | null> {
    return this.guard(() => aggregate(this.state, "AVG", field, criteria)) as Promise<number | null>;
  }

  /**
   * The smallest value of a field (number, bigint, string or Date) over matching rows, or `null`.
   *
   * @example
   * ```ts
   * const firstSignup = await User.objects.min("createdAt");
   * ```
   */
  min<K extends ComparableField<D>>(field: K, criteria?: Criteria<D, T>): Promise<NonNullable<D[K]> | null> {
    return this.guard(() => aggregate(this.state, "MIN", field, criteria)) as Promise<NonNullable<
      D[K]
    > | null>;
  }

  /**
   * The largest value of a field (number, bigint, string or Date) over matching rows, or `null`.
   *
   * @example
   * ```ts
   * const oldest = await User.objects.max("age", { role: "member" });
   * ```
   */
  max<K extends ComparableField<D>>(field: K, criteria?: Criteria<D, T>): Promise<NonNullable<D[K]> | null> {
    return this.guard(() => aggregate(this.state, "MAX", field, criteria)) as Promise<NonNullable<
      D[K]
    > | null>;
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
    criteria: Criteria<D, T> | undefined,
    fields: readonly K[],
    options?: ValuesOptions<D>,
  ): Promise<Array<Pick<D, K>>> {
    return this.guard(() =>
      read.values(this.state, criteria, fields, options as FilterOptions | undefined),
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
  count(criteria?: Criteria<D, T>): Promise<number> {
    // Hot path, inline: one cached statement, synchronous on SQLite.
    const s = this.state;
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
    return read.refresh(this.state, instance, this.#getByKey);
  }
}
