/**
 * `checkMigrations()`: the CI question "is this database where the code expects it?". Fails when a
 * migration is pending or changed, and when the models and the database differ, naming each. It
 * may import registers/db's schema API and the other src/migrate modules.
 */
import type { AnyModelClass } from "../db/database-registry.js";
import { diffSchema } from "../db/schema/diff-schema.js";
import { MigrationCheckError } from "./errors.js";
import { migrationStatus } from "./status.js";

/**
 * Options of {@link checkMigrations}.
 *
 * @example
 * ```ts
 * const options: CheckOptions = { models: [User, Order], url: "app.db", migrations: "./migrations" };
 * ```
 */
export interface CheckOptions {
  readonly models: readonly AnyModelClass[];
  readonly url: string;
  readonly migrations: string;
}

/**
 * A clean check.
 *
 * @example
 * ```ts
 * const { applied }: CheckResult = await checkMigrations(options);
 * ```
 */
export interface CheckResult {
  /** Applied migrations. */
  readonly applied: number;
}

/**
 * Resolves when every migration is applied unchanged and the database matches the models; else
 * throws `MigrationCheckError` whose message lists the pending or changed migrations and every
 * difference.
 *
 * @example
 * ```ts
 * import { checkMigrations } from "registers/migrate";
 *
 * await checkMigrations({ models: [User, Order], url: process.env.DATABASE_URL ?? "app.db", migrations: "./migrations" });
 * ```
 */
export async function checkMigrations(options: CheckOptions): Promise<CheckResult> {
  const states = await migrationStatus(options);
  const pending = states.filter((m) => m.state === "pending" || m.state === "changed");
  const diff = await diffSchema(options.models, options.url);
  const differences = diff.changes.map((c) => c.summary);
  if (pending.length === 0 && differences.length === 0) {
    return { applied: states.filter((m) => m.state === "applied").length };
  }
  const parts: string[] = [];
  if (pending.length > 0)
    parts.push(
      `migrations not applied: ${pending.map((m) => `${m.name}${m.state === "changed" ? " (changed since applied)" : ""}`).join(", ")} (run registers db migrate)`,
    );
  if (differences.length > 0)
    parts.push(
      `the models and the database differ: ${differences.join("; ")}${pending.length === 0 ? " (run registers db generate <name>)" : ""}`,
    );
  throw new MigrationCheckError(
    parts.join("; "),
    pending.map((m) => m.name),
    differences,
    {
      applied: states.filter((m) => m.state === "applied").length,
      changed: pending.filter((m) => m.state === "changed").map((m) => m.name),
      changes: diff.changes,
    },
  );
}
