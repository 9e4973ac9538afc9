/**
 * `database(urlOrModel)`: the engine-level handle of one database for raw SQL without a model:
 * `query`...`` (plain rows), `execute`...`` (statements returning nothing), `transaction()` and
 * `onQuery()`. Statements run on the ambient transaction's connection when there is one and are
 * reported to `onQuery` listeners; driver failures become typed errors. It may import the engine,
 * transaction, query-log, raw-sql, model-base and errors.
 */
import type { Dialect, Row, Session } from "./dialect/dialect.js";
import { type Engine, engineFor } from "./engine.js";
import {
  ConnectionError,
  DatabaseError,
  ForeignKeyError,
  RegistryError,
  SchemaError,
  StatementTimeoutError,
  UniqueConstraintError,
  ValidationError,
} from "./errors.js";
import { managerOfClass } from "./model-base.js";
import { type QueryListener, subscribeQueries } from "./query-log.js";
import { compileSql, type SqlFragment, type SqlValue, toFragment } from "./raw-sql.js";
import { runTransaction, transactionConnection } from "./transaction.js";

/**
 * What `execute` reports: the rows the statement changed, as the database counts them (MariaDB
 * counts rows an UPDATE matched but left unchanged as unchanged).
 *
 * @example
 * ```ts
 * const { changes }: ExecuteResult = await database("app.db").execute`DELETE FROM ${sql.id("sessions")}`;
 * ```
 */
export interface ExecuteResult {
  readonly changes: number;
}

/**
 * One database, for raw SQL: every interpolated value is a bound parameter, identifiers come only
 * from `sql.id()`. A plain string instead of a template is an `InvalidQueryError`.
 *
 * @example
 * ```ts
 * const db = database("app.db");
 * const rows = await db.query`SELECT COUNT(*) AS n FROM ${sql.id("users")} WHERE age > ${18}`;
 * await db.execute`UPDATE ${sql.id("users")} SET active = ${false} WHERE age < ${13}`;
 * ```
 */
export interface Database {
  /** The URL of the database, as given (or as the model was registered with). */
  readonly url: string;
  /**
   * Runs a statement that returns rows (SELECT, `... RETURNING`) and returns them as plain objects,
   * not validated (values as the driver returns them). A statement that returns nothing gives `[]`.
   *
   * @example
   * ```ts
   * const rows = await db.query<{ role: string; n: number }>`SELECT role, COUNT(*) AS n FROM users GROUP BY role`;
   * ```
   */
  query<R extends object = Row>(strings: TemplateStringsArray, ...values: SqlValue[]): Promise<R[]>;
  query<R extends object = Row>(fragment: SqlFragment): Promise<R[]>;
  /**
   * Runs a statement that returns nothing (INSERT, UPDATE, DELETE, DDL) and reports `changes`.
   *
   * @example
   * ```ts
   * const { changes } = await db.execute`DELETE FROM ${sql.id("sessions")} WHERE expires < ${new Date()}`;
   * ```
   */
  execute(strings: TemplateStringsArray, ...values: SqlValue[]): Promise<ExecuteResult>;
  execute(fragment: SqlFragment): Promise<ExecuteResult>;
  /**
   * Runs `fn` in a transaction on this database (the same one `Model.objects.transaction` opens:
   * every model on this database and every raw statement inside `fn` joins it).
   *
   * @example
   * ```ts
   * await db.transaction(async () => {
   *   await db.execute`UPDATE accounts SET balance = balance - ${10} WHERE id = ${1}`;
   *   await db.execute`UPDATE accounts SET balance = balance + ${10} WHERE id = ${2}`;
   * });
   * ```
   */
  transaction<R>(fn: () => Promise<R> | R): Promise<R>;
  /**
   * Subscribes to every statement run on this database (see `Model.objects.onQuery`).
   *
   * @example
   * ```ts
   * const stop = db.onQuery(({ sql }) => console.log(sql));
   * ```
   */
  onQuery(listener: QueryListener): () => void;
}

