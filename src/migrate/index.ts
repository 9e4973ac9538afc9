/**
 * registers/migrate: reviewed SQL migrations for registers/db models. `defineConfig()` types
 * `registers.config.ts`; `generateMigration()`, `migrate()`, `migrationStatus()` and
 * `checkMigrations()` are what `registers db generate|migrate|status|check` run, for use from code
 * (for instance migrating at start-up). Re-exports only.
 *
 * @example
 * ```ts
 * import { migrate } from "registers/migrate";
 *
 * await migrate({ url: process.env.DATABASE_URL ?? "app.db", migrations: "./migrations" });
 * ```
 */
export { type CheckOptions, type CheckResult, checkMigrations } from "./check.js";
export { defineConfig, type RegistersConfig } from "./config.js";
export {
  MigrationChangedError,
  MigrationCheckError,
  MigrationConfigError,
  MigrationDecisionError,
  MigrationFailedError,
  MigrationFileError,
  MigrationLockError,
} from "./errors.js";
export { type GenerateOptions, type GenerateResult, generateMigration } from "./generate.js";
export { LEDGER_TABLE, type LedgerRow } from "./ledger.js";
export { type MarkAppliedOptions, markApplied } from "./mark-applied.js";
export {
  type AppliedMigration,
  type MigrateOptions,
  type MigrateResult,
  type MigrationEvent,
  migrate,
} from "./migrate.js";
export { checksumOf, MIGRATION_FILE } from "./migration-files.js";
export type { PlanOptions } from "./plan-changes.js";
export { type PushOptions, type PushResult, pushSchema } from "./push.js";
export { type SqlFlavor, splitStatements } from "./split-statements.js";
export { type MigrationState, migrationStatus, type StatusOptions } from "./status.js";
