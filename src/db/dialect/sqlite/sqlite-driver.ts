/**
 * SQLite's single connection behind the `Driver` seam, serialized: synchronous statements on the
 * fast path, a FIFO queue while a transaction holds the connection. It may import the dialect types
 * and errors.
 */
import { RegistryError } from "../../errors.js";
import type { Connection, Driver, Row, RunResult, Statement, StatementHints } from "../dialect.js";
import type { SqliteDatabase, SqliteDriverName, SqliteStatement } from "./sqlite-types.js";

export type { SqliteDatabase, SqliteStatement } from "./sqlite-types.js";

type Waiter = () => void;

/**
 * SQLite's single connection, serialized. While a transaction holds the connection (`acquire()`),
 * statements run through the driver itself (autocommit, from outside the transaction) wait in FIFO
 * order until it is released, so they never run inside the open transaction nor see its rows.
 * When nobody holds it, statements run synchronously and return plain values (the fast path).
 *
 * @example
 * ```ts
 * const driver = new SqliteDriver(new Database(":memory:"));
 * driver.prepare("SELECT 1 AS one").all([]); // [{ one: 1 }] (synchronously)
 * ```
 */
export class SqliteDriver implements Driver {
  readonly db: SqliteDatabase;
  /** The binding under `db`: `"better-sqlite3"` or `"node"` (node:sqlite). */
  readonly binding: SqliteDriverName;
  /** The connection handed out by `acquire()`, or `null` when free. */
  holder: SqliteConnection | null = null;
  readonly #waiters: Waiter[] = [];
  readonly #statements = new Map<string, SqliteDriverStatement>();
  readonly #native = new Map<string, SqliteStatement>();

  constructor(db: SqliteDatabase, binding: SqliteDriverName = "better-sqlite3") {
    this.db = db;
    this.binding = binding;
  }

  /** The native prepared statement for this SQL text and hints, prepared once. */
  native(sql: string, hints?: StatementHints): SqliteStatement {
    const key = hints?.bigints ? `B${sql}` : sql;
    let statement = this.#native.get(key);
    if (statement === undefined) {
      statement = this.db.prepare(sql);
      if (hints?.bigints) statement.safeIntegers(true);
      this.#native.set(key, statement);
    }
    return statement;
  }

  prepare(sql: string, hints?: StatementHints): Statement {
    const key = hints?.bigints ? `B${sql}` : sql;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = new SqliteDriverStatement(this, this.native(sql, hints), () => this.#arrays(sql, hints));
      this.#statements.set(key, statement);
    }
    return statement;
  }

  /** A second native statement for `sql` answering rows as arrays (better-sqlite3's raw mode), or `null`. */
  #arrays(sql: string, hints?: StatementHints): SqliteStatement | null {
    if (this.binding !== "better-sqlite3") return null;
    const statement = this.db.prepare(sql) as SqliteStatement & { raw?: (toggle: boolean) => unknown };
    if (typeof statement.raw !== "function") return null;
    statement.raw(true);
    if (hints?.bigints) statement.safeIntegers(true);
    return statement;
  }

  exec(sql: string): Promise<void> {
    if (this.holder === null) {
      this.db.exec(sql);
      return Promise.resolve();
    }
    return this.turn(() => {
      this.db.exec(sql);
    });
  }

  /** Runs `work` once the connection is free (FIFO), for a statement issued outside the holder. */
  turn<R>(work: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#waiters.push(() => {
        try {
          resolve(work());
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  acquire(): Promise<Connection> {
    if (!this.db.open) return Promise.reject(new RegistryError("the SQLite database is closed"));
    if (this.holder === null && this.#waiters.length === 0) {
      this.holder = new SqliteConnection(this);
      return Promise.resolve(this.holder);
    }
    return new Promise<Connection>((resolve) => {
      this.#waiters.push(() => {
        this.holder = new SqliteConnection(this);
        resolve(this.holder);
      });
    });
  }

  /** Called by the holding connection: wakes waiters in order until one takes the connection. */
  releaseHold(): void {
    this.holder = null;
    while (this.holder === null) {
      const next = this.#waiters.shift();
      if (next === undefined) return;
      next();
    }
  }

  async close(): Promise<void> {
    this.#statements.clear();
    this.#native.clear();
    if (this.db.open) this.db.close();
  }
}

