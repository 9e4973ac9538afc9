import type { z } from "zod";
import {
  type CompiledCriteria,
  type Criteria,
  CriteriaCompiler,
  compileOrderBy,
  isPlainObject,
  type OrderBy,
  type OrderItem,
  parseOrderBy,
  renderOrderBy,
} from "./criteria.js";
import type { ColumnSpec, Dialect, Row, Session, Statement, TableSpec } from "./dialect/dialect.js";
import { loadRelations } from "./eager.js";
import type { Engine } from "./engine.js";
import {
  atRow,
  ConnectionError,
  DatabaseError,
  DuplicateKeyError,
  ForeignKeyError,
  ImmutableFieldError,
  InvalidPrimaryKeyAssignmentError,
  InvalidQueryError,
  MigrationError,
  RecordNotFoundError,
  RegistryError,
  SchemaError,
  StatementTimeoutError,
  UniqueConstraintError,
  ValidationError,
} from "./errors.js";
import {
  type Assigner,
  compileAssigner,
  hydrate,
  type ModelBase,
  persistedKey,
  persistedSnapshot,
  setPersistedKey,
  validateData,
  validationError,
} from "./model.js";
import { hashPassword, isPasswordHash } from "./password.js";
import { type QueryListener, subscribeQueries } from "./query-log.js";
import { type CachedStatement, StatementCache } from "./statement-cache.js";
import { afterCommit, runTransaction, transactionConnection } from "./transaction.js";
import { describeField, type FieldInfo } from "./zod-to-columns.js";

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
}

