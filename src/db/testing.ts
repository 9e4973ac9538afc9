/**
 * registers/db/testing: helpers for tests of code that uses registers/db. `withRollback(db, fn)`
 * runs `fn` inside a transaction that always rolls back (a per-test fixture), `isolatedDatabase()`
 * gives a fresh SQLite file or a fresh PostgreSQL / MariaDB database and removes it on `dispose()`,
 * and `expectQueries(db, n, fn)` asserts how many statements `fn` runs (through `onQuery`), listing
 * them when the count is wrong. It may import the database handle, engine, raw-sql, query-log and
 * errors; nothing in registers/db imports it.
 */
import { AssertionError } from "node:assert";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { database } from "./database.js";
import { engineFor } from "./engine.js";
import { ConfigurationError } from "./errors.js";
import type { QueryEvent } from "./query-log.js";
import { sql } from "./raw-sql.js";

/** A database to run against: a registered model class (its database) or a URL. */
export type DatabaseSource = string | (abstract new (...args: never[]) => object);

/** What `withRollback` throws through `transaction()` to roll it back, carrying `fn`'s result. */
class RollbackSignal {
  constructor(readonly value: unknown) {}
}

/**
 * Runs `fn` inside a transaction on `source`'s database that always rolls back, and returns what
 * `fn` returned (or rethrows what it threw). Every model on that database joins the transaction
 * (nested `transaction()` calls become savepoints), so a test leaves no rows behind. Work started
 * outside `fn`'s async context waits for it (SQLite) or does not see its rows (servers).
 *
 * @example
 * ```ts
 * it("renames a user", () =>
 *   withRollback(User, async () => {
 *     const ann = await User.objects.create({ name: "Ann", email: "ann@example.com" });
 *     await rename(ann.id, "Anna");
 *     assert.equal((await User.objects.require(ann.id)).name, "Anna");
 *   }));
 * ```
 */
export async function withRollback<R>(source: DatabaseSource, fn: () => Promise<R> | R): Promise<R> {
  try {
    await database(source).transaction(async () => {
      throw new RollbackSignal(await fn());
    });
  } catch (error) {
    if (error instanceof RollbackSignal) return error.value as R;
    throw error;
  }
  throw new Error("withRollback: the transaction committed"); // unreachable: the callback always throws
}

/**
 * A database of its own for a test file or test: `url` to register models on, `dispose()` to close
 * it and remove it (also as `await using`).
 */
