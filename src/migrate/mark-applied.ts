/**
 * `markApplied()`: records a migration in the ledger without running it, for a database whose
 * schema is already there (made by `autoCreate` before the project adopted migrations, or by hand).
 * Under the migration lock, like `migrate()`. It may import the other src/migrate modules.
 */
import { MigrationFileError } from "./errors.js";
import { ledgerDdl, ledgerRow, recordMigration } from "./ledger.js";
import {
  type MigrationDatabase,
  migrationDatabaseError,
  openMigrationDatabase,
} from "./migration-database.js";
import { type MigrationFile, readMigrations } from "./migration-files.js";
import { acquireMigrationLock } from "./migration-lock.js";

/**
 * Options of {@link markApplied}.
 *
 * @example
 * ```ts
 * const options: MarkAppliedOptions = { url: "app.db", migrations: "./migrations", name: "20260101000000_init" };
 * ```
 */
export interface MarkAppliedOptions {
  readonly url: string;
  readonly migrations: string;
  /** The migration's folder name. */
  readonly name: string;
  /** Milliseconds to wait for another process's migration lock; default 60 000. */
  readonly lockTimeout?: number;
}

/**
 * Records the migration `name` as applied (with its current checksum and a duration of 0) without
 * running its SQL. Throws `MigrationFileError` when the folder has no such migration or the ledger
 * already has it. Check afterwards (`registers db check`) that the database really matches.
 *
 * @example
 * ```ts
 * import { markApplied } from "registers/migrate";
 *
 * // The tables of an existing database were made by autoCreate; the first migration describes them.
 * await markApplied({ url: "app.db", migrations: "./migrations", name: "20260101000000_init" });
 * ```
 */
export async function markApplied(options: MarkAppliedOptions): Promise<void> {
  const file = readMigrations(options.migrations).find((m) => m.name === options.name);
  if (file === undefined) {
    throw new MigrationFileError(
      `no migration ${options.name} in ${options.migrations} (registers db status lists them)`,
      options.name,
    );
  }
  const db = await openMigrationDatabase(options.url);
  try {
    await record(db, file, options.lockTimeout ?? 60_000);
  } catch (error) {
    throw migrationDatabaseError(error, db.dialect, `recording ${file.name}`);
  } finally {
    await db.close();
  }
}

/** Under the lock: refuses a migration the ledger has, else records it. */
async function record(db: MigrationDatabase, file: MigrationFile, timeoutMs: number): Promise<void> {
  const { connection, dialect } = db;
  const lock = await acquireMigrationLock(connection, dialect, { timeoutMs });
  try {
    await connection.exec(ledgerDdl(dialect));
    if ((await ledgerRow(connection, dialect, file.name)) !== undefined) {
      throw new MigrationFileError(`migration ${file.name} is already applied`, file.name);
    }
    await recordMigration(connection, dialect, {
      name: file.name,
      checksum: file.checksum,
      appliedAt: new Date().toISOString(),
      durationMs: 0,
    });
  } finally {
    await lock.release();
  }
}
