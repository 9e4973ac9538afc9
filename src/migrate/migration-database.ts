/**
 * The database connection the runner works on: a private engine for the URL (its own SQLite
 * connection or server pool, never the one the app's models share), one dedicated connection taken
 * from it, and the dialect. Closing it closes only that engine. It may import registers/db's engine
 * and dialect entry points.
 */
import type { Connection, Dialect } from "../db/dialect/dialect.js";
import { createSqliteDialect } from "../db/dialect/sqlite/index.js";
import { Engine } from "../db/engine.js";
import { ConnectionError, DatabaseError, RegistryError } from "../db/errors.js";
import { MigrationLockError } from "./errors.js";

const SERVER_SCHEMES = new Set(["postgres", "postgresql", "mysql", "mariadb"]);

/** One dedicated connection to the database being migrated. */
export interface MigrationDatabase {
  readonly dialect: Dialect;
  readonly connection: Connection;
  /** Releases the connection and closes the private engine. Idempotent. */
  close(): Promise<void>;
}

/**
 * Opens a private engine for `url` and takes one connection from it. Throws registers/db's
 * `ConfigurationError` for a bad URL and `ConnectionError` when the server cannot be reached.
 *
 * @example
 * ```ts
 * const db = await openMigrationDatabase("postgres://app@localhost/shop");
 * try { await db.connection.exec("SELECT 1"); } finally { await db.close(); }
 * ```
 */
export async function openMigrationDatabase(url: string): Promise<MigrationDatabase> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? null;
  const server = scheme !== null && SERVER_SCHEMES.has(scheme);
  const engine = new Engine(url, url, server ? null : createSqliteDialect(url), server ? scheme : null);
  const dialect = await engine.resolveDialect();
  const driver = await engine.open();
  let connection: Connection;
  try {
    connection = await driver.acquire();
  } catch (error) {
    await engine.close();
    throw error;
  }
  let closed = false;
  return {
    dialect,
    connection,
    async close() {
      if (closed) return;
      closed = true;
      connection.release();
      await engine.close();
    },
  };
}

/**
 * A driver error met outside a migration's own statements (the ledger, the lock, BEGIN) as a typed
 * error: a busy SQLite database is a `MigrationLockError`, a lost connection a `ConnectionError`,
 * anything else a `DatabaseError`, each with the driver error as `cause`. Typed errors pass through.
 *
 * @example
 * ```ts
 * await connection.exec("BEGIN EXCLUSIVE").catch((error) => { throw migrationDatabaseError(error, dialect, "starting a migration"); });
 * ```
 */
export function migrationDatabaseError(error: unknown, dialect: Dialect, doing: string): RegistryError {
  if (error instanceof RegistryError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  switch (dialect.classifyError(error).kind) {
    case "timeout":
      return new MigrationLockError(
        `the database stayed locked by another process while ${doing} (${reason}); ` +
          "wait for it to finish, or raise the lock timeout (--lock-timeout)",
        { cause: error },
      );
    case "connection":
      return new ConnectionError(`the database connection failed while ${doing}: ${reason}`, {
        cause: error,
      });
    default:
      return new DatabaseError(`the database refused ${doing}: ${reason}`, { cause: error });
  }
}
