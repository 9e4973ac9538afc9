/**
 * The SQLite dialect: URL parsing, SQL text, value codecs, catalog queries and error
 * classification. It may import the dialect seam, json-list and the SQLite driver, binding and
 * errors modules.
 */
import { ConnectionError } from "../../errors.js";
import {
  addColumnSql,
  createIndexSql,
  createTableSql,
  defaultClause,
  dropTableSql,
  foreignKeySql,
} from "../ddl-sql.js";
import type {
  ColumnKind,
  ColumnSpec,
  Dialect,
  Driver,
  DriverErrorKind,
  Session,
  TableSpec,
  UpsertSpec,
} from "../dialect.js";
import { jsonList } from "../json-list.js";
import { booleanToBit, dateToIso, fromJsonText, toJsonText, valueCodec } from "../value-codec.js";
import { loadSqliteBinding, type SqliteDriverName, type SqliteHandle } from "./sqlite-binding.js";
import { SqliteDriver } from "./sqlite-driver.js";
import { classifySqliteError } from "./sqlite-errors.js";

/** A parsed SQLite URL: an absolute file path, or the process-wide in-memory database. */
export interface SqliteTarget {
  /** Absolute file path, or `":memory:"`. */
  readonly filename: string;
  readonly memory: boolean;
  /**
   * The binding the URL asked for (`?driver=better-sqlite3` or `?driver=node`); absent: the
   * `REGISTERS_SQLITE_DRIVER` environment variable, else the default of the running Node line.
   */
  readonly driver?: SqliteDriverName;
}

/** Field values to driver parameters and back. */
const codec = valueCodec(
  { boolean: booleanToBit, date: dateToIso, json: toJsonText },
  {
    integer: (value) => (typeof value === "bigint" ? Number(value) : value),
    float: (value) => (typeof value === "bigint" ? Number(value) : value),
    boolean: (value) => (value === 1 || value === 1n ? true : value === 0 || value === 0n ? false : value),
    bigint: (value) => (typeof value === "number" ? BigInt(value) : value),
    date: (value) => (typeof value === "string" ? new Date(value) : value),
    json: fromJsonText,
  },
);

/**
 * SQLite through better-sqlite3 or Node's built-in node:sqlite (see `loadSqliteBinding` for which).
 * The dialect chooses and loads the binding in `createDriver()`; the engine never sees which. Types: integers and `bigint` are `INTEGER` (bigints read back with
 * `safeIntegers`), floats `REAL`, booleans `INTEGER` 0/1 (read back as booleans), dates ISO-8601 `TEXT`,
 * JSON `TEXT`, enums `TEXT CHECK (...)`. Files use WAL and `foreign_keys=ON`.
 *
 * @example
 * ```ts
 * const dialect = new SqliteDialect({ filename: "/srv/app.db", memory: false });
 * const driver = await dialect.createDriver();
 * ```
 */
export class SqliteDialect implements Dialect {
  readonly name = "sqlite" as const;
  readonly encode = codec.encode;
  readonly decode = codec.decode;
  readonly maxParameters = 32_766;
  readonly supportsReturning = true;
  readonly reportsLastInsertId = true;
  readonly bulkInsertId = "last" as const;
  readonly target: SqliteTarget;

  constructor(target: SqliteTarget) {
    this.target = target;
  }

  async createDriver(): Promise<Driver> {
    const binding = loadSqliteBinding(this.target.driver);
    let db: SqliteHandle | undefined;
    try {
      db = binding.open(this.target.filename);
      if (!this.target.memory) {
        db.exec("PRAGMA journal_mode = WAL");
        db.exec("PRAGMA synchronous = NORMAL");
        db.exec("PRAGMA busy_timeout = 5000");
      }
      db.exec("PRAGMA foreign_keys = ON");
      db.function("registers_like", { deterministic: true }, likeCaseSensitive);
    } catch (error) {
      if (db?.open) db.close();
      throw new ConnectionError(
        `cannot open SQLite database ${this.target.filename} (with ${binding.name === "node" ? "node:sqlite" : "better-sqlite3"}): ` +
          "check that its directory exists and is writable, and that the file is a SQLite database",
        { cause: error },
      );
    }
    return new SqliteDriver(db, binding.name);
  }

  /** `quote` as a function value (for the shared SQL builders). */
  readonly q = (identifier: string): string => this.quote(identifier);

  quote(identifier: string): string {
    return `"${identifier.replaceAll('"', '""')}"`;
  }

  param(_index: number): string {
    return "?";
  }

