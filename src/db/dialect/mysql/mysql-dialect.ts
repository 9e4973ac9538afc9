/**
 * The MariaDB/MySQL dialect: SQL text, value codecs, catalog queries and error classification over
 * `mysql2`. It may import the dialect seam, server-url, json-list and its driver and errors
 * modules.
 */
import { createHash } from "node:crypto";
import { ConnectionError } from "../../errors.js";
import { addColumnSql, createTableSql, defaultClause, foreignKeySql } from "../ddl-sql.js";
import type {
  ColumnKind,
  ColumnSpec,
  Dialect,
  Driver,
  DriverErrorKind,
  IsolationLevel,
  Session,
  TableSpec,
  UpsertSpec,
} from "../dialect.js";
import { jsonList } from "../json-list.js";
import { ServerDialect } from "../server-dialect.js";
import { describeServer, loadDriver, type ServerUrl, tlsOptions } from "../server-url.js";
import { bigintToText, fromJsonText, toBigint, toJsonText, toNumber, valueCodec } from "../value-codec.js";
import { MysqlDriver, type MysqlModule } from "./mysql-driver.js";
import { classifyMysqlError, isMysqlConnectionFailure, type KeyInfo } from "./mysql-errors.js";

const MAX_IDENTIFIER_LENGTH = 64;
/** Fixed per connection: strict writes, no zero dates, and `\` escapes in literals (LIKE ... ESCAPE '\\'). */
const SQL_MODE =
  "STRICT_ALL_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ZERO_DATE,NO_ZERO_IN_DATE,NO_ENGINE_SUBSTITUTION";
/**
 * The `JSON_TABLE` column type of an `in` list per field kind: strings compare under the tables'
 * own `utf8mb4_bin` collation, dates as `DATETIME(3)` (encoded `YYYY-MM-DD HH:MM:SS.mmm`).
 */
const LIST_TYPES: Record<ColumnKind, string> = {
  integer: "BIGINT",
  bigint: "BIGINT",
  boolean: "BIGINT",
  float: "DOUBLE",
  date: "DATETIME(3)",
  string: "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
  enum: "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
  uuid: "LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
  json: "JSON",
};
/** MySQL's largest LIMIT, for an OFFSET without a LIMIT. */
const NO_LIMIT = "18446744073709551615";

/** Field values to driver parameters and back. */
const codec = valueCodec(
  {
    boolean: (value) => (value ? 1 : 0),
    date: (value) => (value instanceof Date ? value.toISOString().slice(0, 23).replace("T", " ") : value),
    bigint: bigintToText,
    json: toJsonText,
  },
  {
    integer: toNumber,
    float: toNumber,
    boolean: (value) => (typeof value === "boolean" ? value : Number(value) !== 0),
    bigint: toBigint,
    // dateStrings: "YYYY-MM-DD HH:MM:SS.mmm", stored in UTC.
    date: (value) => (value instanceof Date ? value : new Date(`${String(value).replace(" ", "T")}Z`)),
    // jsonStrings: MySQL's JSON and MariaDB's JSON (LONGTEXT) both arrive as text.
    json: fromJsonText,
  },
);

/**
 * MariaDB / MySQL through `mysql2`. Tables are InnoDB, `utf8mb4` with the case- and accent-sensitive
 * `utf8mb4_bin` collation, so equality and unique keys compare strings as SQLite and PostgreSQL do.
 * Strings are `LONGTEXT`, or `VARCHAR(255)` when they are a key, unique or otherwise `indexed` (MySQL
 * cannot index unbounded text whole); a plain index on a `LONGTEXT` string covers its first 255
 * characters (`IndexSpec.prefixes`). Dates are `DATETIME(3)` holding UTC.
 *
 * @example
 * ```ts
 * const dialect = new MysqlDialect(parseServerUrl("mysql://root@localhost/app", mysqlUrlRules));
 * dialect.quote("users"); // "`users`"
 * ```
 */
export class MysqlDialect extends ServerDialect implements Dialect {
  readonly name = "mysql" as const;
  readonly encode = codec.encode;
  readonly decode = codec.decode;
  readonly maxParameters = 65_535;
  readonly supportsReturning = false;
  readonly rowLock = " FOR UPDATE";
  /** `insertId` of a single-row INSERT is the generated key (and, with `generatedKey`, of an upsert). */
  readonly reportsLastInsertId = true;
  readonly bulkInsertId = "first" as const;
  readonly #keys = new Map<string, KeyInfo>();

  constructor(url: ServerUrl) {
    super(url, { schema: "DATABASE()", param: "?" });
  }

