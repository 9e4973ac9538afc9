/**
 * The PostgreSQL dialect: SQL text, value codecs, catalog queries and error classification over
 * `pg`. It may import the dialect seam, server-url and its driver and errors modules.
 */
import { createHash } from "node:crypto";
import { ConnectionError } from "../../errors.js";
import { addColumnSql, createIndexSql, createTableSql, defaultClause, foreignKeySql } from "../ddl-sql.js";
import type {
  ColumnKind,
  ColumnSpec,
  Dialect,
  Driver,
  DriverErrorKind,
  IsolationLevel,
  TableSpec,
  UpsertSpec,
} from "../dialect.js";
import { ServerDialect } from "../server-dialect.js";
import { describeServer, loadDriver, type ServerUrl, tlsOptions } from "../server-url.js";
import { bigintToText, dateToIso, toBigint, toJsonText, toNumber, valueCodec } from "../value-codec.js";
import { type PgModule, type PgTypeParsers, PostgresDriver } from "./postgres-driver.js";
import {
  type ConstraintInfo,
  classifyPostgresError,
  isPostgresConnectionFailure,
} from "./postgres-errors.js";

const INT8_OID = 20;
/** The element type of an `in` list's array parameter per field kind (the column's own type). */
const LIST_TYPES: Record<ColumnKind, string> = {
  integer: "bigint",
  bigint: "bigint",
  float: "double precision",
  boolean: "boolean",
  string: "text",
  enum: "text",
  uuid: "uuid",
  date: "timestamptz",
  json: "jsonb",
};
const MAX_IDENTIFIER_BYTES = 63;

/** Field values to driver parameters and back. */
const codec = valueCodec(
  // pg would send JS arrays as PostgreSQL arrays: JSON is always sent as JSON text.
  { date: dateToIso, bigint: bigintToText, json: toJsonText },
  {
    integer: toNumber,
    float: toNumber,
    bigint: toBigint,
    date: (value) => (value instanceof Date ? value : new Date(value as string)),
  },
);

/**
 * PostgreSQL through `pg`. Integers are `BIGINT` (a `z.int()` is a 53-bit safe integer, wider than
 * `INTEGER`), read back as JS numbers; `z.bigint()` is `BIGINT` read back as `bigint`. `int8` is parsed
 * by this pool only (never `pg`'s global parsers): a number when safe, else a `bigint`.
 *
 * @example
 * ```ts
 * const dialect = new PostgresDialect(parseServerUrl("postgres://localhost/app", postgresUrlRules));
 * dialect.createTable(users); // ['CREATE TABLE IF NOT EXISTS "users" (...)']
 * ```
 */
export class PostgresDialect extends ServerDialect implements Dialect {
  readonly name = "postgres" as const;
  readonly encode = codec.encode;
  readonly decode = codec.decode;
  readonly maxParameters = 65_535;
  readonly supportsReturning = true;
  readonly rowLock = " FOR UPDATE";
  readonly #constraints = new Map<string, ConstraintInfo>();

  constructor(url: ServerUrl) {
    super(url, { schema: "current_schema()", param: "$1" });
  }

  async createDriver(): Promise<Driver> {
    const pg = await loadDriver<PgModule>(
      async () => (await import("pg")) as unknown as PgModule,
      "pg",
      "postgres://",
    );
    const url = this.url;
    const pool = new pg.Pool({
      host: url.host,
      port: url.port,
      user: url.user,
      password: url.password,
      database: url.database,
      max: url.poolSize,
      connectionTimeoutMillis: url.connectTimeout,
      application_name: "registers",
      types: int8Parsers(pg),
      ...(url.statementTimeout > 0 ? { statement_timeout: url.statementTimeout } : {}),
      ...(url.schema ? { options: `-c search_path=${url.schema}` } : {}),
      ...(tlsOptions(url.sslmode) ? { ssl: tlsOptions(url.sslmode) } : {}),
    });
    const driver = new PostgresDriver(
      pool,
      {
        query: (error) =>
          isPostgresConnectionFailure(error) ? this.connectionError(error) : this.scrub(error),
        connect: (error, poolBusy) => this.connectionError(error, poolBusy),
        isConnectionFailure: isPostgresConnectionFailure,
      },
      url.poolSize,
    );
    try {
      // Fail fast with a ConnectionError, and create the configured schema if it is missing.
      if (url.schema) {
        const found = await driver.prepare("SELECT 1 FROM pg_namespace WHERE nspname = $1").all([url.schema]);
        if (found.length === 0) await driver.exec(`CREATE SCHEMA IF NOT EXISTS ${this.quote(url.schema)}`);
      } else {
        await driver.exec("SELECT 1");
      }
    } catch (error) {
      await driver.close();
      throw error;
    }
    return driver;
  }

