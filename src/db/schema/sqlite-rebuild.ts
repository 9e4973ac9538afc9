/**
 * SQLite table rebuilds, for what its `ALTER TABLE` cannot do (change a column's type,
 * nullability or default, add or drop a foreign key or a unique constraint, drop a column): SQLite's
 * documented procedure, with foreign keys off so that dropping the old table neither cascades nor
 * fails, and a check afterwards that every foreign key still holds (a CHECK constraint fails the
 * migration when `pragma_foreign_key_check` reports rows). It may import the dialect SQL helpers and
 * the schema modules.
 */
import { createIndexSql } from "../dialect/ddl-sql.js";
import type { Dialect } from "../dialect/dialect.js";
import { tableSpecOf } from "./create-tables.js";
import { defaultSql } from "./ddl-dialects.js";
import type { SchemaChange, TableDefinition } from "./types.js";

/** The first statement of a migration holding a rebuild (a no-op inside a transaction). */
export const SQLITE_FOREIGN_KEYS_OFF = "PRAGMA foreign_keys = OFF";

/** The last statements: fail when a foreign key is broken, then turn foreign keys back on. */
export const SQLITE_FOREIGN_KEYS_ON: readonly string[] = [
  "DROP TABLE IF EXISTS temp.registers_foreign_key_check",
  "CREATE TEMP TABLE registers_foreign_key_check (broken INTEGER CHECK (broken = 0))",
  "INSERT INTO temp.registers_foreign_key_check SELECT count(*) FROM pragma_foreign_key_check",
  "DROP TABLE temp.registers_foreign_key_check",
  "PRAGMA foreign_keys = ON",
];

/**
 * The tables whose changes need a rebuild on SQLite, with the definition to rebuild them to.
 *
 * @example
 * ```ts
 * needsRebuild(diff.changes); // Map { "users" => definition }
 * ```
 */
export function needsRebuild(changes: readonly SchemaChange[]): Map<string, TableDefinition> {
  const out = new Map<string, TableDefinition>();
  for (const change of changes) {
    let rebuild = false;
    switch (change.kind) {
      case "alterColumn":
      case "dropColumn":
      case "addForeignKey":
      case "dropForeignKey":
        rebuild = true;
        break;
      case "dropIndex":
        rebuild = change.index.constraint === true;
        break;
      case "addColumn":
        rebuild = !change.column.nullable && change.column.default === null;
        break;
      default:
        break;
    }
    if (rebuild && "definition" in change && change.kind !== "dropTable")
      out.set(change.table, change.definition);
  }
  return out;
}

/**
 * The statements that rebuild `definition.name` as `definition`, copying the rows of its columns
 * that existed before (columns added by `changes` take their default).
 *
 * @example
 * ```ts
 * rebuildSql(dialect, definition, diff.changes); // ['CREATE TABLE ... "users__registers_new"', 'INSERT ...', ...]
 * ```
 */
export function rebuildSql(
  dialect: Dialect,
  definition: TableDefinition,
  changes: readonly SchemaChange[],
): string[] {
  const q = (name: string) => dialect.quote(name);
  const table = definition.name;
  const fresh = `${table}__registers_new`;
  const added = new Set(
    changes.flatMap((c) => (c.kind === "addColumn" && c.table === table ? [c.column.name] : [])),
  );
  const copied = definition.columns.filter((c) => !added.has(c.name));
  const values = copied.map((c) => {
    const fallback = c.spec === undefined || c.nullable ? null : defaultSql(dialect, c.spec);
    return fallback === null ? q(c.name) : `COALESCE(${q(c.name)}, ${fallback})`;
  });
  const spec = { ...tableSpecOf(definition, definition.primaryKey[0] ?? ""), name: fresh, indexes: [] };
  const [create] = dialect.createTable(spec);
  const name = `'${table.replaceAll("'", "''")}'`;
  return [
    create as string,
    `INSERT INTO ${q(fresh)} (${copied.map((c) => q(c.name)).join(", ")}) SELECT ${values.join(", ")} FROM ${q(table)}`,
    // With foreign keys still on (PRAGMA foreign_keys is ignored inside a transaction), dropping a
    // table that others reference would cascade or fail: stop here instead, before anything is lost.
    "CREATE TEMP TABLE IF NOT EXISTS registers_rebuild_guard (run_pragma_foreign_keys_off_outside_the_transaction INTEGER CHECK (run_pragma_foreign_keys_off_outside_the_transaction = 0))",
    "INSERT INTO temp.registers_rebuild_guard SELECT (SELECT foreign_keys FROM pragma_foreign_keys) * " +
      `(SELECT count(*) FROM sqlite_schema AS s, pragma_foreign_key_list(s.name) AS f WHERE s.type = 'table' AND s.name <> ${name} AND f."table" = ${name})`,
    "DROP TABLE temp.registers_rebuild_guard",
    `DROP TABLE ${q(table)}`,
    `ALTER TABLE ${q(fresh)} RENAME TO ${q(table)}`,
    ...definition.indexes.filter((i) => i.constraint !== true).map((i) => createIndexSql(q, table, i, false)),
  ];
}