  async createDriver(): Promise<Driver> {
    const loaded = await loadDriver(
      async () => (await import("mysql2/promise")) as unknown as MysqlModule & { default?: MysqlModule },
      "mysql2",
      "mysql:// and mariadb://",
    );
    const mysql = loaded.default ?? loaded;
    const url = this.url;
    const tls = tlsOptions(url.sslmode);
    const pool = mysql.createPool({
      host: url.host,
      port: url.port,
      user: url.user,
      password: url.password,
      database: url.database,
      connectionLimit: url.poolSize,
      connectTimeout: url.connectTimeout,
      supportBigNumbers: true,
      bigNumberStrings: false,
      dateStrings: true,
      jsonStrings: true,
      timezone: "Z",
      enableKeepAlive: true,
      ...(tls ? { ssl: tls } : {}),
    });
    let timeoutSql: string | undefined;
    // Runs before the first statement of every new pooled connection (mysql2 queues commands in order).
    pool.on("connection", (connection) => {
      connection.query(`SET SESSION sql_mode = '${SQL_MODE}', time_zone = '+00:00'`, () => {});
      if (timeoutSql) connection.query(timeoutSql, () => {});
    });
    const driver = new MysqlDriver(pool, {
      query: (error) => this.scrub(error),
      connect: (error) => this.connectionError(error),
      isConnectionFailure: isMysqlConnectionFailure,
    });
    try {
      // Fail fast with a ConnectionError, and learn the flavour: the statement timeout differs.
      const connection = await driver.acquire();
      try {
        const [row] = await connection.prepare("SELECT VERSION() AS version").all([]);
        if (url.statementTimeout > 0) {
          const mariadb = /mariadb/i.test(String(row?.version));
          timeoutSql = mariadb
            ? `SET SESSION max_statement_time = ${url.statementTimeout / 1000}`
            : `SET SESSION max_execution_time = ${url.statementTimeout}`;
          await connection.exec(timeoutSql);
        }
      } finally {
        connection.release();
      }
    } catch (error) {
      await driver.close();
      throw error;
    }
    return driver;
  }

  /** A `ConnectionError` naming host:port/database, never the password; the cause is scrubbed too. */
  connectionError(error: unknown): ConnectionError {
    if (error instanceof ConnectionError) return error;
    const fields = (error ?? {}) as { code?: unknown; errno?: unknown };
    const code = typeof fields.code === "string" ? fields.code : undefined;
    const detail = code ? ` (${code}${typeof fields.errno === "number" ? ` ${fields.errno}` : ""})` : "";
    return new ConnectionError(
      `no usable connection to MySQL/MariaDB at ${describeServer(this.url)}${detail} (refused, lost or timed out): ` +
        "check that the server is running, the URL's host, port, database and credentials, and connectTimeout",
      { cause: this.scrub(error) },
    );
  }

  override quote(identifier: string): string {
    return `\`${identifier.replaceAll("`", "``")}\``;
  }

  param(_index: number): string {
    return "?";
  }

  columnType(column: ColumnSpec): string {
    switch (column.kind) {
      case "integer":
      case "bigint":
        return "BIGINT";
      case "float":
        return "DOUBLE";
      case "boolean":
        return "TINYINT(1)";
      case "date":
        return "DATETIME(3)";
      case "uuid":
        return "CHAR(36)";
      case "json":
        return "JSON";
      case "enum":
        return "VARCHAR(255)";
      default:
        return column.primaryKey || column.unique || column.indexed ? "VARCHAR(255)" : "LONGTEXT";
    }
  }

  createTable(table: TableSpec): string[] {
    const unique = new Set(table.uniqueFields);
    const defs = table.columns.map((column) => {
      const spec = unique.has(column.name) ? { ...column, unique: true } : column;
      const nullability = column.nullable && !column.primaryKey ? " NULL" : " NOT NULL";
      const identity = column.autoincrement ? " AUTO_INCREMENT" : "";
      const fallback = defaultClause(
        table,
        column,
        (value) => `(${defaultLiteral(this.encode(column.kind, value))})`,
      );
      return `${this.quote(column.name)} ${this.columnType(spec)}${nullability}${identity}${fallback}${this.#check(column)}`;
    });
    const keys = table.columns.filter((c) => c.primaryKey).map((c) => this.quote(c.name));
    if (keys.length > 0) defs.push(`PRIMARY KEY (${keys.join(", ")})`);
    for (const column of uniqueColumns(table)) {
      defs.push(`UNIQUE KEY ${this.quote(this.#keyName(column))} (${this.quote(column)})`);
    }
    for (const index of table.indexes ?? []) {
      if (index.unique) this.#keys.set(index.name, { columns: [...index.columns] });
      const columns = index.columns
        .map((c) =>
          index.prefixes?.[c] === undefined ? this.quote(c) : `${this.quote(c)}(${index.prefixes[c]})`,
        )
        .join(", ");
      defs.push(`${index.unique ? "UNIQUE KEY" : "KEY"} ${this.quote(index.name)} (${columns})`);
    }
    for (const key of table.foreignKeys ?? []) defs.push(foreignKeySql(this.q, key));
    return [
      createTableSql(this.q, table.name, defs, " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin"),
    ];
  }

