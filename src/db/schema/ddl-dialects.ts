/**
 * The dialects `migrationSql` renders with, built without a connection (their SQL text needs none),
 * and the pieces of column DDL every migration statement shares: the column definition with its
 * nullability, literal default and enum check. It may import the dialect modules and naming.
 */
import type { ColumnSpec, Dialect } from "../dialect/dialect.js";
import { createMysqlDialect } from "../dialect/mysql/index.js";
import { createPostgresDialect } from "../dialect/postgres/index.js";
import { createSqliteDialect } from "../dialect/sqlite/index.js";
import type { DialectName } from "./types.js";

const made = new Map<DialectName, Dialect>();

/**
 * A dialect for SQL text only (never connected).
 *
 * @example
 * ```ts
 * ddlDialect("postgres").quote("users"); // '"users"'
 * ```
 */
export function ddlDialect(name: DialectName): Dialect {
  let dialect = made.get(name);
  if (dialect === undefined) {
    if (name === "sqlite") dialect = createSqliteDialect(":memory:");
    else if (name === "postgres") dialect = createPostgresDialect("postgres://localhost/registers");
    else dialect = createMysqlDialect("mysql://localhost/registers");
    made.set(name, dialect);
  }
  return dialect;
}

/** The column's literal default as SQL (`'x'`, `5`, `TRUE`, MySQL `('x')`), or `null`. */
export function defaultSql(dialect: Dialect, spec: ColumnSpec): string | null {
  const value = spec.defaultValue;
  if (value === undefined || value === null || spec.kind === "json" || spec.kind === "date") return null;
  const encoded = dialect.encode(spec.kind, value);
  let text: string;
  if (typeof encoded === "number" || typeof encoded === "bigint") text = String(encoded);
  else if (typeof encoded === "boolean")
    text = dialect.name === "postgres" ? (encoded ? "TRUE" : "FALSE") : encoded ? "1" : "0";
  else {
    let body = String(encoded).replaceAll("'", "''");
    if (dialect.name === "mysql") body = body.replaceAll("\\", "\\\\");
    text = `'${body}'`;
  }
  return dialect.name === "mysql" ? `(${text})` : text;
}

/** The storage type without a CHECK (PostgreSQL `ALTER COLUMN ... TYPE` takes no constraint). */
export function bareType(dialect: Dialect, spec: ColumnSpec): string {
  const type = dialect.columnType(spec);
  const check = type.indexOf(" CHECK");
  return check < 0 ? type : type.slice(0, check);
}

/** MySQL's enum CHECK (the other dialects put it in the type). */
function mysqlCheck(dialect: Dialect, spec: ColumnSpec): string {
  if (dialect.name !== "mysql" || spec.kind !== "enum" || !spec.enumValues?.length) return "";
  const values = spec.enumValues
    .map((v) => `'${v.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`)
    .join(", ");
  return ` CHECK (${dialect.quote(spec.name)} IN (${values}))`;
}

/**
 * `"name" <type> [NOT] NULL [DEFAULT ...]` as `ADD COLUMN` and MySQL's `MODIFY COLUMN` take it.
 *
 * @example
 * ```ts
 * columnDefinitionSql(ddlDialect("postgres"), spec); // '"age" BIGINT NOT NULL DEFAULT 0'
 * ```
 */
export function columnDefinitionSql(dialect: Dialect, spec: ColumnSpec): string {
  const nullable = spec.nullable && !spec.primaryKey;
  const fallback = defaultSql(dialect, spec);
  const identity = spec.autoincrement && dialect.name === "mysql" ? " AUTO_INCREMENT" : "";
  return (
    `${dialect.quote(spec.name)} ${dialect.columnType(spec)}${nullable ? (dialect.name === "sqlite" ? "" : " NULL") : " NOT NULL"}${identity}` +
    `${fallback === null ? "" : ` DEFAULT ${fallback}`}${mysqlCheck(dialect, spec)}`
  );
}
