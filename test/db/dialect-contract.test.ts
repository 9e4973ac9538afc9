// The dialect contract (./dialect-contract.ts) run for SQLite (a file), PostgreSQL and MySQL, each
// with its expectations where the databases differ. Dialect-only tests: dialect-<name>.test.ts.
import { join } from "node:path";
import { createMysqlDialect } from "../../src/db/dialect/mysql/index.js";
import { createPostgresDialect } from "../../src/db/dialect/postgres/index.js";
import { createSqliteDialect } from "../../src/db/dialect/sqlite/index.js";
import { testTempDir } from "../support/databases.js";
import { serverTargets, skipUnlessServer } from "../support/servers.js";
import { runDialectContract } from "./dialect-contract.js";

const postgres = serverTargets.find((t) => t.name === "postgres")!;
const mysql = serverTargets.find((t) => t.name === "mysql")!;

/** Rows of the every-kind table: Unicode, quotes, backslashes, extreme numbers, pre-1970 dates, NULLs. */
const kindRows = [
  {
    email: "Ünïcode 🎉 'quote' \\back",
    count: Number.MAX_SAFE_INTEGER,
    ratio: 0.1 + 0.2,
    active: true,
    born: new Date("1969-07-20T20:17:40.123Z"),
    big: 9223372036854775807n,
    role: "it's",
    ref: "3f1d2b4e-8a6c-4c1e-9f00-123456789abc",
    data: { nested: [1, "two", { three: null }], flag: false, text: 'é"\\' },
    note: "x".repeat(100_000),
    maybe_big: -9223372036854775808n,
  },
  {
    email: "b@example.com",
    count: -5,
    ratio: -1.5e300,
    active: false,
    born: new Date(0),
    big: 1n,
    role: "admin",
    ref: "00000000-0000-0000-0000-000000000000",
    data: [1, 2, 3],
    note: null,
    maybe_big: null,
  },
];

runDialectContract({
  name: "sqlite",
  url: join(testTempDir(), "dialect-contract.db"),
  skip: false,
  prefix: "dlsq",
  createDialect: createSqliteDialect,
  expect: {
    enumValues: ["admin", "it's"],
    kindRows,
    returning: false,
    uniqueEmail: () => ({ kind: "unique", primaryKey: false, columns: ["email"] }),
    duplicateKey: () => ({ kind: "unique", primaryKey: true, columns: ["id"] }),
    notNull: { kind: "not-null", column: "count" },
    // better-sqlite3 names the extended code; node:sqlite gives its number (SQLITE_CONSTRAINT_CHECK = 275).
    isCheckViolation: (error) => {
      const { code, errcode } = error as { code?: string; errcode?: number };
      return code === "SQLITE_CONSTRAINT_CHECK" || (code === "ERR_SQLITE_ERROR" && errcode === 275);
    },
    echoIntSql: "SELECT ? AS i",
    cannotAddUniqueColumn: "SQLite cannot ALTER TABLE ... ADD a UNIQUE column",
    entry: { module: "src/db/dialect/sqlite/index.ts", factory: "createSqliteDialect" },
  },
});

runDialectContract({
  name: "postgres",
  url: postgres.url ?? "",
  skip: skipUnlessServer(postgres),
  prefix: "dlpg",
  createDialect: createPostgresDialect,
  expect: {
    enumValues: ["admin", "it's"],
    kindRows,
    returning: true,
    uniqueEmail: (table) => ({ kind: "unique", constraint: `${table}_email_key`, columns: ["email"] }),
    duplicateKey: (table) => ({
      kind: "unique",
      constraint: `${table}_pkey`,
      columns: ["id"],
      primaryKey: true,
    }),
    notNull: { kind: "not-null", column: "count" },
    isCheckViolation: (error) => (error as { code?: string }).code === "23514",
    echoIntSql: "SELECT $1::int AS i",
    entry: { module: "src/db/dialect/postgres/index.ts", factory: "createPostgresDialect" },
    server: {
      slowEchoSql: "SELECT $1::int AS i, pg_sleep(0.005)",
      sleepSql: (seconds) => `SELECT pg_sleep(${seconds})`,
      sessionIdSql: "SELECT pg_backend_pid() AS sid",
      killSql: (sid) => `SELECT pg_terminate_backend(${Number(sid)})`,
    },
  },
});

runDialectContract({
  name: "mysql",
  url: mysql.url ?? "",
  skip: skipUnlessServer(mysql),
  prefix: "dlmy",
  createDialect: createMysqlDialect,
  expect: {
    enumValues: ["admin", "it's", "back\\slash"],
    kindRows: [
      { ...kindRows[0], role: "back\\slash", ref: "3F1D2B4E-8a6c-4c1e-9f00-123456789abc" },
      {
        ...kindRows[1],
        email: "B@example.com",
        born: new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999)),
        role: "it's",
        data: "just a string",
      },
    ],
    returning: false,
    uniqueEmail: () => ({ kind: "unique", constraint: "email_key", columns: ["email"] }),
    duplicateKey: () => ({ kind: "unique", constraint: "PRIMARY", primaryKey: true }),
    notNull: { kind: "not-null" },
    isCheckViolation: (error) => (error as { errno?: number }).errno === 4025,
    echoIntSql: "SELECT ? + 0 AS i",
    entry: { module: "src/db/dialect/mysql/index.ts", factory: "createMysqlDialect" },
    server: {
      slowEchoSql: "SELECT ? + 0 AS i, SLEEP(0.005) AS s",
      sleepSql: (seconds) => `SELECT SLEEP(${seconds}) AS s`,
      sessionIdSql: "SELECT CONNECTION_ID() AS sid",
      killSql: (sid) => `KILL ${Number(sid)}`,
    },
  },
});