  /** A `ConnectionError` naming host:port/database, never the password; the cause is scrubbed too. */
  connectionError(error: unknown, poolBusy = false): ConnectionError {
    if (error instanceof ConnectionError) return error;
    if (poolBusy) {
      return new ConnectionError(
        `all ${this.url.poolSize} pooled connections to PostgreSQL at ${describeServer(this.url)} stayed busy for ` +
          `${this.url.connectTimeout} ms: raise the poolSize or connectTimeout URL option, and make sure ` +
          "transactions finish (each holds one connection until it ends)",
        { cause: this.scrub(error) },
      );
    }
    const code = (error as { code?: unknown } | null)?.code;
    const detail = typeof code === "string" ? ` (${code})` : "";
    return new ConnectionError(
      `no usable connection to PostgreSQL at ${describeServer(this.url)}${detail} (refused, lost or timed out): ` +
        "check that the server is running, the URL's host, port, database and credentials, and connectTimeout",
      { cause: this.scrub(error) },
    );
  }

  override quote(identifier: string): string {
    return `"${identifier.replaceAll('"', '""')}"`;
  }

  param(index: number): string {
    return `$${index}`;
  }

  columnType(column: ColumnSpec): string {
    return columnTypeText(column, this.quote(column.name));
  }

  createTable(table: TableSpec): string[] {
    const defs = table.columns.map((column) => {
      const identity = column.autoincrement ? " GENERATED BY DEFAULT AS IDENTITY" : "";
      const nullability = column.nullable && !column.primaryKey ? " NULL" : " NOT NULL";
      const fallback = defaultClause(table, column, (value) => literal(this.encode(column.kind, value)));
      return `${this.quote(column.name)} ${this.columnType(column)}${identity}${nullability}${fallback}`;
    });
    const keys = table.columns.filter((c) => c.primaryKey).map((c) => c.name);
    if (keys.length > 0) {
      const name = this.#constraintName(table.name, "pkey", keys, true);
      defs.push(`CONSTRAINT ${this.quote(name)} PRIMARY KEY (${keys.map((k) => this.quote(k)).join(", ")})`);
    }
    for (const column of uniqueColumns(table)) {
      const name = this.#constraintName(table.name, `${column}_key`, [column], false);
      defs.push(`CONSTRAINT ${this.quote(name)} UNIQUE (${this.quote(column)})`);
    }
    for (const key of table.foreignKeys ?? []) defs.push(foreignKeySql(this.q, key));
    const indexes = (table.indexes ?? []).map((index) => {
      if (index.unique) this.#constraints.set(index.name, { columns: [...index.columns], primaryKey: false });
      return createIndexSql(this.q, table.name, index, true);
    });
    return [createTableSql(this.q, table.name, defs), ...indexes];
  }

  truncate(table: string): string {
    // Keeps the identity sequence: deleted ids are never reused (as SQLite AUTOINCREMENT).
    return `TRUNCATE TABLE ${this.quote(table)}`;
  }

  addColumn(table: string, column: ColumnSpec): string {
    let sql = addColumnSql(this.q, table, column, this.columnType(column), (value) =>
      literal(this.encode(column.kind, value)),
    );
    if (column.unique) {
      const name = this.#constraintName(table, `${column.name}_key`, [column.name], false);
      sql += `, ADD CONSTRAINT ${this.quote(name)} UNIQUE (${this.quote(column.name)})`;
    }
    return sql;
  }

