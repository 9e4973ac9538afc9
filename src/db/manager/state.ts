/**
 * The per-model state every operation module works on: the table as registered (fields, key,
 * columns, order rules), the dialect once resolved with its criteria compiler, the statement caches,
 * and session access (the enclosing transaction's connection or the engine's driver, with the
 * one-time `autoCreate` setup). It may import dialect types, criteria, the engine and transaction
 * seams, the statement cache, model-base helpers and the value helpers; never the facade.
 */
import type { z } from "zod";
import { type CompiledCriteria, CriteriaCompiler } from "../criteria.js";
import type { ColumnSpec, Dialect, Session, TableSpec } from "../dialect/dialect.js";
import type { Engine } from "../engine.js";
import { InvalidQueryError, RegistryError, SchemaError } from "../errors.js";
import { type Assigner, compileAssigner } from "../model-base.js";
import { createModelTable } from "../schema/create-tables.js";
import { trackModel } from "../schema/model-definition.js";
import { type CachedStatement, StatementCache } from "../statement-cache.js";
import { afterCommit, transactionConnection } from "../transaction.js";
import type { FieldInfo } from "../zod-to-columns.js";
import type { Lifecycle } from "./lifecycle.js";
import { relatedStates, relationJoin } from "./relation-filter.js";
import { liveScope, type Scope } from "./scope.js";
import type { ManagerConfig, ModelCtor } from "./types.js";
import { messageOf } from "./values.js";

/**
 * One model's state on its engine. Fields are public for the operation modules of this folder; the
 * facade (`ModelManager`) exposes what users may read.
 */
export class ModelState<T extends object = object> {
  readonly model: ModelCtor<T>;
  readonly engine: Engine;
  readonly config: ManagerConfig;
  readonly tableName: string;
  readonly keyField: string;
  readonly uniqueFields: readonly string[];
  readonly hashedFields: readonly string[];
  /** Hooks, timestamps, soft delete, key generator; `null` for a plain model (the fast paths). */
  readonly lifecycle: Lifecycle | null;
  /** Soft delete: the rows reads see (`null`: every row, no extra condition). */
  readonly scope: Scope | null;
  /** The table as the dialect sees it. */
  readonly table: TableSpec;
  readonly fields: ReadonlyMap<string, FieldInfo>;
  readonly key: FieldInfo;
  readonly schema: z.ZodObject;
  /** Fields whose stored value may need decoding (everything but plain text). */
  readonly decoded: readonly FieldInfo[];
  readonly columns: readonly string[];
  readonly insertColumns: readonly FieldInfo[];
  /**
   * Fields as ordering sees them: the key and fields with a default (never written as NULL) are
   * non-null, so `ORDER BY` on them stays index-friendly and keyset reads accept them.
   */
  readonly orderFields: ReadonlyMap<string, FieldInfo>;
  /** `hashedFields`: salted hashes have no meaningful order, and a cursor would carry the hash. */
  readonly unorderable: ReadonlyMap<string, string>;
  /** Date and JSON fields: mutable in place, so snapshotted by value. */
  readonly mutable: readonly FieldInfo[];
  readonly assign: Assigner;
  readonly statements: StatementCache;
  /** Hot shapes by criteria shape alone (no key concatenation per call). */
  readonly countStatements: StatementCache;
  readonly filterStatements: StatementCache;
  dialect: Dialect | null;
  compiler: CriteriaCompiler | null = null;
  /** The quoted column list of `SELECT`s and the quoted table name, once the dialect is known. */
  selectList = "";
  quotedTable = "";
  readyGeneration = -1;
  statementsGeneration = -1;
  readying: Promise<void> | null = null;
  getEntry: CachedStatement | null = null;
  insertEntry: CachedStatement | null = null;
  /** How rows become instances (`row-plan.ts`), built on first use. */
  rowPlan: object | null = null;

