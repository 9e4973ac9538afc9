/**
 * `pushSchema()`: brings the database to the models directly, without a migration file or a ledger
 * row: for prototyping and throw-away databases (drizzle-kit and Prisma call it `push`). The same
 * decisions as `generateMigration()` (destructive changes, renames), the same lock and the same
 * all-or-nothing transaction as `migrate()`. It may import the other src/migrate modules.
 */
import { migrationSql } from "../db/schema/migration-sql.js";
import type { SchemaChange } from "../db/schema/types.js";
import { applyMigration, type MigrationEvent } from "./migrate.js";
import { migrationDatabaseError, openMigrationDatabase } from "./migration-database.js";
import { checksumOf } from "./migration-files.js";
import { acquireMigrationLock } from "./migration-lock.js";
import { type PlanOptions, planChanges } from "./plan-changes.js";

/**
 * Options of {@link pushSchema}: the decisions of `PlanOptions`, plus the lock timeout and progress.
 *
 * @example
 * ```ts
 * const options: PushOptions = { models: [User], url: "dev.db", allowDestructive: true };
 * ```
 */
export interface PushOptions extends PlanOptions {
  /** Milliseconds to wait for another process's migration lock; default 60 000. */
  readonly lockTimeout?: number;
  readonly onEvent?: (event: MigrationEvent) => void;
}

/**
 * What {@link pushSchema} applied (nothing when the database already matched).
 *
 * @example
 * ```ts
 * const { changes }: PushResult = await pushSchema({ models: [User], url: "dev.db" });
 * ```
 */
export interface PushResult {
  readonly changes: readonly SchemaChange[];
  readonly statements: readonly string[];
}

/**
 * Applies the difference between the models and the database at once. Throws
 * `MigrationDecisionError` for a destructive change without `allowDestructive` or an undecided
 * possible rename, and `MigrationFailedError` when a statement fails (rolled back on SQLite and
 * PostgreSQL; on MariaDB/MySQL the applied statements are listed). Use migrations for any database
 * whose history matters: a push leaves no trace for `registers db migrate` to replay.
 *
 * @example
 * ```ts
 * import { pushSchema } from "registers/migrate";
 *
 * await pushSchema({ models: [User, Order], url: "dev.db" });
 * ```
 */
export async function pushSchema(options: PushOptions): Promise<PushResult> {
  const diff = await planChanges(options, "applied");
  if (diff.changes.length === 0) return { changes: [], statements: [] };
  const statements = migrationSql(diff, diff.dialect);
  const sql = statements.map((s) => `${s.trim().replace(/;\s*$/, "")};`).join("\n");
  const db = await openMigrationDatabase(options.url);
  try {
    const { connection, dialect } = db;
    const emit = options.onEvent ?? (() => undefined);
    const lock = await acquireMigrationLock(connection, dialect, {
      timeoutMs: options.lockTimeout ?? 60_000,
      onWait: () => emit({ kind: "lock-wait" }),
    }).catch((error: unknown) => {
      throw migrationDatabaseError(error, dialect, "taking the migration lock");
    });
    try {
      const file = { name: "push", path: "", sql, checksum: checksumOf(sql), dialect: diff.dialect };
      await applyMigration(connection, dialect, file, emit, false);
    } finally {
      await lock.release();
    }
  } finally {
    await db.close();
  }
  return { changes: diff.changes, statements };
}