/** A statement issued outside any transaction: synchronous unless a transaction holds the connection. */
class SqliteDriverStatement implements Statement {
  readonly #driver: SqliteDriver;
  readonly #statement: SqliteStatement;
  readonly #prepareArrays: () => SqliteStatement | null;
  #arrays: SqliteStatement | null | undefined = undefined;

  constructor(driver: SqliteDriver, statement: SqliteStatement, prepareArrays: () => SqliteStatement | null) {
    this.#driver = driver;
    this.#statement = statement;
    this.#prepareArrays = prepareArrays;
  }

  /**
   * The first row as an array of column values in SELECT order (no object built per row), or
   * `null` when this binding cannot (node:sqlite) or a transaction holds the connection: then call
   * `get`. Internal to registers' hot reads (`rows.ts`).
   */
  getArray(params: readonly unknown[]): unknown[] | undefined | null {
    if (this.#driver.holder !== null) return null;
    if (this.#arrays === undefined) this.#arrays = this.#prepareArrays();
    if (this.#arrays === null) return null;
    return get(this.#arrays, params) as unknown[] | undefined;
  }

  /** Every row as an array of column values, or `null` (see `getArray`). */
  allArrays(params: readonly unknown[]): unknown[][] | null {
    if (this.#driver.holder !== null) return null;
    if (this.#arrays === undefined) this.#arrays = this.#prepareArrays();
    if (this.#arrays === null) return null;
    return all(this.#arrays, params) as unknown as unknown[][];
  }

  all(params: readonly unknown[]): Row[] | Promise<Row[]> {
    if (this.#driver.holder === null) return all(this.#statement, params);
    return this.#driver.turn(() => all(this.#statement, params));
  }

  run(params: readonly unknown[]): RunResult | Promise<RunResult> {
    if (this.#driver.holder === null) return toRunResult(run(this.#statement, params));
    return this.#driver.turn(() => toRunResult(run(this.#statement, params)));
  }

  get(params: readonly unknown[]): Row | undefined | Promise<Row | undefined> {
    if (this.#driver.holder === null) return get(this.#statement, params);
    return this.#driver.turn(() => get(this.#statement, params));
  }
}

/** Short parameter lists are passed as arguments (better-sqlite3 binds them faster than an array). */
const SPREAD_LIMIT = 16;

function all(statement: SqliteStatement, params: readonly unknown[]): Row[] {
  return (params.length <= SPREAD_LIMIT ? statement.all(...params) : statement.all(params)) as Row[];
}

function get(statement: SqliteStatement, params: readonly unknown[]): Row | undefined {
  return (params.length <= SPREAD_LIMIT ? statement.get(...params) : statement.get(params)) as
    | Row
    | undefined;
}

function run(statement: SqliteStatement, params: readonly unknown[]) {
  return params.length <= SPREAD_LIMIT ? statement.run(...params) : statement.run(params);
}

function toRunResult(result: { changes: number; lastInsertRowid: number | bigint }): RunResult {
  return { changes: result.changes, lastInsertId: result.lastInsertRowid };
}

/** The connection while one transaction holds it: statements run directly, synchronously. */
export class SqliteConnection implements Connection {
  readonly #driver: SqliteDriver;
  #released = false;

  constructor(driver: SqliteDriver) {
    this.#driver = driver;
  }

  #check(): void {
    if (this.#released) {
      throw new RegistryError(
        "this transaction has already finished: await every statement inside the transaction() callback",
      );
    }
  }

  prepare(sql: string, hints?: StatementHints): Statement {
    const statement = this.#driver.native(sql, hints);
    return {
      all: (params) => {
        this.#check();
        return all(statement, params);
      },
      run: (params) => {
        this.#check();
        return toRunResult(run(statement, params));
      },
      get: (params) => {
        this.#check();
        return get(statement, params);
      },
    };
  }

  async exec(sql: string): Promise<void> {
    this.#check();
    this.#driver.db.exec(sql);
  }

  release(_broken?: boolean): void {
    if (this.#released) return;
    this.#released = true;
    this.#driver.releaseHold();
  }
}