/**
 * The raw-SQL handle of a database: by URL (the engine models on that URL share), or by a registered
 * model class (its database).
 *
 * @example
 * ```ts
 * const db = database(User); // or database("app.db")
 * const [row] = await db.query`SELECT MAX(${sql.id("age")}) AS oldest FROM ${sql.id("users")}`;
 * ```
 */
export function database(source: string | (abstract new (...args: never[]) => object)): Database {
  const engine =
    typeof source === "string"
      ? engineFor(source)
      : (managerOfClass(source) as unknown as { engine: Engine }).engine;
  return {
    url: engine.url,
    query(strings: unknown, ...values: unknown[]) {
      return run(engine, () => toFragment(strings, values, "db.query`...`"), true) as Promise<never[]>;
    },
    execute(strings: unknown, ...values: unknown[]) {
      return run(
        engine,
        () => toFragment(strings, values, "db.execute`...`"),
        false,
      ) as Promise<ExecuteResult>;
    },
    transaction: (fn) => runTransaction(engine, fn, (error) => rawError(engine.dialect, error)),
    onQuery: (listener) => subscribeQueries(engine, listener),
  } as Database;
}

/** The session raw statements run on: the ambient transaction's connection, else the driver (tables of registered models created first). */
async function sessionOf(engine: Engine): Promise<Session> {
  const connection = transactionConnection(engine);
  if (connection !== undefined) return connection;
  const driver = await engine.open();
  await engine.prepareSchemas(driver);
  return engine.driver ?? driver;
}

async function run(
  engine: Engine,
  statement: () => SqlFragment,
  rows: boolean,
): Promise<Row[] | ExecuteResult> {
  let dialect: Dialect | null = null;
  try {
    const fragment = statement();
    dialect = await engine.resolveDialect();
    const { text, params } = compileSql(fragment, dialect); // validated before any SQL runs
    const session = await sessionOf(engine);
    const prepared = session.prepare(text);
    if (!rows) return { changes: (await prepared.run(params)).changes };
    try {
      return await prepared.all(params);
    } catch (error) {
      // better-sqlite3 refuses all() on a statement that returns no data (before running it): run it
      // and answer [] as PostgreSQL and MariaDB do.
      if (!(error instanceof TypeError)) throw error;
      await prepared.run(params);
      return [];
    }
  } catch (error) {
    throw rawError(dialect, error);
  }
}

/** A failure of a raw statement as a typed error (registers' own errors pass through). */
function rawError(dialect: Dialect | null, error: unknown): RegistryError {
  if (error instanceof RegistryError) return error;
  const kind = dialect === null ? { kind: "other" as const } : dialect.classifyError(error);
  const message = error instanceof Error ? error.message : String(error);
  switch (kind.kind) {
    case "unique": {
      const fields = kind.columns ?? [];
      return new UniqueConstraintError(
        `a raw statement broke a unique constraint${fields.length > 0 ? ` on ${fields.join(", ")}` : ""}: ${message}`,
        "",
        fields,
        { cause: error },
      );
    }
    case "foreign-key":
      return new ForeignKeyError(`a raw statement broke a foreign key: ${message}`, "", { cause: error });
    case "not-null":
      return new ValidationError(
        `a raw statement wrote NULL into ${kind.column ?? "a NOT NULL column"}`,
        [{ path: kind.column ? [kind.column] : [], message: "cannot be null", code: "invalid_type" }],
        { cause: error },
      );
    case "connection":
      return new ConnectionError(`lost the database connection: ${message}`, { cause: error });
    case "timeout":
      return new StatementTimeoutError("a raw statement timed out or the database was busy", {
        cause: error,
      });
    case "missing-table":
      return new SchemaError(`a raw statement names a table that does not exist: ${message}`, {
        cause: error,
      });
    default:
      return new DatabaseError(`raw statement failed: ${message}`, { cause: error });
  }
}
