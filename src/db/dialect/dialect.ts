/**
 * The one seam between the model manager and a database. The manager never asks
 * "which database is this?": it asks its `Dialect` for SQL text, value codecs,
 * catalog queries, a driver and error classification.
 *
 * A dialect is a folder (`sqlite/`, `postgres/`, `mysql/`) of short files:
 * `<name>-dialect.ts` (this interface), `<name>-driver.ts` (the connection/pool
 * binding, declaring only the part of the driver package it calls) and
 * `<name>-errors.ts` (classification by SQLSTATE / errno, never by message text).
 *
 * Contract notes:
 * - Parameters are always bound; identifiers are quoted by `quote()` and come only from models.
 * - `param(i)` is 1-based (`?` for SQLite/MySQL, `$1` for PostgreSQL).
 * - Values cross the seam through `encode`/`decode`, keyed by `ColumnKind`.
 */
export type ColumnKind =
  | "integer"
  | "float"
  | "boolean"
  | "string"
  | "date"
  | "bigint"
  | "enum"
  | "uuid"
  | "json";

/** A column as the model defines it (from the Zod schema, see `zod-to-columns.ts`). */
export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
  readonly primaryKey: boolean;
  /** Database-managed integer key (AUTOINCREMENT / IDENTITY / AUTO_INCREMENT). */
  readonly autoincrement: boolean;
  readonly unique: boolean;
  /**
   * Used in a unique index, a foreign key or a relationship key (MySQL needs a bounded VARCHAR
   * then); a plain index alone leaves it unbounded (MySQL indexes a prefix, see `IndexSpec`).
   */
  readonly indexed: boolean;
  readonly enumValues?: readonly string[];
  /**
   * The schema's default (additive, optional): dialects may render it as `DEFAULT <literal>` in
   * `addColumn`, so a NOT NULL column can be added to a table that already has rows.
   */
  readonly defaultValue?: string | number | boolean | bigint | null;
}

/** An index of a table (beside its `uniqueFields` constraints). */
export interface IndexSpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
  /**
   * MariaDB/MySQL: the columns indexed by their first N characters (`(col(255))`), for a non-unique
   * index on an unbounded `LONGTEXT` string. Absent: every column is indexed whole.
   */
  readonly prefixes?: { readonly [column: string]: number };
}

/** A foreign key constraint of a table. */
export interface ForeignKeySpec {
  readonly name: string;
  readonly columns: readonly string[];
  readonly references: { readonly table: string; readonly columns: readonly string[] };
  readonly onDelete: "cascade" | "restrict" | "setNull" | "noAction";
}

/** A table as the model defines it. */
export interface TableSpec {
  readonly name: string;
  readonly columns: readonly ColumnSpec[];
  readonly keyField: string;
  readonly uniqueFields: readonly string[];
  /** Optional (additive): indexes `createTable` creates too (idempotently). */
  readonly indexes?: readonly IndexSpec[];
  /** Optional (additive): foreign keys `createTable` declares with the table. */
  readonly foreignKeys?: readonly ForeignKeySpec[];
  /**
   * Optional (additive): columns get `DEFAULT <literal>` from their schema's default in `createTable`
   * (as `addColumn` always does), so a table created by registers matches one migrated to it.
   */
  readonly columnDefaults?: boolean;
}

export type Row = Record<string, unknown>;

/** What running a write statement reports. */
export interface RunResult {
  /** Rows changed (matched rows for UPDATE where the driver reports them). */
  readonly changes: number;
  /** Generated key of the last insert, where the driver reports one (SQLite, MySQL). */
  readonly lastInsertId?: number | bigint;
  /** Rows of a `RETURNING` clause, where the dialect supports it. */
  readonly rows?: Row[];
}

/**
 * A reusable statement for one SQL text. Drivers cache them by SQL text, so the
 * manager builds each statement shape once and runs it many times.
 * Results may be synchronous (SQLite fast path) or a Promise: callers `await` either way.
 */
export interface Statement {
  all(params: readonly unknown[]): Row[] | Promise<Row[]>;
  run(params: readonly unknown[]): RunResult | Promise<RunResult>;
  /**
   * Optional (additive) single-row read: the first row or `undefined`. Drivers with a cheaper
   * one-row path implement it (better-sqlite3 `get`); the manager falls back to `all()` otherwise.
   */
  get?(params: readonly unknown[]): Row | undefined | Promise<Row | undefined>;
}