  constructor(model: ModelCtor<T>, engine: Engine, config: ManagerConfig) {
    this.model = model;
    this.engine = engine;
    this.config = config;
    this.tableName = config.tableName;
    this.keyField = config.keyField;
    this.uniqueFields = config.uniqueFields;
    this.hashedFields = config.hashedFields ?? [];
    this.lifecycle = config.lifecycle ?? null;
    this.scope = this.lifecycle?.deletedAt ? liveScope(this.lifecycle.deletedAt) : null;
    this.schema = model.schema;
    this.fields = new Map(config.fields.map((f) => [f.name, f]));
    this.key = this.fields.get(config.keyField) as FieldInfo;
    this.columns = config.fields.map((f) => f.name);
    this.assign = compileAssigner(this.columns);
    this.decoded = config.fields.filter(
      (f) => (f.kind !== "string" && f.kind !== "enum" && f.kind !== "uuid") || (f.optional && !f.nullable),
    );
    this.orderFields = new Map(
      config.fields.map((f): [string, FieldInfo] => {
        const neverNull = f.name === config.keyField || (f.hasDefault && !f.nullable);
        return [f.name, neverNull ? { ...f, nullable: false, optional: false } : f];
      }),
    );
    this.unorderable = new Map(
      this.hashedFields.map((name) => [
        name,
        `${model.name}.${name} is stored hashed (salted): it cannot order results or page through them; order by another field`,
      ]),
    );
    this.mutable = config.fields.filter((f) => f.kind === "date" || f.kind === "json");
    this.insertColumns = config.managedKey
      ? config.fields.filter((f) => f.name !== config.keyField)
      : config.fields;
    this.table = {
      name: config.tableName,
      keyField: config.keyField,
      uniqueFields: config.uniqueFields,
      columns: config.fields.map((f) => columnSpec(f, config)),
    };
    const hints = config.fields.some((f) => f.kind === "bigint") ? { bigints: true } : undefined;
    this.statements = new StatementCache(hints);
    this.countStatements = new StatementCache(hints);
    this.filterStatements = new StatementCache(hints);
    this.dialect = engine.dialect;
    if (this.dialect !== null) this.useDialect(this.dialect);
    trackModel(model, this);
    engine.addSchemaSetup({
      prepare: (session) =>
        this.readyGeneration === this.engine.generation ? undefined : this.setUp(session),
    });
  }

  /** The dialect (call after `session()` resolved it). */
  get d(): Dialect {
    return this.dialect as Dialect;
  }

  useDialect(dialect: Dialect): void {
    this.dialect = dialect;
    const unmatchable = new Map(
      this.hashedFields.map((name) => [
        name,
        `${this.model.name}.${name} is stored hashed (salted), so criteria cannot match it: find the row by another field, then call verifyPassword()`,
      ]),
    );
    this.compiler = new CriteriaCompiler(dialect, this.fields, this.tableName, {
      unmatchable,
      relations: (name) => relationJoin(this, name),
    });
    this.selectList = this.columns.map((c) => dialect.quote(c)).join(", ");
    this.quotedTable = dialect.quote(this.tableName);
  }

  compile(criteria: unknown): CompiledCriteria {
    const compiled = (this.compiler as CriteriaCompiler).compile(criteria);
    return this.scope === null ? compiled : this.scope.apply(compiled);
  }

  /** Whether compiled criteria filter nothing but the soft-delete scope (`updateWhere({})` is refused). */
  unfiltered(compiled: CompiledCriteria): boolean {
    return compiled.terms.length <= (this.scope === null ? 0 : 1);
  }

  /** The soft-delete condition of statements by key (` AND "deletedAt" IS NULL`), or `""`. */
  keyScopeSql(): string {
    return this.scope === null ? "" : this.scope.keySql(this.d);
  }

  /** ` WHERE ...` for compiled criteria (params from `firstParam`), or `""`. */
  where(compiled: CompiledCriteria, firstParam = 1): string {
    return (this.compiler as CriteriaCompiler).where(compiled.terms, firstParam);
  }

  /** A key given by the caller as the parameter to bind (`InvalidQueryError` when it is not one). */
  keyParam(key: unknown): unknown {
    if (key === null || key === undefined || typeof key === "object") {
      throw new InvalidQueryError(
        `${this.model.name}: a key must be a value of "${this.keyField}", got ${String(key)}`,
      );
    }
    if (this.key.kind === "integer" && Number.isSafeInteger(key)) return key;
    return (this.compiler as CriteriaCompiler).value(this.key, key);
  }

  // ---------------------------------------------------------------- sessions

  /** The session to run on: the enclosing transaction's connection, else the engine's driver. */
  session(): Session | Promise<Session> {
    const connection = transactionConnection(this.engine);
    if (connection !== undefined) {
      return this.readyGeneration === this.engine.generation
        ? connection
        : this.readyInTransaction(connection);
    }
    const driver = this.engine.driver;
    if (driver !== null && this.readyGeneration === this.engine.generation) return driver;
    return this.openSlow();
  }