type ModelCtor<T> = (new (data?: never) => T) & { readonly name: string; readonly schema: z.ZodObject };

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
  readonly #config: ManagerConfig;
  readonly #fields: ReadonlyMap<string, FieldInfo>;
  readonly #key: FieldInfo;
  readonly #schema: z.ZodObject;
  /** Fields whose stored value may need decoding (everything but plain text). */
  readonly #decoded: readonly FieldInfo[];
  readonly #columns: readonly string[];
  readonly #insertColumns: readonly FieldInfo[];
  /**
   * Fields as ordering sees them: the key and fields with a default (never written as NULL) are
   * non-null, so `ORDER BY` on them stays index-friendly and keyset reads accept them.
   */
  readonly #orderFields: ReadonlyMap<string, FieldInfo>;
  /** `hashedFields`: salted hashes have no meaningful order, and a cursor would carry the hash. */
  readonly #unorderable: ReadonlyMap<string, string>;
  /** Date and JSON fields: mutable in place, so snapshotted by value. */
  readonly #mutable: readonly FieldInfo[];
  readonly #statements: StatementCache;
  readonly #assign: Assigner;
  /** Hot shapes by criteria shape alone (no key concatenation per call). */
  readonly #countStatements: StatementCache;
  readonly #filterStatements: StatementCache;
  #dialect: Dialect | null;
  #compiler: CriteriaCompiler | null = null;
  #selectList = "";
  #readyGeneration = -1;
  #statementsGeneration = -1;
  #readying: Promise<void> | null = null;
  #getEntry: CachedStatement | null = null;
  #insertEntry: CachedStatement | null = null;
  readonly #rejectWith = (error: unknown): never => {
    throw this.#error(error);
  };
  readonly #oneOrNull = (row: Row | undefined): T | null => (row === undefined ? null : this.#hydrate(row));
  readonly #hydrateAll = (rows: Row[]): T[] => {
    const out = new Array<T>(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.#hydrate(rows[i]);
    return out;
  };
  readonly #countOf = (rows: Row[]): number => Number(rows[0].n);

  constructor(model: ModelCtor<T>, engine: Engine, config: ManagerConfig) {
    this.model = model;
    this.engine = engine;
    this.#config = config;
    this.tableName = config.tableName;
    this.keyField = config.keyField;
    this.uniqueFields = config.uniqueFields;
    this.hashedFields = config.hashedFields ?? [];
    this.#schema = model.schema;
    this.#fields = new Map(config.fields.map((f) => [f.name, f]));
    this.#key = this.#fields.get(config.keyField) as FieldInfo;
    this.#columns = config.fields.map((f) => f.name);
    this.#assign = compileAssigner(this.#columns);
    this.#decoded = config.fields.filter(
      (f) => (f.kind !== "string" && f.kind !== "enum" && f.kind !== "uuid") || (f.optional && !f.nullable),
    );
    this.#orderFields = new Map(
      config.fields.map((f): [string, FieldInfo] => {
        const neverNull = f.name === config.keyField || (f.hasDefault && !f.nullable);
        return [f.name, neverNull ? { ...f, nullable: false, optional: false } : f];
      }),
    );
    this.#unorderable = new Map(
      this.hashedFields.map((name) => [
        name,
        `${model.name}.${name} is stored hashed (salted): it cannot order results or page through them; order by another field`,
      ]),
    );
    this.#mutable = config.fields.filter((f) => f.kind === "date" || f.kind === "json");
    this.#insertColumns = config.managedKey
      ? config.fields.filter((f) => f.name !== config.keyField)
      : config.fields;
    this.table = {
      name: config.tableName,
      keyField: config.keyField,
      uniqueFields: config.uniqueFields,
      columns: config.fields.map((f) => columnSpec(f, config)),
    };
    const hints = config.fields.some((f) => f.kind === "bigint") ? { bigints: true } : undefined;
    this.#statements = new StatementCache(hints);
    this.#countStatements = new StatementCache(hints);
    this.#filterStatements = new StatementCache(hints);
    this.#dialect = engine.dialect;
    if (this.#dialect !== null) this.#useDialect(this.#dialect);
    engine.addSchemaSetup(this.#schemaSetup);
  }

  #useDialect(dialect: Dialect): void {
    this.#dialect = dialect;
    const unmatchable = new Map(
      this.hashedFields.map((name) => [
        name,
        `${this.model.name}.${name} is stored hashed (salted), so criteria cannot match it: find the row by another field, then call verifyPassword()`,
      ]),
    );
    this.#compiler = new CriteriaCompiler(dialect, this.#fields, this.tableName, { unmatchable });
    this.#selectList = this.#columns.map((c) => dialect.quote(c)).join(", ");
  }

  // ---------------------------------------------------------------- sessions

  /** The session to run on: the enclosing transaction's connection, else the engine's driver. */
  #session(): Session | Promise<Session> {
    const connection = transactionConnection(this.engine);
    if (connection !== undefined) {
      return this.#readyGeneration === this.engine.generation
        ? connection
        : this.#readyInTransaction(connection);
    }
    const driver = this.engine.driver;
    if (driver !== null && this.#readyGeneration === this.engine.generation) return driver;
    return this.#openSlow();
  }

  async #openSlow(): Promise<Session> {
    const driver = await this.engine.open();
    await this.#setUp(driver);
    return driver;
  }

  /**
   * The session for catalog and DDL calls (`schemaExists`, `createSchema`, `dropSchema`,
   * `columnNames`, `addColumn`...): like `#session()`, without the `autoCreate` setup, so asking
   * whether the table exists never creates it.
   */
  async #catalogSession(): Promise<Session> {
    if (this.#dialect === null) this.#useDialect(await this.engine.resolveDialect());
    const connection = transactionConnection(this.engine);
    if (connection !== undefined) return connection;
    const driver = await this.engine.open();
    this.#resetStatements(this.engine.generation);
    return driver;
  }

  /** `SchemaSetup` for the engine: pending until this opening's setup has run. */
  readonly #schemaSetup = {
    prepare: (session: Session): Promise<void> | undefined =>
      this.#readyGeneration === this.engine.generation ? undefined : this.#setUp(session),
  };

  /**
   * One-time setup per engine opening, outside any transaction: resolve the dialect, reset the
   * statement caches and create the table (`autoCreate`). Recorded only once it is durable.
   */
  async #setUp(session: Session): Promise<void> {
    if (this.#dialect === null) this.#useDialect(await this.engine.resolveDialect());
    const generation = this.engine.generation;
    if (this.#readyGeneration === generation) return;
    if (this.#readying === null) {
      this.#readying = (async () => {
        this.#resetStatements(generation);
        if (this.#config.autoCreate) await this.#createTable(session);
        this.#readyGeneration = generation;
      })().finally(() => {
        this.#readying = null;
      });
    }
    await this.#readying;
  }

  /**
   * First use inside a transaction whose BEGIN came before this model's setup (e.g. it was registered
   * later). Server databases create the table on another pooled connection, in autocommit: DDL never
   * runs on the user's transaction (MariaDB/MySQL would commit it implicitly). SQLite has one
   * connection, held by the transaction, and its DDL is transactional: the table is created inside
   * the transaction and counted as existing only once the transaction commits.
   */
  async #readyInTransaction(connection: Session): Promise<Session> {
    if (this.#dialect === null) this.#useDialect(await this.engine.resolveDialect());
    if (this.#dialect?.name !== "sqlite") {
      await this.#setUp(await this.engine.open());
      return connection;
    }
    const generation = this.engine.generation;
    this.#resetStatements(generation);
    if (!this.#config.autoCreate) {
      this.#readyGeneration = generation;
      return connection;
    }
    await this.#createTable(connection);
    afterCommit(this.engine, () => {
      if (this.engine.generation === generation) this.#readyGeneration = generation;
    });
    return connection;
  }

  /** Prepared statements belong to one opening of the engine: drop them once per opening. */
  #resetStatements(generation: number): void {
    if (this.#statementsGeneration === generation) return;
    this.#statementsGeneration = generation;
    this.#statements.reset();
    this.#countStatements.reset();
    this.#filterStatements.reset();
  }

  get #d(): Dialect {
    return this.#dialect as Dialect;
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
    let values: Record<string, unknown> | undefined;
    try {
      this.#refuseManagedKey(data, "leave it out of create(), or use upsert() to write a known key");
      values = validateData(this.#schema, data, this.model.name);
      if (this.hashedFields.length > 0) {
        const hashed = values;
        return this.#hashValues(hashed)
          .then(() => this.#session())
          .then((s) => this.#insert(s, hashed))
          .catch((error: unknown) => {
            throw this.#error(error, hashed[this.keyField]);
          });
      }
      const session = this.#session();
      const created =
        session instanceof Promise
          ? session.then((s) => this.#insert(s, values as Record<string, unknown>))
          : this.#insert(session, values);
      if (created instanceof Promise) {
        const key = values[this.keyField];
        return created.catch((error: unknown) => {
          throw this.#error(error, key);
        });
      }
      return Promise.resolve(created);
    } catch (error) {
      return Promise.reject(this.#error(error, values?.[this.keyField]));
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
  async bulkCreate(rows: readonly I[], options?: BulkOptions): Promise<T[]> {
    let failedAt = -1;
    let size = 1;
    let all: Record<string, unknown>[] = [];
    try {
      const chunkSize = bulkChunkSize(rows, options, "bulkCreate");
      if (rows.length === 0) return [];
      all = await this.#validateRows(rows, "create", options?.acceptPasswordHashes === true);
      size = this.#rowsPerStatement(chunkSize);
      return await runTransaction(this.engine, async () => {
        const session = await this.#session();
        const out: T[] = [];
        for (let start = 0; start < all.length; start += size) {
          failedAt = start;
          const chunk = all.slice(start, start + size);
          const created = await this.#insertMany(session, chunk, start);
          for (const instance of created) out.push(instance);
        }
        failedAt = -1;
        return out;
      });
    } catch (error) {
      throw await this.#bulkFailure(error, all, () =>
        failedAt < 0
          ? undefined
          : this.#locateFailure(all, failedAt, Math.min(failedAt + size, all.length), size),
      );
    }
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
  async bulkUpsert(rows: readonly (I | T)[], options?: BulkOptions): Promise<T[]> {
    let failedAt = -1;
    let all: Record<string, unknown>[] = [];
    let hadKey: boolean[] = [];
    let size = 1;
    try {
      const chunkSize = bulkChunkSize(rows, options, "bulkUpsert");
      if (rows.length === 0) return [];
      all = await this.#validateRows(rows, "upsert", options?.acceptPasswordHashes === true);
      size = this.#rowsPerStatement(chunkSize);
      hadKey = all.map((values) => values[this.keyField] != null);
      return await runTransaction(this.engine, async () => {
        const session = await this.#session();
        const out = new Array<T>(all.length);
        for (const run of this.#upsertRuns(all, size)) {
          failedAt = run.start;
          const saved = await this.#upsertMany(session, run);
          for (let i = 0; i < saved.length; i++) out[run.start + i] = saved[i];
        }
        failedAt = -1;
        return out;
      });
    } catch (error) {
      throw await this.#bulkFailure(error, all, () =>
        failedAt < 0 ? undefined : this.#locateFailure(all, 0, all.length, size, hadKey),
      );
    }
  }

  /** Rows per statement: `chunkSize`, lowered to fit the parameter limit (the dialect is resolved). */
  #rowsPerStatement(chunkSize: number): number {
    const perRow = Math.max(1, this.#columns.length);
    return Math.max(1, Math.min(chunkSize, Math.floor(this.#d.maxParameters / perRow)));
  }

  /**
   * The typed error of a failed bulk write, with `rowIndex` (and the row's key) from `locate` unless
   * the error already names its row (validation).
   */
  async #bulkFailure(
    error: unknown,
    rows: readonly Record<string, unknown>[],
    locate: () => Promise<number | undefined> | undefined,
  ): Promise<RegistryError> {
    const located = error instanceof RegistryError && error.rowIndex !== undefined;
    const index = located ? undefined : await locate();
    const typed = this.#error(error, index === undefined ? undefined : rows[index][this.keyField]);
    return index === undefined ? typed : atRow(typed, index);
  }

  /** Validates (and hashes) every row before any SQL runs; errors carry the row index. */
  async #validateRows(
    rows: readonly unknown[],
    mode: "create" | "upsert",
    acceptHashes: boolean,
  ): Promise<Record<string, unknown>[]> {
    await this.#session(); // resolves the dialect (server dialects load lazily)
    const out = new Array<Record<string, unknown>>(rows.length);
    const columns = this.#config.fields.filter((f) => f.kind === "string");
    for (let i = 0; i < rows.length; i++) {
      try {
        const data = mode === "upsert" ? this.#plain(rows[i]) : rows[i];
        if (mode === "create") {
          this.#refuseManagedKey(
            data,
            "leave it out of bulkCreate(), or use bulkUpsert() to write known keys",
          );
        }
        const values = validateData(this.#schema, data, this.model.name);
        this.#requireKey(values);
        for (const column of columns) wellFormed(this.model.name, column, values[column.name]);
        if (this.hashedFields.length > 0) await this.#hashValues(values, rows[i], acceptHashes);
        out[i] = values;
      } catch (error) {
        throw atRow(this.#error(error), i);
      }
    }
    return out;
  }

  /** One multi-row INSERT of validated rows; returns their instances with keys, in order. */
  async #insertMany(session: Session, rows: Record<string, unknown>[], firstIndex: number): Promise<T[]> {
    const d = this.#d;
    const columns = this.#insertColumns;
    if (columns.length === 0) {
      const out: T[] = [];
      for (const values of rows) out.push(await this.#insert(session, values));
      return out;
    }
    const managed = this.#config.managedKey;
    const returning = managed && d.bulkInsertId === undefined && d.supportsReturning;
    const width = columns.length;
    const params = new Array(rows.length * width);
    for (let r = 0; r < rows.length; r++) {
      const values = rows[r];
      for (let c = 0; c < width; c++) {
        const column = columns[c];
        params[r * width + c] = d.encode(column.kind, values[column.name]);
      }
    }
    const statement = this.#statements.prepare(session, `bulk:${rows.length}`, () =>
      this.#insertSql(returning, rows.length),
    );
    const out = new Array<T>(rows.length);
    if (!managed) {
      await statement.run(params);
      for (let r = 0; r < rows.length; r++) out[r] = this.#instance(rows[r], rows[r][this.keyField]);
      return out;
    }
    let keys: unknown[];
    if (returning) {
      // Generated keys ascend in VALUES order; RETURNING's row order is not guaranteed, so sort.
      keys = (await statement.all(params)).map((row) => d.decode(this.#key.kind, row[this.keyField]));
      keys.sort(ascending);
    } else {
      const reported = (await statement.run(params)).lastInsertId;
      if (reported === undefined || d.bulkInsertId === undefined) {
        throw new DatabaseError(
          `${this.model.name}: the database did not report the generated keys of rows ${firstIndex}..${firstIndex + rows.length - 1}`,
        );
      }
      const offset = d.bulkInsertId === "last" ? rows.length - 1 : 0;
      keys = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const raw =
          typeof reported === "bigint" ? reported + BigInt(r - offset) : Number(reported) + r - offset;
        keys[r] = d.decode(this.#key.kind, raw);
      }
    }
    for (let r = 0; r < rows.length; r++) {
      rows[r][this.keyField] = keys[r];
      out[r] = this.#instance(rows[r], keys[r]);
    }
    return out;
  }

  /** Splits rows into runs of one conflict target, each with distinct conflict values, `size` rows at most. */
  #upsertRuns(rows: readonly Record<string, unknown>[], size: number): UpsertRun[] {
    const runs: UpsertRun[] = [];
    let current: UpsertRun | null = null;
    let seen = new Set<unknown>();
    for (let i = 0; i < rows.length; i++) {
      const values = rows[i];
      let conflict: string | null = null;
      if (values[this.keyField] != null) conflict = this.keyField;
      else if (this.#config.managedKey)
        conflict = this.uniqueFields.find((name) => values[name] != null) ?? null;
      const value = conflict === null ? null : conflictKey(values[conflict]);
      if (
        current === null ||
        current.conflict !== conflict ||
        current.rows.length >= size ||
        (value !== null && seen.has(value))
      ) {
        current = { start: i, conflict, rows: [] };
        runs.push(current);
        seen = new Set();
      }
      current.rows.push(values);
      if (value !== null) seen.add(value);
    }
    return runs;
  }

  /** Runs one upsert run as one multi-row statement where the database can report its keys. */
  async #upsertMany(session: Session, run: UpsertRun): Promise<T[]> {
    const d = this.#d;
    const conflict = run.conflict;
    if (conflict === null) return this.#insertMany(session, run.rows, run.start);
    const byKey = conflict === this.keyField;
    if (!byKey && !d.supportsReturning) {
      const out: T[] = [];
      for (const values of run.rows) out.push(await this.#upsert(session, values));
      return out;
    }
    const columns = byKey ? this.#config.fields : this.#insertColumns;
    const names = columns.map((c) => c.name);
    const update = names.filter((n) => n !== conflict && n !== this.keyField);
    const returning = byKey ? [] : [this.keyField, conflict];
    const statement = this.#statements.prepare(session, `bulkupsert:${conflict}:${run.rows.length}`, () =>
      d.upsert(this.tableName, names, [conflict], update, returning, undefined, run.rows.length),
    );
    const params: unknown[] = [];
    for (const values of run.rows) for (const c of columns) params.push(d.encode(c.kind, values[c.name]));
    if (byKey) {
      await statement.run(params);
      return run.rows.map((values) => this.#instance(values, values[this.keyField]));
    }
    const field = this.#fields.get(conflict) as FieldInfo;
    const keys = new Map<unknown, unknown>();
    for (const row of await statement.all(params)) {
      keys.set(
        conflictKey(this.#decodeValue(field, row[conflict])),
        d.decode(this.#key.kind, row[this.keyField]),
      );
    }
    return run.rows.map((values) => {
      const key = keys.get(conflictKey(values[conflict]));
      values[this.keyField] = key;
      return this.#instance(values, key);
    });
  }

  /**
   * After a bulk write failed (and rolled back): replays rows `from..to` one at a time in a transaction
   * that is always rolled back (rows before `from` as one bulk), to find the index of the failing row.
   */
  async #locateFailure(
    rows: readonly Record<string, unknown>[],
    from: number,
    to: number,
    /** Rows per statement for the rows before `from`. */
    size: number,
    /** For upserts: whether each row came with its key (generated keys were set on the rows since). */
    hadKey?: readonly boolean[],
  ): Promise<number | undefined> {
    const upsert = hadKey !== undefined;
    const rollback = new Error("registers: diagnosis rollback");
    let found: number | undefined;
    try {
      await runTransaction(this.engine, async () => {
        const session = await this.#session();
        const copy = (values: Record<string, unknown>, i = -1) => {
          const fresh = { ...values };
          if (this.#config.managedKey && !hadKey?.[i]) fresh[this.keyField] = null;
          return fresh;
        };
        if (from > 0) {
          for (let start = 0; start < from; start += size) {
            const chunk = rows.slice(start, Math.min(start + size, from)).map((values) => copy(values));
            await this.#insertMany(session, chunk, start);
          }
        }
        for (let i = from; i < to; i++) {
          try {
            if (upsert) await this.#upsert(session, copy(rows[i], i));
            else await this.#insert(session, copy(rows[i]));
          } catch {
            found = i;
            break;
          }
        }
        throw rollback;
      });
    } catch {
      // the diagnosis transaction always rolls back; a failure to diagnose leaves rowIndex unset
    }
    return found;
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

  /** INSERT of validated values; synchronous when the session answers synchronously (SQLite). */
  #insert(session: Session, values: Record<string, unknown>): T | Promise<T> {
    const dialect = this.#d;
    const columns = this.#insertColumns;
    this.#requireKey(values);
    const params = new Array(columns.length);
    for (let i = 0; i < columns.length; i++)
      params[i] = dialect.encode(
        columns[i].kind,
        wellFormed(this.model.name, columns[i], values[columns[i].name]),
      );
    const useReturning =
      this.#config.managedKey && dialect.supportsReturning && dialect.reportsLastInsertId !== true;
    this.#insertEntry ??= this.#statements.entry("insert", () => this.#insertSql(useReturning));
    const statement = this.#statements.statementFor(this.#insertEntry, session);
    if (!this.#config.managedKey) {
      const result = statement.run(params);
      const key = values[this.keyField];
      if (result instanceof Promise) return result.then(() => this.#instance(values, key));
      return this.#instance(values, key);
    }
    if (useReturning) {
      const rows = statement.all(params);
      if (rows instanceof Promise) return rows.then((r) => this.#created(values, r[0][this.keyField]));
      return this.#created(values, rows[0][this.keyField]);
    }
    const result = statement.run(params);
    if (result instanceof Promise) return result.then((r) => this.#created(values, r.lastInsertId));
    return this.#created(values, result.lastInsertId);
  }

  /** `InvalidPrimaryKeyAssignmentError` when `data` sets a database-managed key. */
  #refuseManagedKey(data: unknown, advice: string): void {
    if (this.#config.managedKey && isPlainObject(data) && data[this.keyField] != null) {
      throw new InvalidPrimaryKeyAssignmentError(
        `${this.model.name}.${this.keyField} is database-managed: ${advice}`,
      );
    }
  }

  /** `ValidationError` when a key that is not database-managed is missing. */
  #requireKey(values: Record<string, unknown>): void {
    if (!this.#config.managedKey && values[this.keyField] == null) {
      throw new ValidationError(
        `${this.model.name}: the key "${this.keyField}" is required (it is not database-managed)`,
        [{ path: [this.keyField], message: "required", code: "invalid_type" }],
      );
    }
  }

  #created(values: Record<string, unknown>, rawKey: unknown): T {
    const key = this.#d.decode(this.#key.kind, rawKey);
    values[this.keyField] = key;
    return this.#instance(values, key);
  }

  /** `INSERT` of `rows` rows of the insert columns (params numbered row by row), `RETURNING` the key. */
  #insertSql(returning: boolean, rows = 1): string {
    const d = this.#d;
    const columns = this.#insertColumns;
    let head: string;
    if (columns.length === 0) {
      head = `INSERT INTO ${d.quote(this.tableName)} DEFAULT VALUES`;
    } else {
      const names = columns.map((c) => d.quote(c.name)).join(", ");
      const groups: string[] = [];
      let next = 1;
      for (let r = 0; r < rows; r++) {
        const group: string[] = [];
        for (let c = 0; c < columns.length; c++) group.push(d.param(next++));
        groups.push(`(${group.join(", ")})`);
      }
      head = `INSERT INTO ${d.quote(this.tableName)} (${names}) VALUES ${groups.join(", ")}`;
    }
    return returning ? `${head} RETURNING ${d.quote(this.keyField)}` : head;
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
  async upsert(data: I | T): Promise<T> {
    let values: Record<string, unknown> | undefined;
    try {
      values = validateData(this.#schema, this.#plain(data), this.model.name);
      await this.#hashValues(values, data);
      const session = await this.#session();
      return await this.#upsert(session, values);
    } catch (error) {
      throw this.#error(error, values?.[this.keyField]);
    }
  }

  async #upsert(session: Session, values: Record<string, unknown>): Promise<T> {
    const dialect = this.#d;
    const keyValue = values[this.keyField];
    let conflict: string;
    let columns: readonly FieldInfo[];
    if (keyValue != null) {
      conflict = this.keyField;
      columns = this.table.columns.map((c) => this.#fields.get(c.name) as FieldInfo);
    } else if (this.#config.managedKey) {
      const unique = this.uniqueFields.find((name) => values[name] != null);
      if (unique === undefined) return this.#insert(session, values);
      conflict = unique;
      columns = this.#insertColumns;
    } else {
      return this.#insert(session, values);
    }
    const names = columns.map((c) => c.name);
    const update = names.filter((n) => n !== conflict && n !== this.keyField);
    const returning = dialect.supportsReturning && this.#config.managedKey;
    const generatedKey = this.#config.managedKey ? this.keyField : undefined;
    const statement = this.#statements.prepare(session, `upsert:${conflict}:${names.length}`, () =>
      dialect.upsert(
        this.tableName,
        names,
        [conflict],
        update,
        returning ? [this.keyField] : [],
        generatedKey,
      ),
    );
    const params = columns.map((c) => dialect.encode(c.kind, wellFormed(this.model.name, c, values[c.name])));
    let key = keyValue;
    if (returning) {
      const rows = await statement.all(params);
      key = dialect.decode(this.#key.kind, rows[0][this.keyField]);
    } else {
      const result = await statement.run(params);
      if (keyValue == null) key = dialect.decode(this.#key.kind, result.lastInsertId);
    }
    values[this.keyField] = key;
    return this.#instance(values, key);
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
  async save(instance: T): Promise<T> {
    let values: Record<string, unknown> | undefined;
    try {
      if (!(instance instanceof this.model)) {
        throw new InvalidQueryError(`save() takes a ${this.model.name} instance`);
      }
      const persisted = persistedKey(instance as unknown as ModelBase);
      const current = (instance as Record<string, unknown>)[this.keyField];
      if (persisted !== undefined && !sameKey(persisted, current)) {
        throw new ImmutableFieldError(
          `${this.model.name}.${this.keyField} is immutable once persisted (was ${String(persisted)}, now ${String(current)}): create a new record instead`,
        );
      }
      values = validateData(this.#schema, this.#plain(instance), this.model.name);
      await this.#hashValues(values, instance);
      const snapshot =
        persisted === undefined ? undefined : persistedSnapshot(instance as unknown as ModelBase);
      const changed = snapshot === undefined ? null : this.#changed(values, snapshot);
      if (changed !== null && changed.length === 0) {
        Object.assign(instance, values);
        return instance;
      }
      const session = await this.#session();
      let key: unknown;
      if (changed !== null && (await this.#updateChanged(session, values, changed))) {
        key = values[this.keyField];
      } else {
        const saved =
          this.#config.managedKey && current == null
            ? await this.#insert(session, values)
            : await this.#upsert(session, values);
        key = (saved as Record<string, unknown>)[this.keyField];
      }
      Object.assign(instance, values);
      setPersistedKey(instance as unknown as ModelBase, key, this.#snapshot(values));
      return instance;
    } catch (error) {
      throw this.#error(error, values?.[this.keyField]);
    }
  }

  /** The fields whose validated value differs from the snapshot. */
  #changed(values: Record<string, unknown>, snapshot: Record<string, unknown>): FieldInfo[] {
    const changed: FieldInfo[] = [];
    for (const field of this.#fields.values()) {
      if (field.name === this.keyField) continue;
      const value = values[field.name];
      const before = snapshot[field.name];
      const now = field.kind === "date" || field.kind === "json" ? frozenValue(field, value) : value;
      if (now !== before && !(now == null && before == null)) changed.push(field);
    }
    return changed;
  }

  /** `UPDATE ... SET <changed> WHERE key = ?`; `false` when no row has the key any more. */
  async #updateChanged(
    session: Session,
    values: Record<string, unknown>,
    changed: readonly FieldInfo[],
  ): Promise<boolean> {
    const d = this.#d;
    const names = changed.map((f) => f.name);
    const statement = this.#statements.prepare(session, `save:${names.join("\u0000")}`, () => {
      return `${this.#updateHead(names)} WHERE ${d.quote(this.keyField)} = ${d.param(names.length + 1)}`;
    });
    const params = changed.map((f) => d.encode(f.kind, wellFormed(this.model.name, f, values[f.name])));
    params.push(d.encode(this.#key.kind, values[this.keyField]));
    return (await statement.run(params)).changes > 0;
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
  async updateWhere(criteria: Criteria<D>, updates: Partial<D>): Promise<T[]> {
    try {
      await this.#session();
      const compiled = this.#compile(criteria);
      if (compiled.terms.length === 0) {
        throw new InvalidQueryError("updateWhere() needs criteria: an empty filter would update every row");
      }
      const assignments = this.#validateUpdates(updates);
      await this.#hashValues(assignments);
      if (this.#d.supportsReturning) return await this.#updateReturning(compiled, assignments);
      return await runTransaction(this.engine, async () => {
        const session = await this.#session();
        const keys = await this.#matchingKeys(session, compiled);
        if (keys.length === 0) return [];
        const d = this.#d;
        const names = Object.keys(assignments);
        for (const chunk of chunks(keys, d.maxParameters - names.length)) {
          const list = chunk.map((_, i) => d.param(names.length + i + 1)).join(", ");
          const sql = `${this.#updateHead(names)} WHERE ${d.quote(this.keyField)} IN (${list})`;
          const params = [...names.map((n) => assignments[n]), ...chunk];
          await this.#statements
            .prepare(session, `update:${names.join(",")}:${chunk.length}`, () => sql)
            .run(params);
        }
        return await this.#byKeys(session, keys);
      });
    } catch (error) {
      throw this.#error(error);
    }
  }

  /** `UPDATE "table" SET "a" = <param 1>, "b" = <param 2> ...` for these columns. */
  #updateHead(names: readonly string[]): string {
    const d = this.#d;
    const sets = names.map((n, i) => `${d.quote(n)} = ${d.param(i + 1)}`).join(", ");
    return `UPDATE ${d.quote(this.tableName)} SET ${sets}`;
  }

  /** `UPDATE ... WHERE <criteria> RETURNING <row>`: one atomic statement; rows ordered by key. */
  async #updateReturning(compiled: CompiledCriteria, assignments: Record<string, unknown>): Promise<T[]> {
    const session = await this.#session();
    const names = Object.keys(assignments);
    const statement = this.#statements.prepare(
      session,
      `updatereturning:${names.join(",")}|${compiled.shape}`,
      () => {
        const where = (this.#compiler as CriteriaCompiler).where(compiled.terms, names.length + 1);
        return `${this.#updateHead(names)}${where} RETURNING ${this.#selectList}`;
      },
    );
    const params = names.map((n) => assignments[n]);
    for (const value of compiled.params) params.push(value);
    const updated = this.#hydrateAll(await statement.all(params));
    const key = this.keyField;
    return updated.sort((a, b) =>
      ascending((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
    );
  }

  #validateUpdates(updates: unknown): Record<string, unknown> {
    if (!isPlainObject(updates) || Object.keys(updates).length === 0) {
      throw new InvalidQueryError(
        "updateWhere() needs at least one field to update, e.g. { role: 'active' }",
      );
    }
    const out: Record<string, unknown> = {};
    for (const name in updates) {
      const field = this.#fields.get(name);
      if (field === undefined) {
        throw new ValidationError(
          `${this.model.name}: unknown field "${name}"; fields: ${this.#columns.join(", ")}`,
          [{ path: [name], message: `unknown field "${name}"`, code: "unrecognized_keys" }],
        );
      }
      if (name === this.keyField) {
        throw new ImmutableFieldError(
          `${this.model.name}.${this.keyField} is immutable: updateWhere() cannot change keys`,
        );
      }
      if (updates[name] === undefined) {
        // A default would be written silently otherwise (`{ flag: undefined }` -> false).
        throw new InvalidQueryError(
          `${this.model.name}.updateWhere(): "${name}" is undefined; pass a value, or null to clear it`,
        );
      }
      const result = field.schema.safeParse(updates[name]);
      if (!result.success) throw validationError(this.model.name, result.error);
      out[name] = this.#d.encode(
        field.kind,
        wellFormed(this.model.name, { name, kind: field.kind }, result.data),
      );
    }
    return out;
  }

  async #matchingKeys(session: Session, compiled: CompiledCriteria): Promise<unknown[]> {
    const d = this.#d;
    const key = d.quote(this.keyField);
    const statement = this.#statements.prepare(session, `keys:${compiled.shape}`, () => {
      return `SELECT ${key} FROM ${d.quote(this.tableName)}${this.#where(compiled)} ORDER BY ${key}`;
    });
    const rows = await statement.all(compiled.params);
    return rows.map((row) => d.encode(this.#key.kind, d.decode(this.#key.kind, row[this.keyField])));
  }

  async #byKeys(session: Session, keys: readonly unknown[]): Promise<T[]> {
    const d = this.#d;
    const out: T[] = [];
    for (const chunk of chunks(keys, d.maxParameters)) {
      const list = chunk.map((_, i) => d.param(i + 1)).join(", ");
      const statement = this.#statements.prepare(session, `bykeys:${chunk.length}`, () => {
        const key = d.quote(this.keyField);
        return `SELECT ${this.#selectList} FROM ${d.quote(this.tableName)} WHERE ${key} IN (${list}) ORDER BY ${key}`;
      });
      for (const row of await statement.all(chunk)) out.push(this.#hydrate(row));
    }
    return out;
  }

  /**
   * Deletes the row with this key; `true` if one was deleted.
   *
   * @example
   * ```ts
   * await User.objects.delete(1); // true
   * ```
   */
  async delete(key: KeyValue): Promise<boolean> {
    try {
      const session = await this.#session();
      const param = this.#keyParam(key);
      const statement = this.#statements.prepare(session, "delete", () => {
        const d = this.#d;
        return `DELETE FROM ${d.quote(this.tableName)} WHERE ${d.quote(this.keyField)} = ${d.param(1)}`;
      });
      return (await statement.run([param])).changes > 0;
    } catch (error) {
      throw this.#error(error);
    }
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
  async deleteWhere(criteria: Criteria<D>): Promise<number> {
    try {
      const session = await this.#session();
      const compiled = this.#compile(criteria);
      if (compiled.terms.length === 0) {
        throw new InvalidQueryError("deleteWhere() needs criteria: use truncate() to delete every row");
      }
      const statement = this.#statements.prepare(session, `deletewhere:${compiled.shape}`, () => {
        return `DELETE FROM ${this.#d.quote(this.tableName)}${this.#where(compiled)}`;
      });
      return (await statement.run(compiled.params)).changes;
    } catch (error) {
      throw this.#error(error);
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
  get(keyOrCriteria: KeyValue | Criteria<D>, options?: GetOptions): Promise<T | null> {
    if (options !== undefined) return this.#getWith(keyOrCriteria, options);
    try {
      const session = this.#session();
      if (session instanceof Promise || isPlainObject(keyOrCriteria))
        return this.#getSlow(session, keyOrCriteria);
      const param = this.#keyParam(keyOrCriteria);
      this.#getEntry ??= this.#statements.entry("get", () => {
        const d = this.#d;
        return `SELECT ${this.#selectList} FROM ${d.quote(this.tableName)} WHERE ${d.quote(this.keyField)} = ${d.param(1)}`;
      });
      const row = one(this.#statements.statementFor(this.#getEntry, session), [param]);
      if (row instanceof Promise) return row.then(this.#oneOrNull, this.#rejectWith);
      return Promise.resolve(row === undefined ? null : this.#hydrate(row));
    } catch (error) {
      return Promise.reject(this.#error(error));
    }
  }

  /** `get()` with options: `{ forUpdate: true }` locks the row until the transaction ends. */
  async #getWith(keyOrCriteria: unknown, options: unknown): Promise<T | null> {
    try {
      const keys = isPlainObject(options) ? Object.keys(options) : null;
      const forUpdate = (options as GetOptions | null)?.forUpdate;
      if (
        keys === null ||
        keys.some((k) => k !== "forUpdate") ||
        (forUpdate !== undefined && typeof forUpdate !== "boolean")
      ) {
        throw new InvalidQueryError(
          "get() takes one key or one criteria object, then optionally { forUpdate: true }, e.g. get(1) or get({ email })",
        );
      }
      if (forUpdate !== true) return await this.get(keyOrCriteria as KeyValue);
      if (transactionConnection(this.engine) === undefined) {
        throw new InvalidQueryError(
          "get(..., { forUpdate: true }) locks the row until its transaction ends: call it inside Model.objects.transaction(...)",
        );
      }
      const session = await this.#session();
      if (!isPlainObject(keyOrCriteria)) this.#keyParam(keyOrCriteria); // validates the key
      const criteria = isPlainObject(keyOrCriteria) ? keyOrCriteria : { [this.keyField]: keyOrCriteria };
      return await this.#first(session, criteria, "ASC", undefined, true);
    } catch (error) {
      throw this.#error(error);
    }
  }

  async #getSlow(pending: Session | Promise<Session>, keyOrCriteria: unknown): Promise<T | null> {
    try {
      const session = await pending;
      if (isPlainObject(keyOrCriteria)) return await this.#first(session, keyOrCriteria, "ASC");
      return await this.get(keyOrCriteria as KeyValue);
    } catch (error) {
      throw this.#error(error);
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
    if (found === null) {
      const what = isPlainObject(keyOrCriteria)
        ? describeCriteria(keyOrCriteria)
        : `${this.keyField} = ${String(keyOrCriteria)}`;
      throw new RecordNotFoundError(`no ${this.model.name} in "${this.tableName}" where ${what}`);
    }
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
    if (options?.include !== undefined) return this.#filterIncluding(criteria, options);
    try {
      const session = this.#session();
      if (session instanceof Promise) {
        return session
          .then((s) => this.#filter(s, criteria, options))
          .then(this.#hydrateAll, this.#rejectWith);
      }
      const rows = this.#filter(session, criteria, options);
      if (rows instanceof Promise) return rows.then(this.#hydrateAll, this.#rejectWith);
      return Promise.resolve(this.#hydrateAll(rows));
    } catch (error) {
      return Promise.reject(this.#error(error));
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
  async prefetch(rows: readonly T[], ...paths: IncludePath<T>[]): Promise<T[]> {
    try {
      if (!Array.isArray(rows)) throw new InvalidQueryError("prefetch() takes an array of rows");
      if (!Array.isArray(paths) || paths.some((path) => typeof path !== "string")) {
        throw new InvalidQueryError(
          'include / prefetch take relationship names, e.g. ["posts", "posts.tags"]',
        );
      }
      for (const row of rows) {
        if (!(row instanceof this.model)) {
          throw new InvalidQueryError(`prefetch() takes ${this.model.name} instances`);
        }
      }
      if (paths.length > 0) await loadRelations(this.model, rows as object[], paths);
      return rows as T[];
    } catch (error) {
      throw this.#error(error);
    }
  }

  #filter(
    session: Session,
    criteria: unknown,
    options: FilterOptions<D, T> | undefined,
  ): Row[] | Promise<Row[]> {
    const compiled = this.#compile(criteria);
    if (options === undefined) {
      const statement = this.#filterStatements.prepare(session, compiled.shape, () => {
        return `SELECT ${this.#selectList} FROM ${this.#d.quote(this.tableName)}${this.#where(compiled)}`;
      });
      return statement.all(compiled.params);
    }
    const d = this.#d;
    const limit = count("limit", options.limit);
    const offset = count("offset", options.offset);
    const orderBy = options.orderBy;
    const tail = d.limitOffset(limit, offset, compiled.params.length + 1);
    const key = `filter:${compiled.shape}|${orderKey(orderBy)}|${limit === null ? 0 : 1}${offset === null ? 0 : 1}`;
    const statement = this.#statements.prepare(session, key, () => {
      const order = compileOrderBy(orderBy, this.#orderFields, d, this.tableName, this.#unorderable);
      return `SELECT ${this.#selectList} FROM ${d.quote(this.tableName)}${this.#where(compiled)}${order}${tail.sql}`;
    });
    return statement.all(tail.params.length === 0 ? compiled.params : [...compiled.params, ...tail.params]);
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
  async first(criteria?: Criteria<D>, options?: FirstOptions<D>): Promise<T | null> {
    try {
      return await this.#first(await this.#session(), criteria, "ASC", options?.orderBy);
    } catch (error) {
      throw this.#error(error);
    }
  }

  /**
   * The matching instance with the highest key, or `null`.
   *
   * @example
   * ```ts
   * const newest = await User.objects.last();
   * ```
   */
  async last(criteria?: Criteria<D>, options?: FirstOptions<D>): Promise<T | null> {
    try {
      return await this.#first(await this.#session(), criteria, "DESC", options?.orderBy);
    } catch (error) {
      throw this.#error(error);
    }
  }

  async #first(
    session: Session,
    criteria: unknown,
    direction: "ASC" | "DESC",
    orderBy?: unknown,
    lock = false,
  ): Promise<T | null> {
    const compiled = this.#compile(criteria);
    const d = this.#d;
    const tail = d.limitOffset(1, null, compiled.params.length + 1);
    const key = `first:${direction}:${compiled.shape}|${orderKey(orderBy)}|${lock ? 1 : 0}`;
    const statement = this.#statements.prepare(session, key, () => {
      const items: OrderItem[] =
        orderBy === undefined
          ? [[this.keyField, "asc"]]
          : parseOrderBy(orderBy, this.#orderFields, this.tableName, this.#unorderable);
      const ordered =
        direction === "ASC"
          ? items
          : items.map(([name, dir]): OrderItem => [name, dir === "asc" ? "desc" : "asc"]);
      const order = renderOrderBy(ordered, this.#orderFields, d);
      const locking = lock ? (d.rowLock ?? "") : "";
      return `SELECT ${this.#selectList} FROM ${d.quote(this.tableName)}${this.#where(compiled)}${order}${tail.sql}${locking}`;
    });
    const rows = await statement.all([...compiled.params, ...tail.params]);
    return rows.length === 0 ? null : this.#hydrate(rows[0]);
  }

  /**
   * Whether any row matches.
   *
   * @example
   * ```ts
   * await User.objects.exists({ email: "alice@example.com" }); // true
   * ```
   */
  async exists(criteria?: Criteria<D>): Promise<boolean> {
    try {
      const session = await this.#session();
      const compiled = this.#compile(criteria);
      const d = this.#d;
      const tail = d.limitOffset(1, null, compiled.params.length + 1);
      const statement = this.#statements.prepare(session, `exists:${compiled.shape}`, () => {
        return `SELECT 1 AS ${d.quote("found")} FROM ${d.quote(this.tableName)}${this.#where(compiled)}${tail.sql}`;
      });
      return (await statement.all([...compiled.params, ...tail.params])).length > 0;
    } catch (error) {
      throw this.#error(error);
    }
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
  async page(options: PageOptions<D>): Promise<Page<T>> {
    try {
      if (!isPlainObject(options)) {
        throw new InvalidQueryError("page() takes { limit, where?, orderBy?, after? }");
      }
      const limit = count("limit", options.limit);
      if (limit === null || limit === 0) {
        throw new InvalidQueryError(`page() needs a positive integer limit, got ${String(options.limit)}`);
      }
      const session = await this.#session();
      const compiled = this.#compile(options.where);
      const order = this.#keysetOrder(options.orderBy, "page()");
      const after =
        options.after === undefined || options.after === null ? null : this.#fromCursor(options.after, order);
      const rows = await this.#keysetBatch(session, compiled, order, after, limit + 1);
      const more = rows.length > limit;
      if (more) rows.length = limit;
      const items = this.#hydrateAll(rows);
      const nextCursor = more ? this.#toCursor(order, items[items.length - 1]) : null;
      return { items, nextCursor };
    } catch (error) {
      throw this.#error(error);
    }
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
  async *iterate(criteria?: Criteria<D>, options?: IterateOptions<D>): AsyncGenerator<T, void, undefined> {
    let after: unknown[] | null = null;
    let compiled: CompiledCriteria;
    let order: KeysetOrder;
    let batchSize: number;
    try {
      batchSize = count("batchSize", options?.batchSize) ?? 1000;
      if (batchSize === 0) throw new InvalidQueryError("iterate() needs a positive integer batchSize");
      await this.#session();
      compiled = this.#compile(criteria);
      order = this.#keysetOrder(options?.orderBy, "iterate()");
    } catch (error) {
      throw this.#error(error);
    }
    for (;;) {
      let items: T[];
      try {
        const rows = await this.#keysetBatch(await this.#session(), compiled, order, after, batchSize);
        items = this.#hydrateAll(rows);
      } catch (error) {
        throw this.#error(error);
      }
      for (const item of items) yield item;
      if (items.length < batchSize) return;
      after = this.#keysetValues(order, items[items.length - 1]);
    }
  }

  /** Order items for keyset reads: `orderBy` (non-nullable fields) then the key as tie-breaker. */
  #keysetOrder(orderBy: unknown, method: string): KeysetOrder {
    const items = parseOrderBy(orderBy, this.#orderFields, this.tableName, this.#unorderable);
    const fields: FieldInfo[] = [];
    const out: OrderItem[] = [];
    for (const item of items) {
      const field = this.#orderFields.get(item[0]) as FieldInfo;
      if (field.nullable || field.optional) {
        throw new InvalidQueryError(
          `${method} orders by non-null fields only: "${field.name}" of ${this.model.name} can be null (use filter() with orderBy and offset for it)`,
        );
      }
      if (field.kind === "json") {
        throw new InvalidQueryError(`${method} cannot order by the JSON field "${field.name}"`);
      }
      if (fields.some((f) => f.name === field.name)) continue;
      fields.push(field);
      out.push(item);
      if (field.name === this.keyField) break; // the key is unique: later items never decide
    }
    if (!fields.some((f) => f.name === this.keyField)) {
      fields.push(this.#orderFields.get(this.keyField) as FieldInfo);
      out.push([this.keyField, "asc"]);
    }
    // The table is part of the signature, so a cursor of another model is refused.
    const signature = `${this.tableName}:${out.map(([name, direction]) => (direction === "desc" ? `-${name}` : name)).join(",")}`;
    return { items: out, fields, signature };
  }

  /** One keyset batch: rows matching `compiled` strictly after `after` (encoded values), `limit` of them. */
  #keysetBatch(
    session: Session,
    compiled: CompiledCriteria,
    order: KeysetOrder,
    after: unknown[] | null,
    limit: number,
  ): Promise<Row[]> | Row[] {
    const d = this.#d;
    const params = [...compiled.params];
    if (after !== null) {
      for (let i = 0; i < after.length; i++) for (let j = 0; j <= i; j++) params.push(after[j]);
    }
    const tail = d.limitOffset(limit, null, params.length + 1);
    const key = `keyset:${compiled.shape}|${order.signature}|${after === null ? 0 : 1}`;
    const statement = this.#statements.prepare(session, key, () => {
      const compiler = this.#compiler as CriteriaCompiler;
      const conditions: string[] = [];
      if (compiled.terms.length > 0) conditions.push(`(${compiler.condition(compiled.terms, 1)})`);
      if (after !== null) {
        let next = compiled.params.length + 1;
        const disjuncts: string[] = [];
        for (let i = 0; i < order.items.length; i++) {
          const parts: string[] = [];
          for (let j = 0; j <= i; j++) {
            const [name, direction] = order.items[j];
            const op = j < i ? "=" : direction === "desc" ? "<" : ">";
            parts.push(`${d.quote(name)} ${op} ${d.param(next++)}`);
          }
          disjuncts.push(parts.length === 1 ? parts[0] : `(${parts.join(" AND ")})`);
        }
        conditions.push(`(${disjuncts.join(" OR ")})`);
      }
      const where = conditions.length > 0 ? ` WHERE ${conditions.join(" AND ")}` : "";
      const orderSql = renderOrderBy(order.items, this.#orderFields, d);
      return `SELECT ${this.#selectList} FROM ${d.quote(this.tableName)}${where}${orderSql}${tail.sql}`;
    });
    for (const value of tail.params) params.push(value);
    return statement.all(params);
  }

  /** The encoded keyset values of an instance (the position to continue after). */
  #keysetValues(order: KeysetOrder, instance: T): unknown[] {
    const d = this.#d;
    return order.fields.map((field) =>
      d.encode(field.kind, (instance as Record<string, unknown>)[field.name]),
    );
  }

  #toCursor(order: KeysetOrder, instance: T): string {
    const values = order.fields.map((field) => {
      const value = (instance as Record<string, unknown>)[field.name];
      if (value instanceof Date) return value.toISOString();
      return typeof value === "bigint" ? value.toString() : value;
    });
    return Buffer.from(JSON.stringify({ o: order.signature, v: values })).toString("base64url");
  }

  #fromCursor(cursor: unknown, order: KeysetOrder): unknown[] {
    const invalid = (why: string) =>
      new InvalidQueryError(
        `page(): invalid cursor (${why}); pass the nextCursor of the previous page with the same orderBy`,
      );
    if (typeof cursor !== "string") throw invalid("not a string");
    let parsed: { o?: unknown; v?: unknown };
    try {
      parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    } catch (error) {
      throw new InvalidQueryError("page(): invalid cursor (not one registers made)", { cause: error });
    }
    if (!isPlainObject(parsed) || !Array.isArray(parsed.v)) throw invalid("not one registers made");
    if (parsed.o !== order.signature) throw invalid(`it was made for orderBy "${String(parsed.o)}"`);
    const raw = parsed.v as unknown[];
    if (raw.length !== order.fields.length) throw invalid("wrong length");
    const d = this.#d;
    return order.fields.map((field, i) => {
      const value = cursorValue(field, raw[i]);
      if (value === undefined) throw invalid(`bad value for "${field.name}"`);
      return d.encode(field.kind, value);
    });
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
    return this.#aggregate("SUM", field, criteria) as Promise<SumOf<D[K]> | null>;
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
    return this.#aggregate("AVG", field, criteria) as Promise<number | null>;
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
    return this.#aggregate("MIN", field, criteria) as Promise<NonNullable<D[K]> | null>;
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
    return this.#aggregate("MAX", field, criteria) as Promise<NonNullable<D[K]> | null>;
  }

  async #aggregate(fn: "SUM" | "AVG" | "MIN" | "MAX", name: unknown, criteria: unknown): Promise<unknown> {
    try {
      const session = await this.#session();
      const field = typeof name === "string" ? this.#fields.get(name) : undefined;
      if (field === undefined) {
        throw new InvalidQueryError(
          `${fn.toLowerCase()}() takes a field of ${this.model.name}, got ${String(name)}; fields: ${this.#columns.join(", ")}`,
        );
      }
      const numeric = field.kind === "integer" || field.kind === "float" || field.kind === "bigint";
      if (!numeric && (fn === "SUM" || fn === "AVG" || !AGGREGATE_KINDS.has(field.kind))) {
        throw new InvalidQueryError(
          `${fn.toLowerCase()}() needs a ${fn === "SUM" || fn === "AVG" ? "numeric" : "number, text or date"} field; "${field.name}" holds ${field.kind} values`,
        );
      }
      const compiled = this.#compile(criteria);
      const d = this.#d;
      const statement = this.#statements.prepare(session, `agg:${fn}:${field.name}:${compiled.shape}`, () => {
        return `SELECT ${fn}(${d.quote(field.name)}) AS ${d.quote("v")} FROM ${d.quote(this.tableName)}${this.#where(compiled)}`;
      });
      const value = (await statement.all(compiled.params))[0]?.v;
      if (value === null || value === undefined) return null;
      if (fn === "AVG") return Number(value);
      if (fn === "SUM") return field.kind === "bigint" ? BigInt(value as bigint) : Number(value);
      return d.decode(field.kind, value);
    } catch (error) {
      throw this.#error(error);
    }
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
  async values<K extends keyof D & string>(
    criteria: Criteria<D> | undefined,
    fields: readonly K[],
    options?: ValuesOptions<D>,
  ): Promise<Array<Pick<D, K>>> {
    try {
      const session = await this.#session();
      if (!Array.isArray(fields) || fields.length === 0) {
        throw new InvalidQueryError(`values() takes a non-empty list of fields, e.g. ["id", "email"]`);
      }
      const infos = fields.map((name) => {
        const field = this.#fields.get(name);
        if (field === undefined) {
          throw new InvalidQueryError(
            `unknown field "${String(name)}" in values() for "${this.tableName}"; fields: ${this.#columns.join(", ")}`,
          );
        }
        return field;
      });
      const compiled = this.#compile(criteria);
      const d = this.#d;
      const limit = count("limit", options?.limit);
      const offset = count("offset", options?.offset);
      const orderBy = options?.orderBy;
      const tail = d.limitOffset(limit, offset, compiled.params.length + 1);
      const key = `values:${fields.join(",")}|${compiled.shape}|${orderKey(orderBy)}|${limit === null ? 0 : 1}${offset === null ? 0 : 1}`;
      const statement = this.#statements.prepare(session, key, () => {
        const order = compileOrderBy(orderBy, this.#orderFields, d, this.tableName, this.#unorderable);
        const list = infos.map((f) => d.quote(f.name)).join(", ");
        return `SELECT ${list} FROM ${d.quote(this.tableName)}${this.#where(compiled)}${order}${tail.sql}`;
      });
      const rows = await statement.all([...compiled.params, ...tail.params]);
      return rows.map((row) => {
        const out: Record<string, unknown> = {};
        for (const field of infos) out[field.name] = this.#decodeValue(field, row[field.name]);
        return out as Pick<D, K>;
      });
    } catch (error) {
      throw this.#error(error);
    }
  }

  /** A stored value as the model holds it (rows read back, `values()`, conflict keys). */
  #decodeValue(field: FieldInfo, value: unknown): unknown {
    if (value === null || value === undefined) return field.optional && !field.nullable ? undefined : null;
    // A JS number in a number column needs no decoding on any dialect: skip the call.
    if (typeof value === "number" && (field.kind === "integer" || field.kind === "float")) return value;
    return this.#d.decode(field.kind, value);
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
    try {
      const session = this.#session();
      if (session instanceof Promise) {
        return session.then((s) => this.#count(s, criteria)).then(this.#countOf, this.#rejectWith);
      }
      const rows = this.#count(session, criteria);
      if (rows instanceof Promise) return rows.then(this.#countOf, this.#rejectWith);
      return Promise.resolve(Number(rows[0].n));
    } catch (error) {
      return Promise.reject(this.#error(error));
    }
  }

  #count(session: Session, criteria: unknown): Row[] | Promise<Row[]> {
    const compiled = this.#compile(criteria);
    const statement = this.#countStatements.prepare(session, compiled.shape, () => {
      const d = this.#d;
      return `SELECT COUNT(*) AS ${d.quote("n")} FROM ${d.quote(this.tableName)}${this.#where(compiled)}`;
    });
    return statement.all(compiled.params);
  }

  /**
   * A fresh copy of an instance from the database; `RecordNotFoundError` if its row is gone.
   *
   * @example
   * ```ts
   * const fresh = await User.objects.refresh(alice);
   * ```
   */
  async refresh(instance: T): Promise<T> {
    const key =
      persistedKey(instance as unknown as ModelBase) ?? (instance as Record<string, unknown>)[this.keyField];
    if (key == null)
      throw new RecordNotFoundError(`this ${this.model.name} was never saved: there is nothing to refresh`);
    const fresh = await this.get(key as KeyValue);
    if (fresh === null) {
      throw new RecordNotFoundError(
        `${this.model.name} with ${this.keyField} = ${String(key)} no longer exists in "${this.tableName}"`,
      );
    }
    return fresh;
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
  async createSchema(): Promise<void> {
    try {
      await this.#createTable(await this.#catalogSession());
    } catch (error) {
      throw this.#error(error);
    }
  }

  async #createTable(session: Session): Promise<void> {
    try {
      for (const sql of this.#d.createTable(this.table)) await session.exec(sql);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new SchemaError(`cannot create table "${this.tableName}": ${messageOf(error)}`, { cause: error });
    }
  }

  /**
   * Drops the table (and its rows) if it exists.
   *
   * @example
   * ```ts
   * await User.objects.dropSchema();
   * ```
   */
  async dropSchema(): Promise<void> {
    const session = await this.#catalogSession();
    try {
      await session.exec(this.#d.dropTable(this.tableName));
    } catch (error) {
      throw this.#schemaError(error, `cannot drop table "${this.tableName}"`);
    } finally {
      // The next use creates the table again (autoCreate), or fails with SchemaError.
      this.#readyGeneration = -1;
    }
  }

  /**
   * Whether the table exists.
   *
   * @example
   * ```ts
   * if (!(await User.objects.schemaExists())) await User.objects.createSchema();
   * ```
   */
  async schemaExists(): Promise<boolean> {
    try {
      const session = await this.#catalogSession(); // resolves the dialect first (server dialects load lazily)
      return await this.#d.tableExists(session, this.tableName);
    } catch (error) {
      throw this.#error(error);
    }
  }

  /**
   * Deletes every row, keeping the table (deleted autoincrement ids are not reused).
   *
   * @example
   * ```ts
   * await User.objects.truncate();
   * ```
   */
  async truncate(): Promise<void> {
    const session = await this.#session();
    try {
      await session.exec(this.#d.truncate(this.tableName));
    } catch (error) {
      throw this.#schemaError(error, `cannot truncate table "${this.tableName}"`);
    }
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
  async addColumn(name: string, type: z.ZodType, options?: { nullable?: boolean }): Promise<void> {
    const session = await this.#catalogSession();
    const existing = await this.columnNames();
    if (existing.includes(name)) {
      throw new MigrationError(
        `column "${name}" already exists on "${this.tableName}": use ensureColumn() to add it only if missing`,
      );
    }
    let column: ColumnSpec;
    try {
      const field = describeField(name, type);
      const nullable = options?.nullable ?? (field.nullable || field.optional);
      column = { ...columnSpec(field, this.#config), nullable, primaryKey: false, autoincrement: false };
      await session.exec(this.#d.addColumn(this.tableName, column));
    } catch (error) {
      if (error instanceof MigrationError) throw error;
      throw new MigrationError(`cannot add column "${name}" to "${this.tableName}": ${messageOf(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Adds the column only if it is missing; `true` if it was added.
   *
   * @example
   * ```ts
   * await User.objects.ensureColumn("verified_at", z.date().nullable()); // true, then false
   * ```
   */
  async ensureColumn(name: string, type: z.ZodType, options?: { nullable?: boolean }): Promise<boolean> {
    if ((await this.columnNames()).includes(name)) return false;
    await this.addColumn(name, type, options);
    return true;
  }

  /**
   * The table's column names, from the database catalog.
   *
   * @example
   * ```ts
   * await User.objects.columnNames(); // ["id", "name", "email"]
   * ```
   */
  async columnNames(): Promise<string[]> {
    try {
      const session = await this.#catalogSession();
      return await this.#d.columnNames(session, this.tableName);
    } catch (error) {
      throw this.#error(error);
    }
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
    return runTransaction(this.engine, fn, (error) => this.#error(error));
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

  // ---------------------------------------------------------------- internals

  #compile(criteria: unknown): CompiledCriteria {
    return (this.#compiler as CriteriaCompiler).compile(criteria);
  }

  /**
   * Replaces plain values of `hashedFields` with their hash, in place. A value that already is a
   * hash is kept only when it is the one the instance was loaded or saved with (`stored`), or when
   * hashes are accepted (`acceptPasswordHashes`); otherwise it is a `ValidationError`, so a client
   * cannot send a ready-made hash and bypass the password rules.
   */
  async #hashValues(values: Record<string, unknown>, stored?: unknown, accept = false): Promise<void> {
    const snapshot =
      stored instanceof this.model ? persistedSnapshot(stored as unknown as ModelBase) : undefined;
    for (const name of this.hashedFields) {
      const value = values[name];
      if (typeof value !== "string") continue;
      if (!isPasswordHash(value)) {
        values[name] = await hashPassword(value);
      } else if (!accept && !this.#config.acceptPasswordHashes && snapshot?.[name] !== value) {
        throw new ValidationError(
          `${this.model.name}.${name} was given a ready-made password hash: give the plain password (registers hashes it), or pass acceptPasswordHashes: true to import hashes`,
          [{ path: [name], message: "a password hash is not accepted as a password", code: "custom" }],
        );
      }
    }
  }

  #where(compiled: CompiledCriteria): string {
    return (this.#compiler as CriteriaCompiler).where(compiled.terms, 1);
  }

  #keyParam(key: unknown): unknown {
    if (key === null || key === undefined || typeof key === "object") {
      throw new InvalidQueryError(
        `${this.model.name}: a key must be a value of "${this.keyField}", got ${String(key)}`,
      );
    }
    if (this.#key.kind === "integer" && Number.isSafeInteger(key)) return key;
    return (this.#compiler as CriteriaCompiler).value(this.#key, key);
  }

  /** Data from an instance (its fields) or a plain object. */
  #plain(data: unknown): unknown {
    if (data instanceof this.model) {
      const out: Record<string, unknown> = {};
      for (const name of this.#columns) out[name] = (data as Record<string, unknown>)[name];
      return out;
    }
    return data;
  }

  /** A row read back: decoded per column kind, validated by the schema, as an instance. */
  #hydrate(row: Row): T {
    const decoded = this.#decoded;
    for (let i = 0; i < decoded.length; i++) {
      const field = decoded[i];
      row[field.name] = this.#decodeValue(field, row[field.name]);
    }
    let data: Record<string, unknown>;
    try {
      data = this.#schema.parse(row) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof Error) || !("issues" in error)) throw error;
      throw validationError(
        this.model.name,
        error as z.ZodError,
        `a row read back from "${this.tableName}" breaks the model`,
      );
    }
    return this.#instance(data, data[this.keyField]);
  }

  /** An instance of validated, stored values (not mutated afterwards: they are its dirty-tracking snapshot). */
  #instance(values: Record<string, unknown>, key: unknown): T {
    return hydrate(this.model, values, key, this.#assign, this.#snapshot(values));
  }

  /**
   * The snapshot `save()` compares against: the values themselves, except that Dates and JSON values
   * (mutable in place) are kept as their time and their JSON text.
   */
  #snapshot(values: Record<string, unknown>): Record<string, unknown> {
    const mutable = this.#mutable;
    if (mutable.length === 0) return values;
    const snapshot = { ...values };
    for (const field of mutable) snapshot[field.name] = frozenValue(field, values[field.name]);
    return snapshot;
  }

  #schemaError(error: unknown, what: string): RegistryError {
    if (error instanceof RegistryError) return error;
    return new SchemaError(`${what}: ${messageOf(error)}`, { cause: error });
  }

  /** Turns any failure into a typed `RegistryError` (never a raw driver error), keeping the cause. */
  #error(error: unknown, key?: unknown): RegistryError {
    if (error instanceof RegistryError) return error;
    const dialect = this.#dialect;
    const kind = dialect === null ? { kind: "other" as const } : dialect.classifyError(error);
    const table = this.tableName;
    switch (kind.kind) {
      case "unique": {
        const columns = kind.columns ?? [];
        if (kind.primaryKey || (columns.length > 0 && columns.every((c) => c === this.keyField))) {
          return new DuplicateKeyError(
            `a ${this.model.name} with ${this.keyField} = ${String(key)} already exists in "${table}": use upsert() to overwrite it`,
            table,
            key,
            { cause: error },
          );
        }
        const fields = columns.length > 0 ? columns : [...this.uniqueFields];
        return new UniqueConstraintError(
          `another row of "${table}" already has this ${fields.join(", ")}: values of ${fields.join(", ")} must be unique`,
          table,
          fields,
          { cause: error },
        );
      }
      case "foreign-key":
        return new ForeignKeyError(`a foreign key of "${table}" does not match any row`, table, {
          cause: error,
        });
      case "not-null":
        return new ValidationError(
          `"${table}": ${kind.column ?? "a column"} cannot be null`,
          [{ path: kind.column ? [kind.column] : [], message: "cannot be null", code: "invalid_type" }],
          { cause: error },
        );
      case "connection":
        return new ConnectionError(`lost the database connection of "${table}": ${messageOf(error)}`, {
          cause: error,
        });
      case "timeout":
        return new StatementTimeoutError(`a statement on "${table}" timed out or the database was busy`, {
          cause: error,
        });
      case "missing-table":
        return new SchemaError(
          `table "${table}" does not exist: call ${this.model.name}.createSchema() or keep autoCreate on`,
          {
            cause: error,
          },
        );
      default:
        return new DatabaseError(`database error on "${table}": ${messageOf(error)}`, { cause: error });
    }
  }
}

/** The first row of a statement, through its one-row path when the driver has one. */
function one(statement: Statement, params: readonly unknown[]): Row | undefined | Promise<Row | undefined> {
  if (statement.get !== undefined) return statement.get(params);
  const rows = statement.all(params);
  return rows instanceof Promise ? rows.then((r) => r[0]) : rows[0];
}

function columnSpec(
  field: FieldInfo,
  config: Pick<ManagerConfig, "keyField" | "managedKey" | "uniqueFields">,
): ColumnSpec {
  const primaryKey = field.name === config.keyField;
  const unique = !primaryKey && config.uniqueFields.includes(field.name);
  return {
    name: field.name,
    kind: field.kind,
    nullable: !primaryKey && (field.nullable || field.optional),
    primaryKey,
    autoincrement: primaryKey && config.managedKey,
    unique,
    indexed: primaryKey || unique,
    ...(field.enumValues ? { enumValues: field.enumValues } : {}),
    ...(field.defaultValue !== undefined ? { defaultValue: field.defaultValue } : {}),
  };
}

function sameKey(a: unknown, b: unknown): boolean {
  return a === b || (a instanceof Date && b instanceof Date && a.getTime() === b.getTime());
}

function count(name: string, value: unknown): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new InvalidQueryError(`${name} must be a non-negative integer, got ${String(value)}`);
  }
  return value as number;
}

function* chunks<V>(items: readonly V[], size: number): Generator<V[]> {
  const step = Math.max(1, size);
  for (let i = 0; i < items.length; i += step) yield items.slice(i, i + step);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeCriteria(criteria: Record<string, unknown>): string {
  return Object.entries(criteria)
    .map(([k, v]) => `${k} = ${typeof v === "bigint" ? `${v}n` : JSON.stringify(v)}`)
    .join(" AND ");
}

const LONE_SURROGATE = /\p{Cs}/u;
const nativeWellFormed = (String.prototype as { isWellFormed?: () => boolean }).isWellFormed;
/** `String.prototype.isWellFormed` (Node 20+), else a regular expression. */
const isWellFormed: (value: string) => boolean =
  nativeWellFormed === undefined
    ? (value) => !LONE_SURROGATE.test(value)
    : (value) => nativeWellFormed.call(value);

/**
 * Refuses strings with lone UTF-16 surrogates: databases store them as U+FFFD (SQLite) or reject
 * them with a raw driver error, so the value would not round-trip. Returns the value unchanged.
 */
function wellFormed(model: string, column: { name: string; kind: string }, value: unknown): unknown {
  if (column.kind === "string" && typeof value === "string" && !isWellFormed(value)) {
    throw new ValidationError(
      `${model}.${column.name}: the string holds a lone UTF-16 surrogate and cannot be stored exactly`,
      [{ path: [column.name], message: "ill-formed UTF-16 (lone surrogate)", code: "invalid_string" }],
    );
  }
  return value;
}

/** A Date or JSON value as a snapshot holds it: its time or its JSON text (immune to in-place changes). */
function frozenValue(field: FieldInfo, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  if (field.kind === "date") return value instanceof Date ? value.getTime() : value;
  return JSON.stringify(value);
}

/** Kinds `min` and `max` accept besides numbers. */
const AGGREGATE_KINDS = new Set(["string", "date", "enum"]);

/** Keyset order: items (orderBy, then the key), their fields, and a signature for cursors and caching. */
interface KeysetOrder {
  readonly items: readonly OrderItem[];
  readonly fields: readonly FieldInfo[];
  readonly signature: string;
}

/** Consecutive rows of a bulk upsert with one conflict target (`null`: plain insert). */
interface UpsertRun {
  readonly start: number;
  readonly conflict: string | null;
  readonly rows: Record<string, unknown>[];
}

/** The statement-cache part of an `orderBy` option. */
function orderKey(orderBy: unknown): string {
  if (orderBy === undefined) return "";
  return typeof orderBy === "string" ? orderBy : JSON.stringify(orderBy);
}

/** A conflict value as a Map key (Dates by time, numbers and bigints apart from strings). */
function conflictKey(value: unknown): unknown {
  if (value instanceof Date) return `date:${value.getTime()}`;
  if (typeof value === "bigint") return `bigint:${value}`;
  return value;
}

/** A cursor value back as the field's JS value, or `undefined` if it is not one. */
function cursorValue(field: FieldInfo, raw: unknown): unknown {
  switch (field.kind) {
    case "integer":
    case "float":
      return typeof raw === "number" && Number.isFinite(raw) ? raw : undefined;
    case "bigint":
      return typeof raw === "string" && /^-?\d+$/.test(raw) ? BigInt(raw) : undefined;
    case "boolean":
      return typeof raw === "boolean" ? raw : undefined;
    case "date": {
      const date = typeof raw === "string" ? new Date(raw) : undefined;
      return date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined;
    }
    default:
      return typeof raw === "string" ? raw : undefined;
  }
}

/** Ascending order of key values (numbers, bigints or strings). */
function ascending(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/** Validates a bulk write's input list and `chunkSize` option; returns the requested chunk size. */
function bulkChunkSize(rows: unknown, options: BulkOptions | undefined, method: string): number {
  if (!Array.isArray(rows)) throw new InvalidQueryError(`${method}() takes an array of rows`);
  const chunkSize = count("chunkSize", options?.chunkSize) ?? 1000;
  if (chunkSize === 0) throw new InvalidQueryError(`${method}() needs a positive chunkSize`);
  return chunkSize;
}