/**
 * Optional hints for `prepare` (additive). Drivers that do not need a hint ignore it.
 *
 * @example
 * ```ts
 * session.prepare('SELECT "n" FROM "t"', { bigints: true }); // SQLite: read integers as bigint
 * ```
 */
export interface StatementHints {
  /**
   * The statement reads `bigint` columns: integers must come back without losing precision
   * (SQLite: `safeIntegers(true)`, so every integer is a `bigint` and `decode("integer")` narrows it).
   */
  readonly bigints?: boolean;
}

/** Something that runs statements: the pool (autocommit) or one dedicated connection. */
export interface Session {
  /**
   * Returns the cached statement for this SQL text (prepares it on first use).
   * `hints` are part of the cache key where a driver honours them.
   */
  prepare(sql: string, hints?: StatementHints): Statement;
  /** Runs SQL without parameters or results (DDL, SAVEPOINT, ...). */
  exec(sql: string): Promise<void>;
}

/** One dedicated connection, held for a transaction. */
export interface Connection extends Session {
  /** Returns the connection to the pool; `broken` destroys it instead. Always called, also on errors. */
  release(broken?: boolean): void;
  /**
   * Set when a failed statement aborted the open transaction (PostgreSQL: every later statement fails
   * and COMMIT rolls back); cleared by `ROLLBACK TO SAVEPOINT`. Databases that only undo the failed
   * statement (SQLite, MariaDB/MySQL) never set it.
   */
  readonly abortedBy?: unknown;
}

/** A connection pool (or SQLite's single serialized connection) for one URL. */
export interface Driver extends Session {
  /** Takes one connection for exclusive use (transactions). SQLite: waits for the single connection. */
  acquire(): Promise<Connection>;
  /** Closes every connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * One upsert statement: `columns` are inserted in order with params 1..n (row `r` of `rows` takes
 * params `r * columns.length + 1 ...`); on a conflict on `conflict`, `update` is set from the new
 * row. Conflict values are distinct within a statement.
 */
export interface UpsertSpec {
  readonly table: string;
  readonly columns: readonly string[];
  readonly conflict: readonly string[];
  readonly update: readonly string[];
  /** Columns to return (may be empty; dialects without `RETURNING` ignore it). */
  readonly returning: readonly string[];
  /**
   * The database-managed key column: dialects without `RETURNING` (MySQL) use it so `lastInsertId`
   * reports the key of an UPDATED row too (`ON DUPLICATE KEY UPDATE key = LAST_INSERT_ID(key)`).
   */
  readonly generatedKey?: string;
  /** Rows inserted by the statement (default 1). */
  readonly rows?: number;
}

/** Everything the manager needs from a database. */
export interface Dialect {
  /** For messages and the capability table only; never branched on by the manager. */
  readonly name: "sqlite" | "postgres" | "mysql";
  /** Most bound parameters one statement may carry. */
  readonly maxParameters: number;
  /**
   * `INSERT ... RETURNING` is available (SQLite >= 3.35, PostgreSQL); else `lastInsertId` is used,
   * which for a multi-row INSERT reports the FIRST row's generated key (MySQL; keys are consecutive).
   */
  readonly supportsReturning: boolean;
  /**
   * Optional (additive): `run()` of a single-row INSERT reports the generated key as `lastInsertId`
   * reliably (SQLite, MySQL). The manager then inserts with `run()` instead of `RETURNING`, which is
   * cheaper there. Absent or `false`: `RETURNING` when supported.
   */
  readonly reportsLastInsertId?: boolean;
  /**
   * Optional (additive): a multi-row INSERT assigns consecutive generated keys, and `run()` reports
   * the `"first"` (MySQL) or the `"last"` (SQLite) of them as `lastInsertId`. The manager then
   * derives every key without `RETURNING`. Absent: `RETURNING` (PostgreSQL).
   */
  readonly bulkInsertId?: "first" | "last";
  /**
   * Optional (additive): the distance between consecutive generated keys on `session` (MariaDB/MySQL
   * `@@auto_increment_increment`: 1 by default, the cluster size on Galera). Absent: 1.
   */
  insertIdStep?(session: Session): Promise<number>;
  /**
   * Optional (additive): the suffix of a `SELECT` that locks the rows it reads until the transaction
   * ends (`" FOR UPDATE"`). Absent: no row locks are needed (SQLite serializes transactions).
   */
  readonly rowLock?: string;

