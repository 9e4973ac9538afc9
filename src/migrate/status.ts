/**
 * `migrationStatus()`: every migration of the folder and of the ledger with its state (applied,
 * pending, changed since applied, or applied but missing from the folder). Reads only; takes no
 * lock and creates no table. It may import the other src/migrate modules.
 */
import { readLedger } from "./ledger.js";
import { migrationDatabaseError, openMigrationDatabase } from "./migration-database.js";
import { readMigrations } from "./migration-files.js";

/**
 * The state of one migration.
 *
 * @example
 * ```ts
 * const state: MigrationState = { name: "20260101000000_init", state: "pending", appliedAt: null, durationMs: null };
 * ```
 */
export interface MigrationState {
  readonly name: string;
  /**
   * `applied`; `pending` (in the folder, not in the ledger); `changed` (applied, but the file changed
   * since: `migrate` refuses to run); `missing` (in the ledger, not in the folder).
   */
  readonly state: "applied" | "pending" | "changed" | "missing";
  /** When it was applied (UTC ISO-8601), `null` when pending. */
  readonly appliedAt: string | null;
  /** How long it took, `null` when pending. */
  readonly durationMs: number | null;
}

/**
 * Options of {@link migrationStatus}.
 *
 * @example
 * ```ts
 * const options: StatusOptions = { url: "app.db", migrations: "./migrations" };
 * ```
 */
export interface StatusOptions {
  readonly url: string;
  readonly migrations: string;
}

/**
 * The state of every migration, in name order.
 *
 * @example
 * ```ts
 * import { migrationStatus } from "registers/migrate";
 *
 * const pending = (await migrationStatus({ url: "app.db", migrations: "./migrations" })).filter((m) => m.state === "pending");
 * ```
 */
export async function migrationStatus(options: StatusOptions): Promise<MigrationState[]> {
  const files = readMigrations(options.migrations);
  const db = await openMigrationDatabase(options.url);
  let ledger: Awaited<ReturnType<typeof readLedger>>;
  try {
    ledger = await readLedger(db.connection, db.dialect).catch((error: unknown) => {
      throw migrationDatabaseError(error, db.dialect, "reading the ledger");
    });
  } finally {
    await db.close();
  }
  const applied = new Map(ledger.map((row) => [row.name, row]));
  const onDisk = new Set(files.map((f) => f.name));
  const states: MigrationState[] = files.map((file) => {
    const row = applied.get(file.name);
    if (row === undefined) return { name: file.name, state: "pending", appliedAt: null, durationMs: null };
    return {
      name: file.name,
      state: row.checksum === file.checksum ? "applied" : "changed",
      appliedAt: row.appliedAt,
      durationMs: row.durationMs,
    };
  });
  for (const row of ledger) {
    if (!onDisk.has(row.name))
      states.push({ name: row.name, state: "missing", appliedAt: row.appliedAt, durationMs: row.durationMs });
  }
  return states.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
