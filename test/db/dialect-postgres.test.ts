// PostgreSQL-only dialect tests: URL rules, SQL text and error codes, the pool-exhausted message,
// the schema option and int8 parsing. Everything every dialect must do: dialect-contract.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Dialect, Driver, TableSpec } from "../../src/db/dialect/dialect.js";
import {
  createPostgresDialect,
  type PostgresDialect,
  postgresUrlRules,
} from "../../src/db/dialect/postgres/index.js";
import { loadDriver, parseServerUrl } from "../../src/db/dialect/server-url.js";
import { ConfigurationError, ConnectionError } from "../../src/db/errors.js";
import { serverTargets, skipUnlessServer } from "../support/servers.js";
import { col, ENCODED, idColumn, PASSWORD, urlWith as withOptions } from "./dialect-contract.js";

const target = serverTargets.find((t) => t.name === "postgres")!;
/** Server URL with extra query options appended. */
const urlWith = (options: string) => withOptions(target.url!, options);

describe("postgres dialect: URL parsing", () => {
  it("parses user, percent-decoded password, host, port, database and options", () => {
    const url = parseServerUrl(
      `postgresql://app%20user:${ENCODED}@db.example:6543/shop%2Fmain?sslmode=require&max=7&connectTimeout=250&statementTimeout=900&schema=tenant_1`,
      postgresUrlRules,
    );
    assert.deepEqual(
      { ...url },
      {
        scheme: "postgresql",
        user: "app user",
        password: PASSWORD,
        host: "db.example",
        port: 6543,
        database: "shop/main",
        sslmode: "require",
        poolSize: 7,
        connectTimeout: 250,
        statementTimeout: 900,
        schema: "tenant_1",
      },
    );
  });

  it("applies defaults, accepts IPv6 hosts and prefers poolSize over max", () => {
    const url = parseServerUrl("postgres://[::1]/app?poolSize=3&max=9", postgresUrlRules);
    assert.equal(url.host, "::1");
    assert.equal(url.port, 5432);
    assert.equal(url.poolSize, 3);
    assert.equal(url.user, undefined);
    assert.equal(url.password, undefined);
    assert.equal(url.sslmode, "disable");
    assert.equal(url.statementTimeout, 0);
    assert.equal(parseServerUrl("postgres://h", postgresUrlRules).database, undefined);
  });

  it("rejects bad URLs with ConfigurationError that never quotes the password", () => {
    const bad = [
      `mysql://u:${ENCODED}@h/db`,
      `postgres://u:${ENCODED}@h:99999/db`,
      `postgres://u:${ENCODED}@h/db?poolSize=0`,
      `postgres://u:${ENCODED}@h/db?connectTimeout=abc`,
      `postgres://u:${ENCODED}@h/db?sslmode=maybe`,
      `postgres://u:${ENCODED}@h/db?pool=3`,
      `postgres://u:${ENCODED}@h/db?schema=bad-name;drop`,
      `postgres://u:%E0%A4%A@h/db`,
    ];
    for (const text of bad) {
      assert.throws(
        () => createPostgresDialect(text),
        (error: unknown) => {
          assert.ok(error instanceof ConfigurationError, text);
          assert.ok(!String(error).includes(PASSWORD) && !String(error).includes(ENCODED), String(error));
          assert.ok(!error.cause || !String((error.cause as Error).message).includes(ENCODED));
          return true;
        },
      );
    }
  });

  it("scrubs the password from a driver error that embeds it, before keeping it as cause", () => {
    const dialect = createPostgresDialect(`postgres://app:${ENCODED}@db:5432/shop`) as PostgresDialect;
    const driverError = Object.assign(
      new Error(`password authentication failed: "${PASSWORD}" / ${ENCODED}`),
      {
        code: "28P01",
      },
    );
    const error = dialect.connectionError(driverError);
    assert.ok(error instanceof ConnectionError);
    assert.match(error.message, /db:5432\/shop \(28P01\)/);
    for (const text of [
      error.message,
      String(error),
      String(error.cause),
      (error.cause as Error).stack ?? "",
    ]) {
      assert.ok(!text.includes(PASSWORD) && !text.includes(ENCODED), text);
    }
    assert.equal(error.cause, driverError, "the driver error itself is kept, scrubbed");
  });

  it("turns a missing driver package into 'install pg' ConfigurationError", async () => {
    await assert.rejects(
      loadDriver(() => import("registers-no-such-driver-pkg" as string), "pg", "postgres://"),
      (error: unknown) =>
        error instanceof ConfigurationError && /install pg to use postgres:\/\//.test(error.message),
    );
  });
});