  upsert({ table, columns, conflict, update, returning, rows = 1 }: UpsertSpec): string {
    const q = (c: string) => this.quote(c);
    // With nothing to update, a no-op assignment still lets RETURNING report the existing row.
    const sets = (update.length > 0 ? update : conflict.slice(0, 1)).map((c) => `${q(c)} = EXCLUDED.${q(c)}`);
    const groups: string[] = [];
    for (let r = 0; r < rows; r++) {
      groups.push(columns.map((_, i) => this.param(r * columns.length + i + 1)).join(", "));
    }
    const values = groups.join("), (");
    const tail = returning.length > 0 ? ` RETURNING ${returning.map(q).join(", ")}` : "";
    return (
      `INSERT INTO ${q(table)} (${columns.map(q).join(", ")}) VALUES (${values}) ` +
      `ON CONFLICT (${conflict.map(q).join(", ")}) DO UPDATE SET ${sets.join(", ")}${tail}`
    );
  }

  limitOffset(limit: number | null, offset: number | null, nextParam: number) {
    const parts: string[] = [];
    const params: unknown[] = [];
    if (limit !== null) parts.push(`LIMIT ${this.param(nextParam + params.push(limit) - 1)}`);
    if (offset !== null) parts.push(`OFFSET ${this.param(nextParam + params.push(offset) - 1)}`);
    return { sql: parts.length > 0 ? ` ${parts.join(" ")}` : "", params };
  }

  ilike(column: string, param: string): string {
    return `${column} ILIKE ${param} ESCAPE '\\'`;
  }

  like(column: string, param: string): string {
    return `${column} LIKE ${param} ESCAPE '\\'`;
  }

  begin(): string {
    return "BEGIN";
  }

  beginWith(isolation: IsolationLevel): readonly string[] {
    return [`BEGIN ISOLATION LEVEL ${isolation.toUpperCase()}`];
  }

  inList(column: string, kind: ColumnKind, param: string, negate: boolean): string {
    const list = `${param}::${LIST_TYPES[kind]}[]`;
    return negate ? `${column} <> ALL(${list})` : `${column} = ANY(${list})`;
  }

  encodeList(kind: ColumnKind, values: readonly unknown[]): unknown {
    // pg sends a JS array as an array literal, each element as text.
    return values.map((value) => this.encode(kind, value));
  }

  classifyError(error: unknown): DriverErrorKind {
    return classifyPostgresError(error, this.#constraints);
  }

  /** `<table>_<suffix>` as PostgreSQL's own default names; hashed when it would pass 63 bytes. */
  #constraintName(table: string, suffix: string, columns: string[], primaryKey: boolean): string {
    let name = `${table}_${suffix}`;
    if (Buffer.byteLength(name) > MAX_IDENTIFIER_BYTES) {
      const hash = createHash("sha1").update(name).digest("hex").slice(0, 10);
      name = `${table.slice(0, 24)}_${hash}_${primaryKey ? "pkey" : "key"}`;
    }
    this.#constraints.set(name, { columns, primaryKey });
    return name;
  }
}

function literal(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return `'${String(value).replaceAll("'", "''")}'`;
}

function uniqueColumns(table: TableSpec): string[] {
  const names = new Set(table.uniqueFields);
  for (const column of table.columns) if (column.unique && !column.primaryKey) names.add(column.name);
  return [...names].filter((name) => name !== table.keyField);
}

function columnTypeText(column: ColumnSpec, quoted: string): string {
  switch (column.kind) {
    case "integer":
    case "bigint":
      return "BIGINT";
    case "float":
      return "DOUBLE PRECISION";
    case "boolean":
      return "BOOLEAN";
    case "date":
      return "TIMESTAMPTZ";
    case "uuid":
      return "UUID";
    case "json":
      return "JSONB";
    case "enum": {
      const values = (column.enumValues ?? []).map((v) => `'${v.replaceAll("'", "''")}'`).join(", ");
      return values ? `TEXT CHECK (${quoted} IN (${values}))` : "TEXT";
    }
    default:
      return "TEXT";
  }
}

function int8Parsers(pg: PgModule): PgTypeParsers {
  const parseInt8 = (text: string) => {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : BigInt(text);
  };
  return {
    getTypeParser: (oid, format) =>
      oid === INT8_OID && format !== "binary" ? parseInt8 : pg.types.getTypeParser(oid, format),
  };
}
