/**
 * The migrations folder on disk: one folder per migration, `<UTC timestamp>_<name>/migration.sql`,
 * applied in name order. Reads them (`readMigrations`), checksums them (`checksumOf`, SHA-256 of
 * the text with line endings normalised) and writes the next one (`writeMigration`). Each file
 * starts with a header naming the database it was generated for; the runner refuses a file written
 * for another database. It may import node:fs, node:crypto and the migration errors.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { MigrationFileError } from "./errors.js";
import type { SqlFlavor } from "./split-statements.js";

/**
 * The file each migration folder holds.
 *
 * @example
 * ```ts
 * join("migrations", "20260101000000_init", MIGRATION_FILE); // migrations/20260101000000_init/migration.sql
 * ```
 */
export const MIGRATION_FILE = "migration.sql";

/** A folder name: 14 digits (UTC `YYYYMMDDHHMMSS`), `_`, then a name of letters, digits, `_` and `-`. */
const FOLDER = /^(\d{14})_([A-Za-z0-9_-]+)$/;
const HEADER_DIALECT = /^-- dialect: (sqlite|postgres|mysql)\s*$/m;

/** One migration read from disk. */
export interface MigrationFile {
  /** The folder name, which is also the ledger's key: `20260101120000_add_orders`. */
  readonly name: string;
  /** Absolute path of its `migration.sql`. */
  readonly path: string;
  /** The SQL text as on disk. */
  readonly sql: string;
  /** SHA-256 (hex) of the text with CRLF line endings turned into LF. */
  readonly checksum: string;
  /** The database named by the header (`-- dialect: postgres`), if the header is there. */
  readonly dialect: SqlFlavor | undefined;
}

/**
 * The SHA-256 checksum the ledger stores: of the text with CRLF turned into LF, so a checkout on
 * Windows (`core.autocrlf`) does not count as a change.
 *
 * @example
 * ```ts
 * checksumOf("SELECT 1;\r\n") === checksumOf("SELECT 1;\n"); // true
 * ```
 */
export function checksumOf(sql: string): string {
  return createHash("sha256").update(sql.replace(/\r\n/g, "\n"), "utf8").digest("hex");
}

/**
 * Every migration of `folder`, in name (= time) order. A missing folder holds none. Entries that
 * are not folders, and folders whose name does not start with 14 digits and `_`, are ignored (a
 * README beside them is fine); a migration folder without `migration.sql` is a `MigrationFileError`.
 *
 * @example
 * ```ts
 * readMigrations("./migrations").map((m) => m.name); // ["20260101120000_init", ...]
 * ```
 */
export function readMigrations(folder: string): MigrationFile[] {
  if (!existsSync(folder)) return [];
  const names = readdirSync(folder)
    .filter((name) => FOLDER.test(name) && statSync(join(folder, name)).isDirectory())
    .sort();
  return names.map((name) => {
    const path = join(folder, name, MIGRATION_FILE);
    if (!existsSync(path)) {
      throw new MigrationFileError(
        `migration ${name} has no ${MIGRATION_FILE}: add it, or delete the folder ${join(folder, name)}`,
        name,
      );
    }
    const sql = readFileSync(path, "utf8");
    const dialect = HEADER_DIALECT.exec(sql)?.[1] as SqlFlavor | undefined;
    return { name, path, sql, checksum: checksumOf(sql), dialect };
  });
}

/**
 * The folder name of a new migration: `<UTC YYYYMMDDHHMMSS>_<name>`, one second after the newest
 * existing migration when the clock would not sort it last. `name` is lower-cased, and runs of
 * characters other than letters, digits, `_` and `-` become `_`.
 *
 * @example
 * ```ts
 * migrationFolderName("Add orders", new Date("2026-01-02T03:04:05Z"), []); // "20260102030405_add_orders"
 * ```
 */
export function migrationFolderName(name: string, now: Date, existing: readonly string[]): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (slug === "") throw new MigrationFileError(`the migration name ${JSON.stringify(name)} is empty`, name);
  let stamp = timestamp(now);
  const newest = existing
    .map((e) => FOLDER.exec(e)?.[1])
    .filter((s) => s !== undefined)
    .sort()
    .at(-1);
  if (newest !== undefined && stamp <= newest) stamp = timestamp(new Date(parseStamp(newest) + 1000));
  return `${stamp}_${slug}`;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, "").slice(0, 14);
}

function parseStamp(stamp: string): number {
  const [y, mo, d, h, mi, s] = [0, 4, 6, 8, 10, 12].map((at, i) =>
    Number(stamp.slice(at, at + (i === 0 ? 4 : 2))),
  );
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/**
 * Writes `<folder>/<name>/migration.sql` (creating the folders) and returns its path. Refuses to
 * overwrite an existing migration.
 *
 * @example
 * ```ts
 * writeMigration("./migrations", "20260102030405_add_orders", "-- dialect: sqlite\nCREATE TABLE ...;\n");
 * ```
 */
export function writeMigration(folder: string, name: string, sql: string): string {
  const dir = join(folder, name);
  if (existsSync(dir)) throw new MigrationFileError(`the migration ${name} already exists`, name);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, MIGRATION_FILE);
  writeFileSync(path, sql, { flag: "wx" });
  return path;
}