describe("postgres dialect: SQL text and classification", () => {
  const dialect = createPostgresDialect("postgres://localhost/app");

  it("quotes identifiers and numbers parameters", () => {
    assert.equal(dialect.quote('we"ird'), '"we""ird"');
    assert.equal(dialect.param(3), "$3");
    assert.deepEqual(dialect.limitOffset(10, 20, 4), { sql: " LIMIT $4 OFFSET $5", params: [10, 20] });
    assert.deepEqual(dialect.limitOffset(null, 5, 1), { sql: " OFFSET $1", params: [5] });
    assert.deepEqual(dialect.limitOffset(null, null, 1), { sql: "", params: [] });
  });

  it("names constraints deterministically and maps every violation code", () => {
    const long = "t".repeat(60);
    const [sql] = dialect.createTable({
      name: long,
      keyField: "id",
      uniqueFields: ["email_address"],
      columns: [idColumn, col("email_address", "string", { unique: true, indexed: true })],
    });
    const name = /CONSTRAINT "([^"]+)" UNIQUE/.exec(sql)![1];
    assert.ok(Buffer.byteLength(name) <= 63, name);
    assert.deepEqual(dialect.classifyError({ code: "23505", table: long, constraint: name }), {
      kind: "unique",
      constraint: name,
      columns: ["email_address"],
    });
    assert.deepEqual(
      dialect.classifyError({ code: "23505", table: "users", constraint: "users_nick_name_key" }),
      {
        kind: "unique",
        constraint: "users_nick_name_key",
        columns: ["nick_name"],
      },
    );
    assert.deepEqual(dialect.classifyError({ code: "23505", table: "users", constraint: "users_pkey" }), {
      kind: "unique",
      constraint: "users_pkey",
      primaryKey: true,
    });
    assert.deepEqual(dialect.classifyError({ code: "23503" }), { kind: "foreign-key" });
    assert.deepEqual(dialect.classifyError({ code: "23502", column: "name" }), {
      kind: "not-null",
      column: "name",
    });
    assert.deepEqual(dialect.classifyError({ code: "57014" }), { kind: "timeout" });
    assert.deepEqual(dialect.classifyError({ code: "42P01" }), { kind: "missing-table" });
    for (const code of ["08006", "57P01", "28P01", "3D000", "ECONNREFUSED", "ECONNRESET"]) {
      assert.deepEqual(dialect.classifyError({ code }), { kind: "connection" }, code);
    }
    assert.deepEqual(dialect.classifyError({ code: "08P01" }), { kind: "other" });
    assert.deepEqual(dialect.classifyError(new Error("duplicate key value violates unique constraint")), {
      kind: "other",
    });
  });
});

describe("postgres dialect: against the server", { skip: skipUnlessServer(target) }, () => {
  let dialect: Dialect;
  let driver: Driver;

  before(async () => {
    dialect = createPostgresDialect(target.url!);
    driver = await dialect.createDriver();
  });
  after(async () => {
    await driver.close();
  });

  it("says the pool is exhausted, not the server unreachable, when every connection stays busy", async () => {
    const small = createPostgresDialect(urlWith("poolSize=1&connectTimeout=300"));
    const pool = await small.createDriver();
    const held = await pool.acquire();
    try {
      await assert.rejects(
        async () => pool.prepare("SELECT 1").all([]),
        (error: unknown) => {
          assert.ok(error instanceof ConnectionError);
          assert.match(error.message, /all 1 pooled connections .* stayed busy for 300 ms/);
          return true;
        },
      );
    } finally {
      held.release();
      await pool.close();
    }
  });

  it("honours the schema option for DDL and the catalog", async () => {
    const scoped = createPostgresDialect(urlWith("schema=dlpg_schema"));
    const pool = await scoped.createDriver();
    try {
      const table: TableSpec = {
        name: "dlpg_scoped",
        keyField: "id",
        uniqueFields: [],
        columns: [idColumn, col("s", "string")],
      };
      for (const s of scoped.createTable(table)) await pool.exec(s);
      assert.equal(await scoped.tableExists(pool, "dlpg_scoped"), true);
      assert.deepEqual(await scoped.columnNames(pool, "dlpg_scoped"), ["id", "s"]);
      assert.equal(
        await dialect.tableExists(driver, "dlpg_scoped"),
        false,
        "not visible in the default schema",
      );
      const [{ schema }] = await driver
        .prepare("SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = $1")
        .all(["dlpg_scoped"]);
      assert.equal(schema, "dlpg_schema");
    } finally {
      await pool.exec('DROP SCHEMA IF EXISTS "dlpg_schema" CASCADE');
      await pool.close();
    }
  });

  it("parses int8 per pool only, leaving pg's global parsers alone", async () => {
    const pg = await import("pg");
    assert.equal(pg.types.getTypeParser(20)("42"), "42");
    assert.deepEqual(
      await driver.prepare("SELECT 42::int8 AS small, 9007199254740993::int8 AS big").all([]),
      [{ small: 42, big: 9007199254740993n }],
    );
  });
});
