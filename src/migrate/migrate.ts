/**
 * `migrate()`: applies the pending migrations of a folder in name order and records each in the
 * `registers_migrations` ledger, under the migration lock. SQLite and PostgreSQL run each migration
 * in one transaction (all or nothing); MariaDB/MySQL commit DDL implicitly, so a failure there stops
 * at the failing statement and `MigrationFailedError.applied` lists what stays applied. It may
 * import the other src/migrate modules and registers/db's dialect types.
 */
import type { Connection, Dialect } from "../db/dialect/dialect.js";
import { MigrationChangedError, MigrationFailedError, MigrationFileError } from "./errors.js";
import { ledgerDdl, ledgerRow, readLedger, recordMigration } from "./ledger.js";
import { migrationDatabaseError, openMigrationDatabase } from "./migration-database.js";
import { type MigrationFile, readMigrations } from "./migration-files.js";
import { acquireMigrationLock } from "./migration-lock.js";
import { splitStatements } from "./split-statements.js";

/**
 * What `migrate()` reports while it works (the command draws its progress line from these).
 *
 * @example
 * ```ts
 * await migrate({ url, migrations, onEvent: (e) => e.kind === "applied" && console.log(e.migration, e.durationMs) });
 * ```
 */
export type MigrationEvent =
  | { readonly kind: "lock-wait" }
  | { readonly kind: "start"; readonly migration: string; readonly statements: number }
  | { readonly kind: "statement"; readonly migration: string; readonly index: number; readonly total: number }
  | { readonly kind: "applied"; readonly migration: string; readonly durationMs: number }
  | { readonly kind: "failed"; readonly migration: string }
  | { readonly kind: "skipped"; readonly migration: string };

/**
 * Options of {@link migrate}.
 *
 * @example
 * ```ts
 * const options: MigrateOptions = { url: "postgres://app@db/shop", migrations: "./migrations", lockTimeout: 30_000 };
 * ```
 */
export interface MigrateOptions {
  /** The database URL (as `databaseRegistry` takes it). */
  readonly url: string;
  /** The migrations folder. */
  readonly migrations: string;
  /** Milliseconds to wait for another process's migration lock; default 60 000. */
  readonly lockTimeout?: number;
  /** Progress events. */
  readonly onEvent?: (event: MigrationEvent) => void;
}

/**
 * One migration applied by this call.
 *
 * @example
 * ```ts
 * const applied: AppliedMigration = { name: "20260101000000_init", statements: 3, durationMs: 8 };
 * ```
 */
export interface AppliedMigration {
  readonly name: string;
  readonly statements: number;
  readonly durationMs: number;
}

/**
 * What {@link migrate} did.
 *
 * @example
 * ```ts
 * const { applied, alreadyApplied }: MigrateResult = await migrate({ url, migrations });
 * ```
 */
export interface MigrateResult {
  /** Migrations this call applied, in order. */
  readonly applied: readonly AppliedMigration[];
  /** Migrations that were already in the ledger (applied earlier, or by a concurrent process). */
  readonly alreadyApplied: number;
}

/**
 * Applies every pending migration of `options.migrations` to `options.url`, in name order, each
 * exactly once even when several processes run it at the same time. Throws
 * `MigrationChangedError` (before applying anything) when an applied migration's file changed,
 * `MigrationFileError` for a malformed folder or a file generated for another database,
 * `MigrationFailedError` when a statement fails, `MigrationLockError` after `lockTimeout`.
 *
 * @example
 * ```ts
 * import { migrate } from "registers/migrate";
 *
 * const { applied } = await migrate({ url: process.env.DATABASE_URL ?? "app.db", migrations: "./migrations" });
 * console.log(applied.map((m) => m.name));
 * ```
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const files = readMigrations(options.migrations);
  const emit = options.onEvent ?? (() => undefined);
  const db = await openMigrationDatabase(options.url);
  const { connection, dialect } = db;
  const fail = (error: unknown): never => {
    throw migrationDatabaseError(error, dialect, "migrating");
  };
  try {
    for (const file of files) checkFlavor(file, dialect);
    const lock = await acquireMigrationLock(connection, dialect, {
      timeoutMs: options.lockTimeout ?? 60_000,
      onWait: () => emit({ kind: "lock-wait" }),
    }).catch(fail);
    try {
      await connection.exec(ledgerDdl(dialect)).catch(fail);
      const rows = await readLedger(connection, dialect).catch(fail);
      const ledger = new Map(rows.map((row) => [row.name, row]));
      const changed = files.filter((f) => ledger.has(f.name) && ledger.get(f.name)?.checksum !== f.checksum);
      if (changed.length > 0) throw new MigrationChangedError(changed.map((f) => f.name));
      const applied: AppliedMigration[] = [];
      let already = files.length;
      for (const file of files) {
        if (ledger.has(file.name)) continue;
        const done = await applyMigration(connection, dialect, file, emit).catch((error: unknown) => {
          emit({ kind: "failed", migration: file.name });
          throw error;
        });
        if (done === undefined) emit({ kind: "skipped", migration: file.name });
        else {
          applied.push(done);
          already--;
        }
      }
      return { applied, alreadyApplied: already };
    } finally {
      await lock.release();
    }
  } finally {
    await db.close();
  }
}

function checkFlavor(file: MigrationFile, dialect: Dialect): void {
  if (file.dialect !== undefined && file.dialect !== dialect.name) {
    throw new MigrationFileError(
      `migration ${file.name} was generated for ${file.dialect}, but the database is ${dialect.name}: ` +
        "keep one migrations folder per database (the migrations option of registers.config.ts)",
      file.name,
    );
  }
}

/** How each database runs one migration: in a transaction, or statement by statement. */
const TRANSACTIONS: Record<
  Dialect["name"],
  { begin: string; before?: string; after?: string; checkForeignKeys?: boolean } | null
