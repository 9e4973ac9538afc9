import type { z } from "zod";
import {
  type CompiledCriteria,
  type Criteria,
  CriteriaCompiler,
  compileOrderBy,
  isPlainObject,
  type OrderBy,
} from "./criteria.js";
import type { ColumnSpec, Dialect, Row, Session, Statement, TableSpec } from "./dialect/dialect.js";
import type { Engine } from "./engine.js";
import {
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
  setPersistedKey,
  validateData,
  validationError,
} from "./model.js";
import { hashPassword, isPasswordHash } from "./password.js";
import { type CachedStatement, StatementCache } from "./statement-cache.js";
import { runTransaction, transactionConnection } from "./transaction.js";
import { describeField, type FieldInfo } from "./zod-to-columns.js";

/** Options of `filter()` and `all()`. */
export interface FilterOptions<D = Record<string, unknown>> {
  /** Most rows to return (a non-negative integer). */
  readonly limit?: number;
  /** Rows to skip (a non-negative integer). */
  readonly offset?: number;
  /** `"name"`, `"-name"` (descending) or `[["name", "asc"], ["id", "desc"]]`. */
  readonly orderBy?: OrderBy<D>;
}

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
  readonly #statements: StatementCache;
  readonly #assign: Assigner;
  /** Hot shapes by criteria shape alone (no key concatenation per call). */
  readonly #countStatements: StatementCache;
  readonly #filterStatements: StatementCache;
  #dialect: Dialect | null;
  #compiler: CriteriaCompiler | null = null;
  #selectList = "";
  #readyGeneration = -1;
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
  }

  #useDialect(dialect: Dialect): void {
    this.#dialect = dialect;
    this.#compiler = new CriteriaCompiler(dialect, this.#fields, this.tableName);
    this.#selectList = this.#columns.map((c) => dialect.quote(c)).join(", ");
  }

  // ---------------------------------------------------------------- sessions

  /** The session to run on: the enclosing transaction's connection, else the engine's driver. */
  #session(): Session | Promise<Session> {
    const connection = transactionConnection(this.engine);
    if (connection !== undefined) {
      return this.#readyGeneration === this.engine.generation ? connection : this.#ready(connection);
    }
    const driver = this.engine.driver;
    if (driver !== null && this.#readyGeneration === this.engine.generation) return driver;
    return this.#openSlow();
  }

  async #openSlow(): Promise<Session> {
    const driver = await this.engine.open();
    return this.#ready(driver);
  }

  /** One-time setup per engine opening: resolve the dialect and create the table (`autoCreate`). */
  async #ready(session: Session): Promise<Session> {
    if (this.#dialect === null) this.#useDialect(await this.engine.resolveDialect());
    const generation = this.engine.generation;
    if (this.#readyGeneration === generation) return session;
    if (this.#readying === null) {
      this.#readying = (async () => {
        this.#statements.reset();
        this.#countStatements.reset();
        this.#filterStatements.reset();
        if (this.#config.autoCreate) await this.#createTable(session);
        this.#readyGeneration = generation;
      })().finally(() => {
        this.#readying = null;
      });
    }
    await this.#readying;
    return session;
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
      if (this.#config.managedKey && isPlainObject(data) && data[this.keyField] != null) {
        throw new InvalidPrimaryKeyAssignmentError(
          `${this.model.name}.${this.keyField} is database-managed: leave it out of create(), or use upsert() to write a known key`,
        );
      }
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
    if (!this.#config.managedKey && values[this.keyField] == null) {
      throw new ValidationError(
        `${this.model.name}: the key "${this.keyField}" is required (it is not database-managed)`,
        [{ path: [this.keyField], message: "required", code: "invalid_type" }],
      );
    }
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
      if (result instanceof Promise) return result.then(() => hydrate(this.model, values, key, this.#assign));
      return hydrate(this.model, values, key, this.#assign);
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

  #created(values: Record<string, unknown>, rawKey: unknown): T {
    const key = this.#d.decode(this.#key.kind, rawKey);
    values[this.keyField] = key;
    return hydrate(this.model, values, key, this.#assign);
  }

  #insertSql(returning: boolean): string {
    const d = this.#d;
    const columns = this.#insertColumns;
    const names = columns.map((c) => d.quote(c.name)).join(", ");
    const values = columns.map((_, i) => d.param(i + 1)).join(", ");
    const head =
      columns.length === 0
        ? `INSERT INTO ${d.quote(this.tableName)} DEFAULT VALUES`
        : `INSERT INTO ${d.quote(this.tableName)} (${names}) VALUES (${values})`;
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
      await this.#hashValues(values);
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
    return hydrate(this.model, values, key, this.#assign);
  }

  /**
   * Upserts an instance by key and reflects generated values back onto it. A persisted key that was
   * changed is an `ImmutableFieldError`.
   *
   * @example
   * ```ts
   * alice.name = "Alicia";
   * await User.objects.save(alice); // same as alice.save()
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
      await this.#hashValues(values);
      const session = await this.#session();
      const saved =
        this.#config.managedKey && current == null
          ? await this.#insert(session, values)
          : await this.#upsert(session, values);
      Object.assign(instance, values);
      setPersistedKey(instance as unknown as ModelBase, (saved as Record<string, unknown>)[this.keyField]);
      return instance;
    } catch (error) {
      throw this.#error(error, values?.[this.keyField]);
    }
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
      return await runTransaction(this.engine, async () => {
        const session = await this.#session();
        const keys = await this.#matchingKeys(session, compiled);
        if (keys.length === 0) return [];
        const d = this.#d;
        const names = Object.keys(assignments);
        for (const chunk of chunks(keys, d.maxParameters - names.length)) {
          const sets = names.map((n, i) => `${d.quote(n)} = ${d.param(i + 1)}`).join(", ");
          const list = chunk.map((_, i) => d.param(names.length + i + 1)).join(", ");
          const sql = `UPDATE ${d.quote(this.tableName)} SET ${sets} WHERE ${d.quote(this.keyField)} IN (${list})`;
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
   * ```
   */
  get(keyOrCriteria: KeyValue | Criteria<D>, extra?: never): Promise<T | null> {
    try {
      if (extra !== undefined) {
        throw new InvalidQueryError(
          "get() takes one key or one criteria object, e.g. get(1) or get({ email })",
        );
      }
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
  async require(keyOrCriteria: KeyValue | Criteria<D>): Promise<T> {
    const found = await this.get(keyOrCriteria);
    if (found === null) {
      const what = isPlainObject(keyOrCriteria)
        ? describeCriteria(keyOrCriteria)
        : `${this.keyField} = ${String(keyOrCriteria)}`;
      throw new RecordNotFoundError(`no ${this.model.name} in "${this.tableName}" where ${what}`);
    }
    return found;
  }

  /**
   * Instances matching equality criteria, with optional `limit`, `offset` and `orderBy`.
   *
   * @example
   * ```ts
   * const page = await User.objects.filter({ role: "active" }, { orderBy: "name", limit: 20, offset: 40 });
   * ```
   */
  filter(criteria?: Criteria<D>, options?: FilterOptions<D>): Promise<T[]> {
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

  #filter(
    session: Session,
    criteria: unknown,
    options: FilterOptions<D> | undefined,
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
    const orderKey =
      orderBy === undefined ? "" : typeof orderBy === "string" ? orderBy : JSON.stringify(orderBy);
    const tail = d.limitOffset(limit, offset, compiled.params.length + 1);
    const key = `filter:${compiled.shape}|${orderKey}|${limit === null ? 0 : 1}${offset === null ? 0 : 1}`;
    const statement = this.#statements.prepare(session, key, () => {
      const order = compileOrderBy(orderBy, this.#fields, d, this.tableName);
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
  all(options?: FilterOptions<D>): Promise<T[]> {
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
  async first(criteria?: Criteria<D>): Promise<T | null> {
    try {
      return await this.#first(await this.#session(), criteria, "ASC");
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
  async last(criteria?: Criteria<D>): Promise<T | null> {
    try {
      return await this.#first(await this.#session(), criteria, "DESC");
    } catch (error) {
      throw this.#error(error);
    }
  }

  async #first(session: Session, criteria: unknown, direction: "ASC" | "DESC"): Promise<T | null> {
    const compiled = this.#compile(criteria);
    const d = this.#d;
    const tail = d.limitOffset(1, null, compiled.params.length + 1);
    const statement = this.#statements.prepare(session, `first:${direction}:${compiled.shape}`, () => {
      return `SELECT ${this.#selectList} FROM ${d.quote(this.tableName)}${this.#where(compiled)} ORDER BY ${d.quote(this.keyField)} ${direction}${tail.sql}`;
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
      await this.#createTable(await this.#session());
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
    const session = await this.#session();
    try {
      await session.exec(this.#d.dropTable(this.tableName));
    } catch (error) {
      throw this.#schemaError(error, `cannot drop table "${this.tableName}"`);
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
      const session = await this.#session(); // resolves the dialect first (server dialects load lazily)
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
    const session = await this.#session();
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
      const session = await this.#session();
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
   * Closes this model's engine (shared by every model on the same URL); it reopens on next use.
   *
   * @example
   * ```ts
   * await User.objects.dispose();
   * ```
   */
  dispose(): Promise<void> {
    return this.engine.close();
  }

  // ---------------------------------------------------------------- internals

  #compile(criteria: unknown): CompiledCriteria {
    if (this.hashedFields.length > 0 && isPlainObject(criteria)) {
      for (const name of this.hashedFields) {
        if (Object.hasOwn(criteria, name)) {
          throw new InvalidQueryError(
            `${this.model.name}.${name} is stored hashed (salted), so criteria cannot match it: find the row by another field, then call verifyPassword()`,
          );
        }
      }
    }
    return (this.#compiler as CriteriaCompiler).compile(criteria);
  }

  /** Replaces plain values of `hashedFields` with their hash, in place; existing hashes are kept. */
  async #hashValues(values: Record<string, unknown>): Promise<void> {
    for (const name of this.hashedFields) {
      const value = values[name];
      if (typeof value === "string" && !isPasswordHash(value)) values[name] = await hashPassword(value);
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
    const d = this.#dialect as Dialect;
    for (let i = 0; i < decoded.length; i++) {
      const field = decoded[i];
      const value = row[field.name];
      if (value === null || value === undefined) {
        if (field.optional && !field.nullable) row[field.name] = undefined;
      } else if (typeof value !== "number" || (field.kind !== "integer" && field.kind !== "float")) {
        // A JS number in a number column needs no decoding on any dialect: skip the call.
        row[field.name] = d.decode(field.kind, value);
      }
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
    return hydrate(this.model, data, data[this.keyField], this.#assign);
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

/**
 * Refuses strings with lone UTF-16 surrogates: databases store them as U+FFFD (SQLite) or reject
 * them with a raw driver error, so the value would not round-trip. Returns the value unchanged.
 */
function wellFormed(model: string, column: { name: string; kind: string }, value: unknown): unknown {
  if (column.kind === "string" && typeof value === "string" && LONE_SURROGATE.test(value)) {
    throw new ValidationError(
      `${model}.${column.name}: the string holds a lone UTF-16 surrogate and cannot be stored exactly`,
      [{ path: [column.name], message: "ill-formed UTF-16 (lone surrogate)", code: "invalid_string" }],
    );
  }
  return value;
}
