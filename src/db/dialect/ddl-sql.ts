/**
 * DDL statement text every dialect shares (CREATE TABLE IF NOT EXISTS, DROP TABLE IF EXISTS, the
 * head of ALTER TABLE ADD COLUMN), from the dialect's quoting; each dialect adds its own column
 * definitions and clauses. It may import errors and the dialect types.
 */
import { ConfigurationError } from "../errors.js";
import type { ColumnSpec, ForeignKeySpec, IndexSpec, TableSpec } from "./dialect.js";

type Quote = (identifier: string) => string;

/** `CREATE TABLE IF NOT EXISTS "name" (\n  <defs>\n)<suffix>`. */
export function createTableSql(quote: Quote, name: string, defs: readonly string[], suffix = ""): string {
  return `CREATE TABLE IF NOT EXISTS ${quote(name)} (\n  ${defs.join(",\n  ")}\n)${suffix}`;
}

/** `DROP TABLE IF EXISTS "name"`. */
export function dropTableSql(quote: Quote, name: string): string {
  return `DROP TABLE IF EXISTS ${quote(name)}`;
}

/**
 * `ALTER TABLE "table" ADD COLUMN "column" <type>` with its nullability: `nullable` (" NULL", or ""
 * where NULL is implied), else `NOT NULL DEFAULT <defaultSql(the schema's default)>` (rows that
 * already exist need a value). The dialect appends its constraints.
 */
export function addColumnSql(
  quote: Quote,
  table: string,
  column: ColumnSpec,
  type: string,
  defaultSql: (value: unknown) => string,
  nullable = " NULL",
): string {
  const head = `ALTER TABLE ${quote(table)} ADD COLUMN ${quote(column.name)} ${type}`;
  return column.nullable
    ? `${head}${nullable}`
    : `${head} NOT NULL DEFAULT ${defaultSql(requireDefault(column))}`;
}

/**
 * The default a NOT NULL column is added with: rows that already exist need a value, so such a
 * column needs its schema's `.default(...)` (`ConfigurationError` otherwise), on every database.
 */
function requireDefault(column: ColumnSpec): unknown {
  if (column.defaultValue === undefined || column.defaultValue === null) {
    throw new ConfigurationError(
      `cannot add the NOT NULL column "${column.name}" without a default: ` +
        "make it nullable or give its schema a .default(...)",
    );
  }
  return column.defaultValue;
}

const ON_DELETE: Record<ForeignKeySpec["onDelete"], string> = {
  cascade: " ON DELETE CASCADE",
  restrict: " ON DELETE RESTRICT",
  setNull: " ON DELETE SET NULL",
  noAction: "",
};

/** `CONSTRAINT "name" FOREIGN KEY ("a") REFERENCES "t" ("id") ON DELETE ...` (a table element). */
export function foreignKeySql(quote: Quote, key: ForeignKeySpec): string {
  const list = (names: readonly string[]) => names.map(quote).join(", ");
  return (
    `CONSTRAINT ${quote(key.name)} FOREIGN KEY (${list(key.columns)}) ` +
    `REFERENCES ${quote(key.references.table)} (${list(key.references.columns)})${ON_DELETE[key.onDelete]}`
  );
}

/** `CREATE [UNIQUE] INDEX [IF NOT EXISTS] "name" ON "table" ("a", "b")`, MySQL prefixes as `` `a`(255) ``. */
export function createIndexSql(quote: Quote, table: string, index: IndexSpec, ifNotExists: boolean): string {
  const unique = index.unique ? "UNIQUE " : "";
  const guard = ifNotExists ? "IF NOT EXISTS " : "";
  const column = (name: string) => {
    const prefix = index.prefixes?.[name];
    return prefix === undefined ? quote(name) : `${quote(name)}(${prefix})`;
  };
  return `CREATE ${unique}INDEX ${guard}${quote(index.name)} ON ${quote(table)} (${index.columns.map(column).join(", ")})`;
}

/** ` DEFAULT <literal>` of a column when the table asks for defaults and the schema has a literal one. */
export function defaultClause(
  table: TableSpec,
  column: ColumnSpec,
  literal: (value: unknown) => string,
): string {
  if (table.columnDefaults !== true || column.primaryKey) return "";
  const value = column.defaultValue;
  if (value === undefined || value === null || column.kind === "json" || column.kind === "date") return "";
  return ` DEFAULT ${literal(value)}`;
}