  columnType(column: ColumnSpec): string {
    switch (column.kind) {
      case "integer":
      case "bigint":
      case "boolean":
        return "INTEGER";
      case "float":
        return "REAL";
      case "enum": {
        const values = (column.enumValues ?? []).map(literal).join(", ");
        return values ? `TEXT CHECK (${this.quote(column.name)} IN (${values}))` : "TEXT";
      }
      default:
        return "TEXT";
    }
  }

  createTable(table: TableSpec): string[] {
    const defs = table.columns.map((column) => {
      let def = `${this.quote(column.name)} ${this.columnType(column)}`;
      if (column.primaryKey)
        def += column.autoincrement ? " PRIMARY KEY AUTOINCREMENT" : " PRIMARY KEY NOT NULL";
      else if (!column.nullable) def += " NOT NULL";
      return def + defaultClause(table, column, (value) => literal(this.encode(column.kind, value)));
    });
    for (const field of table.uniqueFields) {
      if (field === table.keyField) continue;
      defs.push(`CONSTRAINT ${this.quote(`${table.name}_${field}_key`)} UNIQUE (${this.quote(field)})`);
    }
    for (const key of table.foreignKeys ?? []) defs.push(foreignKeySql(this.q, key));
    const indexes = (table.indexes ?? []).map((index) => createIndexSql(this.q, table.name, index, true));
    return [createTableSql(this.q, table.name, defs), ...indexes];
  }

  dropTable(table: string): string {
    return dropTableSql(this.q, table);
  }

  truncate(table: string): string {
    // DELETE keeps sqlite_sequence: AUTOINCREMENT ids are never reused.
    return `DELETE FROM ${this.quote(table)}`;
  }

  addColumn(table: string, column: ColumnSpec): string {
    let sql = addColumnSql(
      this.q,
      table,
      column,
      this.columnType(column),
      (value) => literal(this.encode(column.kind, value)),
      "",
    );
    if (column.unique) sql += " UNIQUE";
    return sql;
  }

  upsert({ table, columns, conflict, update, returning, rows = 1 }: UpsertSpec): string {
    const q = (c: string) => this.quote(c);
    const sets = (update.length > 0 ? update : conflict.slice(0, 1)).map((c) => `${q(c)} = excluded.${q(c)}`);
    const tail = returning.length > 0 ? ` RETURNING ${returning.map(q).join(", ")}` : "";
    const group = `(${columns.map(() => "?").join(", ")})`;
    return (
      `INSERT INTO ${q(table)} (${columns.map(q).join(", ")}) VALUES ${Array(rows).fill(group).join(", ")} ` +
      `ON CONFLICT (${conflict.map(q).join(", ")}) DO UPDATE SET ${sets.join(", ")}${tail}`
    );
  }

  limitOffset(limit: number | null, offset: number | null, _nextParam: number) {
    if (limit === null && offset === null) return { sql: "", params: [] };
    if (offset === null) return { sql: " LIMIT ?", params: [limit] };
    return { sql: " LIMIT ? OFFSET ?", params: [limit ?? -1, offset] };
  }

  ilike(column: string, param: string): string {
    return `${column} LIKE ${param} ESCAPE '\\'`;
  }

  like(column: string, param: string): string {
    return `registers_like(${param}, ${column}) = 1`;
  }

  begin(): string {
    return "BEGIN IMMEDIATE";
  }

  inList(column: string, _kind: ColumnKind, param: string, negate: boolean): string {
    return `${column} ${negate ? "NOT IN" : "IN"} (SELECT value FROM json_each(${param}))`;
  }

  encodeList(kind: ColumnKind, values: readonly unknown[]): unknown {
    return jsonList(values.map((value) => this.encode(kind, value)));
  }

  async tableExists(session: Session, table: string): Promise<boolean> {
    const sql = "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?";
    return (await session.prepare(sql).all([table])).length > 0;
  }

  async columnNames(session: Session, table: string): Promise<string[]> {
    const rows = await session.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid").all([table]);
    return rows.map((row) => String(row.name));
  }

  classifyError(error: unknown): DriverErrorKind {
    return classifySqliteError(error);
  }
}

function literal(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "1" : "0";
  return `'${String(value).replaceAll("'", "''")}'`;
}

/** Case-sensitive LIKE with `\` escapes (SQLite's own LIKE ignores ASCII case). */
function likeCaseSensitive(pattern: unknown, value: unknown): number | null {
  if (pattern === null || value === null) return null;
  let source = "^";
  const text = String(pattern);
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "\\" && i + 1 < text.length) source += escapeRegExp(text[++i]);
    else if (ch === "%") source += "[\\s\\S]*";
    else if (ch === "_") source += "[\\s\\S]";
    else source += escapeRegExp(ch);
  }
  return new RegExp(`${source}$`, "u").test(String(value)) ? 1 : 0;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}