> = {
  // Foreign keys off around the transaction (the pragma is a no-op inside one): SQLite rebuilds a
  // table to alter it, and dropping the old copy must not cascade. Checked before COMMIT instead.
  sqlite: {
    begin: "BEGIN EXCLUSIVE",
    before: "PRAGMA foreign_keys = OFF",
    after: "PRAGMA foreign_keys = ON",
    checkForeignKeys: true,
  },
  postgres: { begin: "BEGIN" },
  mysql: null,
};

/**
 * Internal (`migrate()`, `pushSchema()`): applies one migration, in a transaction where the database
 * has transactional DDL, and records it in the ledger; `undefined` when the ledger already has it
 * (another process was first). `ledger: false` (push) neither reads nor writes the ledger.
 *
 * @example
 * ```ts
 * await applyMigration(connection, dialect, file, () => undefined);
 * ```
 */
export async function applyMigration(
  connection: Connection,
  dialect: Dialect,
  file: MigrationFile,
  emit: (event: MigrationEvent) => void,
  ledger = true,
): Promise<AppliedMigration | undefined> {
  const statements = splitStatements(file.sql, dialect.name);
  const tx = TRANSACTIONS[dialect.name];
  const started = performance.now();
  if (tx === null) {
    emit({ kind: "start", migration: file.name, statements: statements.length });
    await runStatements(connection, file, statements, false, emit);
    if (ledger)
      await record(connection, dialect, file, started).catch((error: unknown) => {
        throw migrationDatabaseError(error, dialect, `recording ${file.name} in the ledger`);
      });
    return finish(file, statements, started, emit);
  }
  const fail = (error: unknown): never => {
    throw migrationDatabaseError(error, dialect, `starting ${file.name}`);
  };
  if (tx.before) await connection.exec(tx.before).catch(fail);
  try {
    await connection.exec(tx.begin).catch(fail);
    try {
      // Re-read inside the transaction: on SQLite the exclusive transaction is the lock.
      const row = ledger ? await ledgerRow(connection, dialect, file.name) : undefined;
      if (row !== undefined) {
        await connection.exec("ROLLBACK");
        if (row.checksum !== file.checksum) throw new MigrationChangedError([file.name]);
        return undefined;
      }
      emit({ kind: "start", migration: file.name, statements: statements.length });
      await runStatements(connection, file, statements, true, emit);
      if (tx.checkForeignKeys) await checkForeignKeys(connection, file);
      if (ledger) await record(connection, dialect, file, started);
      await connection.exec("COMMIT");
    } catch (error) {
      await connection.exec("ROLLBACK").catch(() => undefined);
      throw migrationDatabaseError(error, dialect, `applying ${file.name}`);
    }
  } finally {
    if (tx.after) await connection.exec(tx.after);
  }
  return finish(file, statements, started, emit);
}

async function runStatements(
  connection: Connection,
  file: MigrationFile,
  statements: readonly string[],
  transactional: boolean,
  emit: (event: MigrationEvent) => void,
): Promise<void> {
  for (const [index, statement] of statements.entries()) {
    try {
      await connection.exec(statement);
    } catch (error) {
      const applied = transactional ? [] : statements.slice(0, index);
      const reason = error instanceof Error ? error.message : String(error);
      const what = transactional
        ? "nothing of it was applied (rolled back)"
        : applied.length === 0
          ? "no statement of it was applied"
          : `these ${applied.length} statement(s) before it stay applied (MariaDB/MySQL commit DDL at once), ` +
            `undo them or remove them from the file before migrating again:\n${applied.map((s) => `  ${s};`).join("\n")}`;
      throw new MigrationFailedError(
        `migration ${file.name} failed at statement ${index + 1} of ${statements.length} (${oneLine(statement)}): ${reason}; ${what}`,
        { migration: file.name, statement, index, applied, rolledBack: transactional },
        { cause: error },
      );
    }
    emit({ kind: "statement", migration: file.name, index, total: statements.length });
  }
}

async function checkForeignKeys(connection: Connection, file: MigrationFile): Promise<void> {
  const broken = await connection.prepare("PRAGMA foreign_key_check").all([]);
  if (broken.length === 0) return;
  const tables = [...new Set(broken.map((row) => `${String(row.table)} -> ${String(row.parent)}`))];
  throw new MigrationFailedError(
    `migration ${file.name} leaves rows whose foreign key points nowhere (${tables.join(", ")}); ` +
      "nothing of it was applied (rolled back): delete or fix those rows in the migration first",
    { migration: file.name, statement: "PRAGMA foreign_key_check", index: -1, applied: [], rolledBack: true },
  );
}

async function record(connection: Connection, dialect: Dialect, file: MigrationFile, started: number) {
  const durationMs = performance.now() - started;
  await recordMigration(connection, dialect, {
    name: file.name,
    checksum: file.checksum,
    appliedAt: new Date().toISOString(),
    durationMs,
  });
}

function finish(
  file: MigrationFile,
  statements: readonly string[],
  started: number,
  emit: (event: MigrationEvent) => void,
): AppliedMigration {
  const durationMs = Math.round(performance.now() - started);
  emit({ kind: "applied", migration: file.name, durationMs });
  return { name: file.name, statements: statements.length, durationMs };
}

function oneLine(sql: string): string {
  const line = sql.replace(/\s+/g, " ");
  return line.length > 120 ? `${line.slice(0, 117)}...` : line;
}