export interface IsolatedDatabase {
  /** The URL of the fresh database. */
  readonly url: string;
  /** Closes the database's engine and removes the file or drops the server database. Idempotent. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of `isolatedDatabase()`. */
export interface IsolatedDatabaseOptions {
  /**
   * A PostgreSQL or MariaDB/MySQL URL whose user may create databases: the fresh database is made on
   * that server, named after the URL's database with a random suffix (`app_t1a2b3c4d`). Absent: a
   * fresh SQLite file in a temporary directory.
   */
  readonly baseUrl?: string;
}

/**
 * Creates a fresh, empty database: a SQLite file in a new temporary directory, or (with `baseUrl`)
 * a new database on that PostgreSQL / MariaDB server. Register models on its `url` (define them in a
 * function called with it), then `dispose()` it.
 *
 * @example
 * ```ts
 * const db = await isolatedDatabase(); // or isolatedDatabase({ baseUrl: process.env.DATABASE_URL })
 * const User = databaseRegistry(db.url, { tableName: "users" })(class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {});
 * await User.objects.create({ name: "Ann" });
 * await db.dispose();
 * ```
 */
export async function isolatedDatabase(options: IsolatedDatabaseOptions = {}): Promise<IsolatedDatabase> {
  const base = options.baseUrl;
  if (base === undefined) {
    const dir = mkdtempSync(join(tmpdir(), "registers-test-"));
    const url = join(dir, "test.db");
    return handle(url, async () => {
      await engineFor(url).dispose();
      rmSync(dir, { recursive: true, force: true });
    });
  }
  let parsed: URL;
  try {
    parsed = new URL(base);
  } catch (error) {
    throw new ConfigurationError(`isolatedDatabase(): baseUrl is not a URL`, { cause: error });
  }
  if (!/^(postgres|postgresql|mysql|mariadb):$/.test(parsed.protocol)) {
    throw new ConfigurationError(
      `isolatedDatabase(): baseUrl must be a postgres:// or mysql:// URL (leave it out for a SQLite file), got ${parsed.protocol}//`,
    );
  }
  const stem = decodeURIComponent(parsed.pathname.slice(1)) || "registers";
  const name = `${stem.slice(0, 40)}_t${randomBytes(5).toString("hex")}`.toLowerCase();
  const admin = database(base);
  await admin.execute`CREATE DATABASE ${sql.id(name)}`;
  const fresh = new URL(base);
  fresh.pathname = `/${encodeURIComponent(name)}`;
  const url = fresh.toString();
  return handle(url, async () => {
    await engineFor(url).dispose();
    await admin.execute`DROP DATABASE IF EXISTS ${sql.id(name)}`;
  });
}

function handle(url: string, remove: () => Promise<void>): IsolatedDatabase {
  let done: Promise<void> | undefined;
  const dispose = (): Promise<void> => {
    done ??= remove();
    return done;
  };
  return { url, dispose, [Symbol.asyncDispose]: dispose };
}

/** How many statements `expectQueries` expects: exactly `n`, or at most `atMost`. */
export type ExpectedQueries = number | { readonly atMost: number };

/** Options of `expectQueries`. */
export interface ExpectQueriesOptions {
  /**
   * Count every statement, transaction control (BEGIN, COMMIT, SAVEPOINT...) and schema statements
   * (CREATE, ALTER, DROP) included. Default `false`: only the statements that read or write rows.
   */
  readonly all?: boolean;
}

/**
 * The assertion error of `expectQueries` (an `AssertionError`): `statements` holds what ran.
 *
 * @example
 * ```ts
 * try {
 *   await expectQueries(User, 1, () => loadDashboard());
 * } catch (error) {
 *   if (error instanceof QueryCountError) console.log(error.statements.map((s) => s.sql));
 * }
 * ```
 */
export class QueryCountError extends AssertionError {
  /** Every statement counted, in order. */
  readonly statements: readonly QueryEvent[];
  constructor(message: string, actual: number, expected: ExpectedQueries, statements: readonly QueryEvent[]) {
    super({ message, actual, expected, operator: "expectQueries" });
    this.name = "QueryCountError";
    this.statements = statements;
  }
}

const CONTROL =
  /^\s*(BEGIN|COMMIT|ROLLBACK|START\s+TRANSACTION|SAVEPOINT|RELEASE|SET\s+TRANSACTION|CREATE|ALTER|DROP)\b/i;

/**
 * Runs `fn` and asserts how many statements it ran on `source`'s database (through `onQuery`):
 * exactly `expected`, or `{ atMost }`. Returns what `fn` returned. On a wrong count it throws a
 * `QueryCountError` (an `AssertionError`) listing every statement with its parameters, so an N+1
 * loop shows itself. Statements from other work running on that database at the same time count
 * too: run such tests one at a time.
 *
 * @example
 * ```ts
 * const authors = await expectQueries(Author, 2, () => Author.objects.filter({}, { include: ["posts"] }));
 * await expectQueries(User, { atMost: 3 }, () => signUp("ann@example.com"));
 * ```
 */
export async function expectQueries<R>(
  source: DatabaseSource,
  expected: ExpectedQueries,
  fn: () => Promise<R> | R,
  options: ExpectQueriesOptions = {},
): Promise<R> {
  const limit = typeof expected === "number" ? expected : expected?.atMost;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 0) {
    throw new TypeError(
      "expectQueries(db, expected, fn): expected is a count (a non-negative integer) or { atMost: n }",
    );
  }
  const seen: QueryEvent[] = [];
  const stop = database(source).onQuery((event) => {
    if (options.all === true || !CONTROL.test(event.sql)) seen.push(event);
  });
  let result: R;
  try {
    result = await fn();
  } finally {
    stop();
  }
  const ok = typeof expected === "number" ? seen.length === limit : seen.length <= limit;
  if (!ok) {
    const want = typeof expected === "number" ? `${limit}` : `at most ${limit}`;
    const list = seen
      .map((e, i) => `  ${i + 1}. ${e.sql}${e.params.length > 0 ? `  -- params: ${show(e.params)}` : ""}`)
      .join("\n");
    throw new QueryCountError(
      `expected ${want} statement${limit === 1 ? "" : "s"}, ${seen.length} ran${seen.length > 0 ? `:\n${list}` : ""}`,
      seen.length,
      expected,
      seen,
    );
  }
  return result;
}

function show(params: readonly unknown[]): string {
  return JSON.stringify(params, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
}
