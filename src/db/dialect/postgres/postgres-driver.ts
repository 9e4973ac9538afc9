/**
 * A `pg` pool behind the `Driver` seam: named prepared statements, dedicated connections for
 * transactions that track PostgreSQL's aborted-transaction state, connection failures as typed
 * errors. It may import the dialect types and errors.
 */
import { TransactionAbortedError } from "../../errors.js";
import type { Connection, Driver, Row, RunResult, Statement } from "../dialect.js";
import { sqlState } from "./postgres-errors.js";

/** The part of the `pg` package this driver calls (so `pg` stays an optional peer). */
export interface PgModule {
  Pool: new (config: PgPoolConfig) => PgPool;
  types: PgTypeParsers;
}

/** `pg` type parsers: the driver passes its own to the pool, never changing `pg`'s global ones. */
export interface PgTypeParsers {
  getTypeParser(oid: number, format?: string): (text: string) => unknown;
}

/** The `pg.Pool` options this driver sets. */
export interface PgPoolConfig {
  host: string;
  port: number;
  user?: string;
  password?: string;
  database?: string;
  max: number;
  connectionTimeoutMillis: number;
  statement_timeout?: number;
  options?: string;
  application_name: string;
  ssl?: object;
  types: PgTypeParsers;
}

interface PgResult {
  rows: Row[];
  rowCount: number | null;
  /** The command tag: `ROLLBACK` answers a `COMMIT` of an aborted transaction. */
  command?: string;
}

interface PgClient {
  query(config: { name?: string; text: string; values?: unknown[] } | string): Promise<PgResult>;
  release(destroy?: boolean): void;
  on(event: "error" | "end", listener: (error?: Error) => void): unknown;
}

interface PgPool {
  /** Clients open (busy or idle) and idle: public `pg-pool` counters. */
  readonly totalCount: number;
  readonly idleCount: number;
  connect(): Promise<PgClient>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
}

/** How the dialect turns driver errors into what callers see (typed connection errors, no password). */
export interface PgErrorHandling {
  /** Error from a query: returned (scrubbed), or replaced by `ConnectionError` when it is a connection failure. */
  query(error: unknown): unknown;
  /** Error while taking a connection: always a `ConnectionError`; `poolBusy` when every pooled client stayed in use. */
  connect(error: unknown, poolBusy?: boolean): unknown;
  /** True when the error means the connection can no longer be used. */
  isConnectionFailure(error: unknown): boolean;
}

/**
 * A `pg.Pool` behind the `Driver` seam. Statements are named prepared statements (`registers_<n>`,
 * one name per SQL text for the life of the pool), prepared once per pooled connection by `pg`.
 *
 * @example
 * ```ts
 * const driver = await createPostgresDialect("postgres://localhost/app").createDriver();
 * const rows = await driver.prepare('SELECT * FROM "users" WHERE "id" = $1').all([1]);
 * await driver.close();
 * ```
 */
export class PostgresDriver implements Driver {
  readonly #pool: PgPool;
  readonly #errors: PgErrorHandling;
  readonly #max: number;
  readonly #names = new Map<string, string>();
  readonly #statements = new Map<string, Statement>();
  readonly #watched = new WeakSet<PgClient>();
  readonly #dead = new WeakSet<PgClient>();
  #counter = 0;
  #closing: Promise<void> | undefined;

