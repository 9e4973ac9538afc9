/**
 * DDL statement text every dialect shares (CREATE TABLE IF NOT EXISTS, DROP TABLE IF EXISTS, the
 * head of ALTER TABLE ADD COLUMN), from the dialect's quoting; each dialect adds its own column
 * definitions and clauses. It may import errors and the dialect types.
 */
import { ConfigurationError } from "../errors.js";
import type { ColumnSpec } from "./dialect.js";

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