  async openSlow(): Promise<Session> {
    const driver = await this.engine.open();
    await this.setUp(driver);
    return driver;
  }

  /**
   * The session for catalog and DDL calls (`schemaExists`, `createSchema`, `dropSchema`,
   * `columnNames`, `addColumn`...): like `session()`, without the `autoCreate` setup, so asking
   * whether the table exists never creates it.
   */
  async catalogSession(): Promise<Session> {
    if (this.dialect === null) this.useDialect(await this.engine.resolveDialect());
    const connection = transactionConnection(this.engine);
    if (connection !== undefined) return connection;
    const driver = await this.engine.open();
    this.resetStatements(this.engine.generation);
    return driver;
  }

  /**
   * One-time setup per engine opening, outside any transaction: resolve the dialect, reset the
   * statement caches and create the table (`autoCreate`). Recorded only once it is durable.
   */
  async setUp(session: Session): Promise<void> {
    if (this.dialect === null) this.useDialect(await this.engine.resolveDialect());
    const generation = this.engine.generation;
    if (this.readyGeneration === generation) return;
    if (this.readying === null) {
      this.readying = (async () => {
        this.resetStatements(generation);
        if (this.config.autoCreate) await this.createTable(session);
        this.readyGeneration = generation;
      })().finally(() => {
        this.readying = null;
      });
    }
    await this.readying;
    await this.setUpRelated(session);
  }

  /**
   * Once this model is ready: the models its relationships reach (`relatedStates`) get the same
   * setup (their tables created when they use `autoCreate`), so a relationship filter
   * (`{ posts: { some: {...} } }`) finds their tables on a fresh database. Each reached model
   * continues with its own (a cycle stops at models already ready); a failure surfaces at that
   * model's own use, or as the filter's `SchemaError`.
   */
  async setUpRelated(session: Session): Promise<void> {
    for (const related of relatedStates(this) as unknown as ModelState[]) {
      if (related.readyGeneration !== related.engine.generation)
        await related.setUp(session).catch(() => undefined);
    }
  }

  /**
   * First use inside a transaction whose BEGIN came before this model's setup (e.g. it was registered
   * later). Server databases create the table on another pooled connection, in autocommit: DDL never
   * runs on the user's transaction (MariaDB/MySQL would commit it implicitly). SQLite has one
   * connection, held by the transaction, and its DDL is transactional: the table is created inside
   * the transaction and counted as existing only once the transaction commits; so are the tables of
   * the models its relationships reach (`setUpRelated`), `visited` stopping at cycles.
   */
  async readyInTransaction(connection: Session, visited = new Set<ModelState>()): Promise<Session> {
    if (this.dialect === null) this.useDialect(await this.engine.resolveDialect());
    if (this.dialect?.name !== "sqlite") {
      await this.setUp(await this.engine.open());
      return connection;
    }
    const generation = this.engine.generation;
    this.resetStatements(generation);
    visited.add(this as ModelState);
    if (!this.config.autoCreate) {
      this.readyGeneration = generation;
    } else {
      await this.createTable(connection);
      afterCommit(this.engine, () => {
        if (this.engine.generation === generation) this.readyGeneration = generation;
      });
    }
    for (const related of relatedStates(this) as unknown as ModelState[]) {
      if (visited.has(related) || related.readyGeneration === generation) continue;
      await related.readyInTransaction(connection, visited).catch(() => undefined);
    }
    return connection;
  }

  /** Prepared statements belong to one opening of the engine: drop them once per opening. */
  resetStatements(generation: number): void {
    if (this.statementsGeneration === generation) return;
    this.statementsGeneration = generation;
    this.statements.reset();
    this.countStatements.reset();
    this.filterStatements.reset();
  }

  /**
   * Creates the table, its indexes and foreign keys if missing, after the tables it references
   * (`SchemaError` on failure).
   */
  async createTable(session: Session): Promise<void> {
    try {
      await createModelTable(this, this.d, session);
    } catch (error) {
      if (error instanceof RegistryError) throw error;
      throw new SchemaError(`cannot create table "${this.tableName}": ${messageOf(error)}`, { cause: error });
    }
  }
}

/**
 * A field as a column of the table: key, nullability, autoincrement, unique index, default.
 */
export function columnSpec(
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
