/**
 * The schema lifecycle of registers/db: compare the models with a live database, render the SQL
 * that brings the database to the models, and refuse to start on a database that drifted.
 *
 * Contract (what the migration runner and the `registers` command build on):
 * - `diffSchema(models, url, { renames })` introspects the database at `url` (SQLite
 *   `sqlite_schema`/`pragma_*`, PostgreSQL `information_schema` + `pg_catalog`, MariaDB/MySQL
 *   `information_schema`) and returns a `SchemaDiff`: `changes` (a union on `kind`: createTable,
 *   dropTable, addColumn, dropColumn, alterColumn, renameColumn, addIndex, dropIndex,
 *   addForeignKey, dropForeignKey; each with `table`, `destructive` and a one-line `summary`),
 *   `possibleRenames` (a dropped and an added column of compatible type in one table: never applied
 *   unless given back in `renames`) and `clean`. The ledger table `registers_migrations` is ignored.
 * - `migrationSql(diffOrChanges, dialect)` renders complete statements, in an order the database
 *   accepts (drops of foreign keys first, creations of foreign keys last); SQLite rebuilds a table
 *   where `ALTER TABLE` cannot make the change (type, nullability, default, foreign keys, unique
 *   constraints), keeping its rows. Such a list starts with `PRAGMA foreign_keys = OFF` and ends
 *   with a foreign key check and `PRAGMA foreign_keys = ON`: SQLite ignores those PRAGMAs inside a
 *   transaction, so a runner executes the first and the last statement outside the migration's
 *   transaction (inside one, a guard statement fails the rebuild of a referenced table before any
 *   row is lost).
 * - `diffSchema` opens (and keeps open) the engine of `url`, shared with models on that URL:
 *   `disposeAll()` closes it.
 * - `assertSchemaCurrent(models, url?)` throws `SchemaDriftError` (`REGISTERS_SCHEMA_DRIFT`), whose
 *   message and `changes` name every difference.
 *
 * @example
 * ```ts
 * import { diffSchema, migrationSql } from "registers/db";
 * const diff = await diffSchema([User, Order], "app.db");
 * for (const statement of migrationSql(diff, diff.dialect)) console.log(`${statement};`);
 * ```
 */
export { diffSchema, MIGRATIONS_TABLE } from "./diff-schema.js";
export { assertSchemaCurrent, SchemaDriftError } from "./drift-error.js";
export { migrationSql } from "./migration-sql.js";
export type * from "./types.js";