  constructor(pool: PgPool, errors: PgErrorHandling, max: number) {
    this.#pool = pool;
    this.#errors = errors;
    this.#max = max;
    // An idle client whose server went away: pg removes it; without a listener the process would crash.
    pool.on("error", () => {});
  }

  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = {
        all: async (params) => (await this.#autocommit(sql, params)).rows,
        run: async (params) => toRunResult(await this.#autocommit(sql, params)),
      };
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async exec(sql: string): Promise<void> {
    const client = await this.#connect();
    let broken = false;
    try {
      await client.query(sql);
    } catch (error) {
      broken = this.#isBroken(client, error);
      throw this.fail(error, broken);
    } finally {
      client.release(broken);
    }
  }

  async acquire(): Promise<Connection> {
    return new PostgresConnection(this, await this.#connect());
  }

  close(): Promise<void> {
    this.#closing ??= this.#pool.end();
    return this.#closing;
  }

  /** @internal Runs `sql` as a named prepared statement on `client`; retries a stale plan once in autocommit. */
  async query(client: PgClient, sql: string, params: readonly unknown[], retry: boolean): Promise<PgResult> {
    const name = this.#nameOf(sql);
    try {
      return await client.query({ name, text: sql, values: params as unknown[] });
    } catch (error) {
      // 0A000 "cached plan must not change result type": the table changed under a prepared statement.
      // A fresh name makes every connection prepare it again.
      if (sqlState(error) !== "0A000" || this.#names.get(sql) !== name) throw error;
      this.#names.set(sql, `registers_${++this.#counter}`);
      if (!retry) throw error;
      return await client.query({ name: this.#nameOf(sql), text: sql, values: params as unknown[] });
    }
  }

  /** @internal */
  isBroken(client: PgClient, error: unknown): boolean {
    return this.#isBroken(client, error);
  }

  /** @internal The error callers see: a `ConnectionError` when the client died, else the scrubbed error. */
  fail(error: unknown, broken: boolean): unknown {
    return broken ? this.#errors.connect(error) : this.#errors.query(error);
  }

  async #autocommit(sql: string, params: readonly unknown[]): Promise<PgResult> {
    for (let attempt = 1; ; attempt++) {
      const client = await this.#connect();
      let broken = false;
      try {
        return await this.query(client, sql, params, true);
      } catch (error) {
        broken = this.#isBroken(client, error);
        // 40P01 deadlock: the single statement was rolled back whole, so it may simply run again.
        if (attempt < 3 && sqlState(error) === "40P01") continue;
        throw this.fail(error, broken);
      } finally {
        client.release(broken);
      }
    }
  }

  async #connect(): Promise<PgClient> {
    let client: PgClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      const busy = this.#pool.totalCount >= this.#max && this.#pool.idleCount === 0;
      throw this.#errors.connect(error, busy);
    }
    if (!this.#watched.has(client)) {
      this.#watched.add(client);
      // A checked-out client whose link dies emits "error"; unhandled, that would crash the process.
      client.on("error", () => this.#dead.add(client));
      client.on("end", () => this.#dead.add(client));
    }
    return client;
  }

  #isBroken(client: PgClient, error: unknown): boolean {
    return this.#dead.has(client) || this.#errors.isConnectionFailure(error);
  }

  #nameOf(sql: string): string {
    let name = this.#names.get(sql);
    if (name === undefined) {
      name = `registers_${++this.#counter}`;
      this.#names.set(sql, name);
    }
    return name;
  }
}

/**
 * One pooled client held for a transaction. PostgreSQL aborts a transaction on any failed statement:
 * the connection remembers that error (`abortedBy`) and refuses further statements with a typed
 * `TransactionAbortedError` instead of sending them, until `ROLLBACK TO SAVEPOINT` or `ROLLBACK`.
 */
class PostgresConnection implements Connection {
  readonly #driver: PostgresDriver;
  readonly #client: PgClient;
  readonly #statements = new Map<string, Statement>();
  #released = false;
  #broken = false;
  abortedBy: unknown = undefined;
  /** Between BEGIN and COMMIT/ROLLBACK: only there does a failed statement abort anything. */
  #inTransaction = false;

  constructor(driver: PostgresDriver, client: PgClient) {
    this.#driver = driver;
    this.#client = client;
  }

  prepare(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = {
        all: async (params) => (await this.#query(sql, params)).rows,
        run: async (params) => toRunResult(await this.#query(sql, params)),
      };
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  async exec(sql: string): Promise<void> {
    const undoing = /^ROLLBACK\b/i.test(sql);
    if (!undoing) this.#refuseIfAborted();
    let result: PgResult;
    try {
      result = await this.#client.query(sql);
    } catch (error) {
      throw this.#fail(error);
    }
    if (/^(BEGIN|START)\b/i.test(sql)) this.#inTransaction = true;
    else if (/^(COMMIT|ROLLBACK)\s*$/i.test(sql)) this.#inTransaction = false;
    if (undoing) this.abortedBy = undefined;
    else if (/^COMMIT\b/i.test(sql) && result.command === "ROLLBACK") {
      throw new TransactionAbortedError(
        "PostgreSQL answered COMMIT with ROLLBACK: nothing of the transaction was kept",
      );
    }
  }

  release(broken = false): void {
    if (this.#released) return;
    this.#released = true;
    this.#client.release(broken || this.#broken);
  }

  async #query(sql: string, params: readonly unknown[]): Promise<PgResult> {
    if (this.#released) throw new Error("registers: this connection was already returned to the pool");
    this.#refuseIfAborted();
    try {
      return await this.#driver.query(this.#client, sql, params, false);
    } catch (error) {
      throw this.#fail(error);
    }
  }

  #refuseIfAborted(): void {
    const cause = this.abortedBy;
    if (cause === undefined) return;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new TransactionAbortedError(
      `this transaction is aborted: an earlier statement in it failed (${reason}), and PostgreSQL refuses every ` +
        "statement after that until the transaction ends. Let the error end transaction(), or wrap the call " +
        "that may fail in a nested transaction() (a savepoint) so only that call is rolled back",
      { cause },
    );
  }

  #fail(error: unknown): unknown {
    if (this.#driver.isBroken(this.#client, error)) this.#broken = true;
    const failure = this.#driver.fail(error, this.#broken);
    if (this.#inTransaction) this.abortedBy ??= failure;
    return failure;
  }
}

function toRunResult(result: PgResult): RunResult {
  return { changes: result.rowCount ?? 0, rows: result.rows };
}