  /** Opens the driver (pool) for this dialect's parsed URL. Throws `ConnectionError` / `ConfigurationError`. */
  createDriver(): Promise<Driver>;

  // --- SQL text ---
  quote(identifier: string): string;
  param(index: number): string;
  /** Column type text for CREATE TABLE / ALTER TABLE ADD COLUMN. */
  columnType(column: ColumnSpec): string;
  /** Statements that create the table and its unique constraints / indexes, idempotently. */
  createTable(table: TableSpec): string[];
  dropTable(table: string): string;
  truncate(table: string): string;
  addColumn(table: string, column: ColumnSpec): string;
  /** `INSERT ... ON CONFLICT (conflict) DO UPDATE SET update...` or the dialect's equivalent. */
  upsert(spec: UpsertSpec): string;
  /** `LIMIT/OFFSET` tail; `null` means absent. Values are bound as parameters starting at `nextParam`. */
  limitOffset(
    limit: number | null,
    offset: number | null,
    nextParam: number,
  ): { sql: string; params: unknown[] };
  /** Case-insensitive LIKE of `column` against bound `param`, with `\` as the escape character. */
  ilike(column: string, param: string): string;
  /** Case-sensitive LIKE with `\` as the escape character. */
  like(column: string, param: string): string;
  /** BEGIN statement text (SQLite uses BEGIN IMMEDIATE). */
  begin(): string;
  /**
   * Optional (additive): the statements that open a transaction at `isolation`, run in order on the
   * transaction's connection (PostgreSQL `BEGIN ISOLATION LEVEL ...`; MariaDB/MySQL
   * `SET TRANSACTION ISOLATION LEVEL ...` then `START TRANSACTION`). Absent: `begin()` already runs
   * every transaction serializably (SQLite), which satisfies every level.
   */
  beginWith?(isolation: IsolationLevel): readonly string[];
  /**
   * `column IN (...)` (`negate`: `NOT IN`) against ONE bound parameter `param` holding the whole
   * list (`encodeList`), so neither the SQL text nor the parameter count depends on the list's length
   * (PostgreSQL `= ANY($1::bigint[])`, SQLite `json_each(?)`, MySQL `JSON_TABLE(?, ...)`). The list is
   * never empty and holds no NULL; a NULL column matches neither `IN` nor `NOT IN`.
   */
  inList(column: string, kind: ColumnKind, param: string, negate: boolean): string;
  /** The parameter of `inList` for these validated field values (not yet `encode`d), all of `kind`. */
  encodeList(kind: ColumnKind, values: readonly unknown[]): unknown;

  // --- values ---
  encode(kind: ColumnKind, value: unknown): unknown;
  decode(kind: ColumnKind, value: unknown): unknown;

  // --- catalog ---
  tableExists(session: Session, table: string): Promise<boolean>;
  columnNames(session: Session, table: string): Promise<string[]>;

  // --- errors ---
  /**
   * Classifies a driver error by its code (SQLSTATE / errno / SQLite extended code), never by message text.
   * Returns the kind; the manager builds the typed `RegistryError` with the driver error as `cause`.
   */
  classifyError(error: unknown): DriverErrorKind;
}

/**
 * The isolation levels `transaction(fn, { isolation })` accepts (SQL standard names, lower case).
 *
 * @example
 * ```ts
 * const level: IsolationLevel = "serializable";
 * await Account.objects.transaction(() => transfer(), { isolation: level });
 * ```
 */
export type IsolationLevel = "serializable" | "repeatable read" | "read committed";

export type DriverErrorKind =
  | {
      kind: "unique";
      constraint?: string;
      columns?: string[];
      /** The primary key collided (additive: set where the database names the key, e.g. MySQL `PRIMARY`). */
      primaryKey?: boolean;
    }
  | {
      kind: "foreign-key";
      /** The violated constraint's name, where the database reports it (PostgreSQL, MySQL). */
      constraint?: string;
    }
  | { kind: "not-null"; column?: string }
  | { kind: "connection" }
  | { kind: "timeout" }
  | { kind: "missing-table" }
  /** A conflict with a concurrent transaction (serialization failure, deadlock, Galera certification): retryable. */
  | { kind: "serialization" }
  | { kind: "other" };
