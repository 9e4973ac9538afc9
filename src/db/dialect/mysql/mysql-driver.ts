/**
 * A `mysql2` pool behind the `Driver` seam: prepared statements with `execute`, dedicated
 * connections for transactions, connection failures as typed errors. It imports the dialect types
 * only.
 */
import type { Connection, Driver, Row, RunResult, Statement } from "../dialect.js";

/** The part of `mysql2/promise` this driver calls (so `mysql2` stays an optional peer). */
export interface MysqlModule {
  createPool(config: MysqlPoolConfig): MysqlPool;
}

/** The `mysql2` pool options this driver sets. */
export interface MysqlPoolConfig {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  connectionLimit: number;
  connectTimeout: number;
  ssl?: object;
  supportBigNumbers: true;
  bigNumberStrings: false;
  dateStrings: true;
  jsonStrings: true;
  timezone: "Z";
  enableKeepAlive: true;
}

interface ResultHeader {
  affectedRows: number;
  insertId: number | string;
}

type MysqlResult = [Row[] | ResultHeader, unknown];

interface MysqlRunner {
  execute(sql: string, values: readonly unknown[]): Promise<MysqlResult>;
  query(sql: string): Promise<MysqlResult>;
}

interface MysqlPoolConnection extends MysqlRunner {
  release(): void;
  destroy(): void;
}

/** The callback-style connection `mysql2` hands to the pool's `connection` event. */
export interface MysqlRawConnection {
  query(sql: string, callback: (error: Error | null) => void): unknown;
}

/** A `mysql2/promise` pool. */
export interface MysqlPool extends MysqlRunner {
  getConnection(): Promise<MysqlPoolConnection>;
  end(): Promise<void>;
  on(event: "connection", listener: (connection: MysqlRawConnection) => void): unknown;
}

/** How the dialect turns driver errors into what callers see (typed connection errors, no password). */
export interface MysqlErrorHandling {
  query(error: unknown): unknown;
  connect(error: unknown): unknown;
  isConnectionFailure(error: unknown): boolean;
}

/**
 * A `mysql2` pool behind the `Driver` seam. Statements run through `execute`, which prepares each
 * SQL text once per pooled connection (mysql2 caches the handles per connection).
 *
 * @example
 * ```ts
 * const driver = await createMysqlDialect("mysql://root@localhost/app").createDriver();
 * const rows = await driver.prepare("SELECT * FROM `users` WHERE `id` = ?").all([1]);
 * await driver.close();
 * ```
 */
export class MysqlDriver implements Driver {
  readonly #pool: MysqlPool;
  readonly #errors: MysqlErrorHandling;
  readonly #statements = new Map<string, Statement>();
  #closing: Promise<void> | undefined;

  constructor(pool: MysqlPool, errors: MysqlErrorHandling) {
    this.#pool = pool;
    this.#errors = errors;
  }

  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = statementOn(this.#pool, sql, (error) => this.#fail(error), true);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.#pool.query(sql);
    } catch (error) {
      throw this.#fail(error);
    }
  }

  async acquire(): Promise<Connection> {
    try {
      return new MysqlConnection(await this.#pool.getConnection(), this.#errors);
    } catch (error) {
      throw this.#errors.connect(error);
    }
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }

  #fail(error: unknown): unknown {
    // mysql2 drops connections that failed fatally from the pool by itself.
    return this.#errors.isConnectionFailure(error) ? this.#errors.connect(error) : this.#errors.query(error);
  }
}

class MysqlConnection implements Connection {
  readonly #connection: MysqlPoolConnection;
  readonly #errors: MysqlErrorHandling;
  readonly #statements = new Map<string, Statement>();
  #released = false;
  #broken = false;

  constructor(connection: MysqlPoolConnection, errors: MysqlErrorHandling) {
    this.#connection = connection;
    this.#errors = errors;
  }

  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = statementOn(this.#connection, sql, (error) => this.#fail(error), false);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async exec(sql: string): Promise<void> {
    try {
      await this.#connection.query(sql);
    } catch (error) {
      throw this.#fail(error);
    }
  }

  release(broken = false): void {
    if (this.#released) return;
    this.#released = true;
    if (broken || this.#broken) this.#connection.destroy();
    else this.#connection.release();
  }

  #fail(error: unknown): unknown {
    if (!this.#errors.isConnectionFailure(error)) return this.#errors.query(error);
    this.#broken = true;
    return this.#errors.connect(error);
  }
}

/** InnoDB deadlock: the statement was rolled back whole, so an autocommit statement may simply run again. */
const DEADLOCK = 1213;
const ATTEMPTS = 3;

/** `retry`: only for autocommit (pool) statements; inside a transaction the whole transaction is gone. */
function statementOn(
  runner: MysqlRunner,
  sql: string,
  fail: (error: unknown) => unknown,
  retry: boolean,
): Statement {
  const execute = async (params: readonly unknown[]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return (await runner.execute(sql, params))[0];
      } catch (error) {
        if (retry && attempt < ATTEMPTS && (error as { errno?: unknown }).errno === DEADLOCK) continue;
        throw fail(error);
      }
    }
  };
  return {
    all: async (params) => {
      const rows = await execute(params);
      return Array.isArray(rows) ? rows : [];
    },
    run: async (params) => toRunResult(await execute(params)),
  };
}

function toRunResult(result: Row[] | ResultHeader): RunResult {
  if (Array.isArray(result)) return { changes: 0, rows: result };
  const id = result.insertId;
  const lastInsertId = typeof id === "string" ? BigInt(id) : id;
  return lastInsertId ? { changes: result.affectedRows, lastInsertId } : { changes: result.affectedRows };
}