  truncate(table: string): string {
    // Not TRUNCATE: it resets AUTO_INCREMENT (ids would be reused) and commits an open transaction.
    return `DELETE FROM ${this.quote(table)}`;
  }

  addColumn(table: string, column: ColumnSpec): string {
    // Parenthesized: MySQL 8 accepts DEFAULT on TEXT/JSON columns only as an expression.
    let sql = addColumnSql(
      this.q,
      table,
      column,
      this.columnType(column),
      (value) => `(${defaultLiteral(this.encode(column.kind, value))})`,
    );
    sql += this.#check(column);
    if (column.unique)
      sql += `, ADD UNIQUE KEY ${this.quote(this.#keyName(column.name))} (${this.quote(column.name)})`;
    return sql;
  }

  upsert({ table, columns, conflict, update, generatedKey, rows = 1 }: UpsertSpec): string {
    const q = (c: string) => this.quote(c);
    const sets: string[] = [];
    // Makes insertId report the key of an updated row too (else MySQL reports a stale id).
    if (generatedKey) sets.push(`${q(generatedKey)} = LAST_INSERT_ID(${q(generatedKey)})`);
    for (const c of update) if (c !== generatedKey) sets.push(`${q(c)} = VALUES(${q(c)})`);
    if (sets.length === 0) sets.push(`${q(conflict[0])} = ${q(conflict[0])}`);
    const group = `(${columns.map(() => "?").join(", ")})`;
    return (
      `INSERT INTO ${q(table)} (${columns.map(q).join(", ")}) VALUES ${Array(rows).fill(group).join(", ")} ` +
      `ON DUPLICATE KEY UPDATE ${sets.join(", ")}`
    );
  }

  limitOffset(limit: number | null, offset: number | null, _nextParam: number) {
    if (limit === null && offset === null) return { sql: "", params: [] };
    if (offset === null) return { sql: " LIMIT ?", params: [limit] };
    if (limit === null) return { sql: ` LIMIT ${NO_LIMIT} OFFSET ?`, params: [offset] };
    return { sql: " LIMIT ? OFFSET ?", params: [limit, offset] };
  }

  ilike(column: string, param: string): string {
    return `LOWER(${column}) LIKE LOWER(${param}) ESCAPE '\\\\'`;
  }

  like(column: string, param: string): string {
    return `${column} LIKE ${param} ESCAPE '\\\\'`;
  }

  begin(): string {
    return "START TRANSACTION";
  }

  async insertIdStep(session: Session): Promise<number> {
    const rows = await session.prepare("SELECT @@auto_increment_increment AS step").all([]);
    const step = Number(rows[0]?.step);
    return Number.isSafeInteger(step) && step > 0 ? step : 1;
  }

  /** `SET TRANSACTION` (no `SESSION`) applies to the next transaction only, then the default again. */
  beginWith(isolation: IsolationLevel): readonly string[] {
    return [`SET TRANSACTION ISOLATION LEVEL ${isolation.toUpperCase()}`, "START TRANSACTION"];
  }

  inList(column: string, kind: ColumnKind, param: string, negate: boolean): string {
    const list = `JSON_TABLE(${param}, '$[*]' COLUMNS (v ${LIST_TYPES[kind]} PATH '$')) AS registers_list`;
    return `${column} ${negate ? "NOT IN" : "IN"} (SELECT v FROM ${list})`;
  }

  encodeList(kind: ColumnKind, values: readonly unknown[]): unknown {
    // bigints stay bigints: jsonList writes their digits (encode would make them JSON strings).
    return jsonList(kind === "bigint" ? values : values.map((value) => this.encode(kind, value)));
  }

  classifyError(error: unknown): DriverErrorKind {
    return classifyMysqlError(error, this.#keys);
  }

  /** Enum values as a column CHECK (after NULL / NOT NULL, where MySQL's grammar wants it). */
  #check(column: ColumnSpec): string {
    if (column.kind !== "enum" || !column.enumValues?.length) return "";
    return ` CHECK (${this.quote(column.name)} IN (${column.enumValues.map(literal).join(", ")}))`;
  }

  /** `<column>_key`: MySQL index names are per table, and errno 1062 reports only this name. */
  #keyName(column: string): string {
    let name = `${column}_key`;
    if (name.length > MAX_IDENTIFIER_LENGTH) {
      name = `${column.slice(0, 40)}_${createHash("sha1").update(column).digest("hex").slice(0, 10)}_key`;
    }
    this.#keys.set(name, { columns: [column] });
    return name;
  }
}

function defaultLiteral(value: unknown): string {
  return typeof value === "number" || typeof value === "bigint" ? String(value) : literal(String(value));
}

function literal(value: string): string {
  return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

function uniqueColumns(table: TableSpec): string[] {
  const names = new Set(table.uniqueFields);
  for (const column of table.columns) if (column.unique && !column.primaryKey) names.add(column.name);
  return [...names].filter((name) => name !== table.keyField);
}
