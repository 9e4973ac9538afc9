/**
 * The `registers_migrations` ledger table: one row per applied migration (name, checksum, applied
 * time as UTC ISO-8601 text, duration in milliseconds). Created when first needed; read by status,
 * migrate and check. It may import the dialect types only.
 */
import type { Dialect, Session } from "../db/dialect/dialect.js";

/**
 * The ledger table's name.
 *
 * @example
 * ```ts
 * LEDGER_TABLE; // "registers_migrations"
 * ```
 */
export const LEDGER_TABLE = "registers_migrations";

/**
 * One row of the ledger.
 *
 * @example
 * ```ts
 * const row: LedgerRow = { name: "20260101000000_init", checksum: "9f86...", appliedAt: "2026-01-01T00:00:00.000Z", durationMs: 12 };
 * ```
 */
export interface LedgerRow {
  readonly name: string;
  readonly checksum: string;
  /** UTC ISO-8601 (`2026-01-02T03:04:05.678Z`). */
  readonly appliedAt: string;
  readonly durationMs: number;
}

/**
 * `CREATE TABLE IF NOT EXISTS registers_migrations (...)` for the dialect. The same four columns on
 * every database; text for the time, so it reads the same everywhere.
 *
 * @example
 * ```ts
 * await session.exec(ledgerDdl(dialect));
 * ```
 */
export function ledgerDdl(dialect: Dialect): string {
  const q = (name: string) => dialect.quote(name);
  return (
    `CREATE TABLE IF NOT EXISTS ${q(LEDGER_TABLE)} (` +
    `${q("name")} VARCHAR(255) NOT NULL PRIMARY KEY, ` +
    `${q("checksum")} VARCHAR(64) NOT NULL, ` +
    `${q("applied_at")} VARCHAR(32) NOT NULL, ` +
    `${q("duration_ms")} INTEGER NOT NULL)`
  );
}

/**
 * Every ledger row, by name; none when the table does not exist yet.
 *
 * @example
 * ```ts
 * const applied = await readLedger(connection, dialect); // [{ name, checksum, appliedAt, durationMs }]
 * ```
 */
export async function readLedger(session: Session, dialect: Dialect): Promise<LedgerRow[]> {
  if (!(await dialect.tableExists(session, LEDGER_TABLE))) return [];
  const q = (name: string) => dialect.quote(name);
  const rows = await session
    .prepare(
      `SELECT ${q("name")} AS ${q("name")}, ${q("checksum")} AS ${q("checksum")}, ` +
        `${q("applied_at")} AS ${q("applied_at")}, ${q("duration_ms")} AS ${q("duration_ms")} ` +
        `FROM ${q(LEDGER_TABLE)} ORDER BY ${q("name")}`,
    )
    .all([]);
  return rows.map((row) => ({
    name: String(row.name),
    checksum: String(row.checksum),
    appliedAt: String(row.applied_at),
    durationMs: Number(row.duration_ms),
  }));
}

/**
 * The ledger row of one migration, or `undefined` (the runner re-reads it inside SQLite's exclusive
 * transaction, so two processes never apply the same migration).
 *
 * @example
 * ```ts
 * await ledgerRow(connection, dialect, "20260101000000_init"); // LedgerRow | undefined
 * ```
 */
export async function ledgerRow(
  session: Session,
  dialect: Dialect,
  name: string,
): Promise<LedgerRow | undefined> {
  const q = (column: string) => dialect.quote(column);
  const rows = await session
    .prepare(
      `SELECT ${q("checksum")} AS ${q("checksum")}, ${q("applied_at")} AS ${q("applied_at")}, ` +
        `${q("duration_ms")} AS ${q("duration_ms")} FROM ${q(LEDGER_TABLE)} WHERE ${q("name")} = ${dialect.param(1)}`,
    )
    .all([name]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    name,
    checksum: String(row.checksum),
    appliedAt: String(row.applied_at),
    durationMs: Number(row.duration_ms),
  };
}

/**
 * Records an applied migration.
 *
 * @example
 * ```ts
 * await recordMigration(connection, dialect, { name, checksum, appliedAt: new Date().toISOString(), durationMs: 12 });
 * ```
 */
export async function recordMigration(session: Session, dialect: Dialect, row: LedgerRow): Promise<void> {
  const q = (column: string) => dialect.quote(column);
  const p = (i: number) => dialect.param(i);
  await session
    .prepare(
      `INSERT INTO ${q(LEDGER_TABLE)} (${q("name")}, ${q("checksum")}, ${q("applied_at")}, ${q("duration_ms")}) ` +
        `VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)})`,
    )
    .run([row.name, row.checksum, row.appliedAt, Math.round(row.durationMs)]);
}
