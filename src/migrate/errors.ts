/**
 * Typed errors of the migration runner and the `registers db` commands. Each has a stable `code`
 * (`REGISTERS_MIGRATION_...`), says what to do next, and keeps the driver error as `cause`. They
 * extend registers/db's `MigrationError`, so `error instanceof RegistryError` holds for them too.
 *
 * @example
 * ```ts
 * try {
 *   await migrate({ url: "app.db", migrations: "./migrations" });
 * } catch (error) {
 *   if (error instanceof MigrationChangedError) console.error(error.migrations);
 * }
 * ```
 */
import { MigrationError } from "../db/errors.js";
import type { SchemaChange } from "../db/schema/types.js";

/**
 * The config file is missing, cannot be loaded, or holds something other than a registers config.
 *
 * @example
 * ```ts
 * await loadConfig({ cwd: "/empty" }); // MigrationConfigError: no registers.config.ts ...
 * ```
 */
export class MigrationConfigError extends MigrationError {
  override readonly code: string = "REGISTERS_MIGRATION_CONFIG";
}

/**
 * A migration folder is malformed: no `migration.sql`, a bad name, or SQL written for another
 * database than the one being migrated.
 *
 * @example
 * ```ts
 * // migrations/20260101000000_init/ holds no migration.sql -> MigrationFileError naming the folder
 * ```
 */
export class MigrationFileError extends MigrationError {
  override readonly code: string = "REGISTERS_MIGRATION_FILE";
  constructor(
    message: string,
    /** The migration folder (its name) the problem is in. */
    readonly migration: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Applied migrations whose `migration.sql` changed since they were applied (the checksum in the
 * `registers_migrations` ledger differs). Nothing is applied while one is changed.
 *
 * @example
 * ```ts
 * error.migrations; // ["20260101000000_init"]
 * ```
 */
export class MigrationChangedError extends MigrationError {
  override readonly code: string = "REGISTERS_MIGRATION_CHANGED";
  constructor(
    /** Names of the changed migrations, in order. */
    readonly migrations: readonly string[],
  ) {
    super(
      `applied migration${migrations.length > 1 ? "s" : ""} changed since applied: ${migrations.join(", ")}; ` +
        "restore the file (git checkout) and put the new change in a new migration (registers db generate)",
    );
  }
}

/**
 * A migration failed. On SQLite and PostgreSQL the migration was rolled back as a whole
 * (`rolledBack: true`, `applied` is empty). On MariaDB/MySQL, where DDL commits implicitly, the
 * statements before the failing one stay applied and are listed in `applied`. In both cases the
 * ledger has no row for the migration.
 *
 * @example
 * ```ts
 * error.migration; // "20260102000000_add_orders"
 * error.statement; // "ALTER TABLE ..." (the failing one)
 * error.applied; // statements already applied (MySQL only)
 * ```
 */
export class MigrationFailedError extends MigrationError {
  override readonly code: string = "REGISTERS_MIGRATION_FAILED";
  constructor(
    message: string,
    readonly details: {
      /** The migration that failed. */
      readonly migration: string;
      /** The failing statement. */
      readonly statement: string;
      /** 0-based index of the failing statement in the file. */
      readonly index: number;
      /** Statements of this migration that stay applied (MariaDB/MySQL); empty after a rollback. */
      readonly applied: readonly string[];
      /** Whether the whole migration was rolled back (SQLite, PostgreSQL). */
      readonly rolledBack: boolean;
    },
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
  get migration(): string {
    return this.details.migration;
  }
  get statement(): string {
    return this.details.statement;
  }
  get applied(): readonly string[] {
    return this.details.applied;
  }
  get rolledBack(): boolean {
    return this.details.rolledBack;
  }
}

/**
 * Another process held the migration lock for longer than `lockTimeout`.
 *
 * @example
 * ```ts
 * await migrate({ url, migrations, lockTimeout: 1000 }); // MigrationLockError after 1 s of waiting
 * ```
 */
export class MigrationLockError extends MigrationError {
  override readonly code: string = "REGISTERS_MIGRATION_LOCK";
}

/**
 * `generate` found nothing it may write without a decision: destructive changes without
 * `allowDestructive`, possible renames neither confirmed nor declined, or pending migrations.
 * `kind` says which; the message names the flag to pass.
 *
 * @example
 * ```ts
 * error.kind; // "destructive"
 * error.changes; // ["drop column users.nickname"]
 * ```
 */
export class MigrationDecisionError extends MigrationError {
  override readonly code: string = "REGISTERS_MIGRATION_DECISION";
  constructor(
    message: string,
    /** What needs a decision. */
    readonly kind: "destructive" | "rename" | "pending",
    /** One line per change, rename or migration concerned. */
    readonly changes: readonly string[],
  ) {
    super(message);
  }
}

/**
 * `registers db check` / `checkMigrations()`: migrations are pending or the models and the database
 * differ. The message names every difference.
 *
 * @example
 * ```ts
 * error.pending; // ["20260102000000_add_orders"]
 * error.differences; // ["add column users.nickname"]
 * error.changes[0]?.kind; // "addColumn"
 * ```
 */
export class MigrationCheckError extends MigrationError {
  override readonly code: string = "REGISTERS_MIGRATION_CHECK";
  /** Migrations applied unchanged. */
  readonly applied: number;
  /** The migrations of `pending` that were applied and edited since. */
  readonly changed: readonly string[];
  /** The differences as `diffSchema` reports them (one per entry of `differences`). */
  readonly changes: readonly SchemaChange[];
  constructor(
    message: string,
    /** Migrations not applied yet, or changed since applied. */
    readonly pending: readonly string[],
    /** Differences between the models and the database (summaries). */
    readonly differences: readonly string[],
    details: {
      readonly applied?: number;
      readonly changed?: readonly string[];
      readonly changes?: readonly SchemaChange[];
    } = {},
  ) {
    super(message);
    this.applied = details.applied ?? 0;
    this.changed = details.changed ?? [];
    this.changes = details.changes ?? [];
  }
}
