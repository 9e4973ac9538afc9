// MySQL/MariaDB-only dialect tests: URL rules, SQL text and errno classification. Everything
// every dialect must do: dialect-contract.ts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createMysqlDialect, mysqlUrlRules } from "../../src/db/dialect/mysql/index.js";
import { loadDriver, parseServerUrl } from "../../src/db/dialect/server-url.js";
import { ConfigurationError } from "../../src/db/errors.js";
import { col, ENCODED, idColumn, PASSWORD } from "./dialect-contract.js";

describe("mysql dialect: URL parsing", () => {
  it("parses mysql:// and mariadb:// with percent-decoded credentials and options", () => {
    const url = parseServerUrl(
      `mariadb://app:${ENCODED}@db.example:3307/shop?sslmode=verify-full&poolSize=4&connectTimeout=300&statementTimeout=1500`,
      mysqlUrlRules,
    );
    assert.deepEqual(
      { ...url },
      {
        scheme: "mariadb",
        user: "app",
        password: PASSWORD,
        host: "db.example",
        port: 3307,
        database: "shop",
        sslmode: "verify-full",
        poolSize: 4,
        connectTimeout: 300,
        statementTimeout: 1500,
        schema: undefined,
      },
    );
    const plain = parseServerUrl("mysql://root@localhost/app", mysqlUrlRules);
    assert.equal(plain.port, 3306);
    assert.equal(plain.poolSize, 10);
    assert.equal(plain.password, undefined);
  });

  it("rejects bad URLs with ConfigurationError that never quotes the password", () => {
    const bad = [
      `postgres://u:${ENCODED}@h/db`,
      `mysql://u:${ENCODED}@h`,
      `mysql://u:${ENCODED}@h/db?schema=x`,
      `mysql://u:${ENCODED}@h/db?max=-1`,
      `mysql://u:${ENCODED}@h:70000/db`,
    ];
    for (const text of bad) {
      assert.throws(
        () => createMysqlDialect(text),
        (error: unknown) => {
          assert.ok(error instanceof ConfigurationError, text);
          assert.ok(!String(error).includes(PASSWORD) && !String(error).includes(ENCODED), String(error));
          return true;
        },
      );
    }
  });

  it("turns a missing driver package into 'install mysql2' ConfigurationError", async () => {
    await assert.rejects(
      loadDriver(() => import("registers-no-such-driver-pkg" as string), "mysql2", "mysql://"),
      (error: unknown) =>
        error instanceof ConfigurationError && /install mysql2 to use mysql:\/\//.test(error.message),
    );
  });
});

describe("mysql dialect: SQL text and classification", () => {
  const dialect = createMysqlDialect("mysql://root@localhost/app");

  it("quotes with backticks, binds with ?, and maps strings to VARCHAR(255) only where MySQL indexes them", () => {
    assert.equal(dialect.quote("we`ird"), "`we``ird`");
    assert.equal(dialect.param(7), "?");
    assert.equal(dialect.columnType(col("s", "string")), "LONGTEXT");
    assert.equal(dialect.columnType(col("s", "string", { unique: true })), "VARCHAR(255)");
    assert.equal(dialect.columnType(col("s", "string", { indexed: true })), "VARCHAR(255)");
    assert.deepEqual(dialect.limitOffset(10, 20, 3), { sql: " LIMIT ? OFFSET ?", params: [10, 20] });
    assert.deepEqual(dialect.limitOffset(null, 5, 1), {
      sql: " LIMIT 18446744073709551615 OFFSET ?",
      params: [5],
    });
  });

  it("classifies by errno, reading only the key name of a duplicate entry", () => {
    const long = "c".repeat(62);
    const [sql] = dialect.createTable({
      name: "t",
      keyField: "id",
      uniqueFields: [long],
      columns: [idColumn, col(long, "string", { unique: true })],
    });
    const key = /UNIQUE KEY `([^`]+)`/.exec(sql)![1];
    assert.ok(key.length <= 64);
    const dup = (k: string) => ({
      errno: 1062,
      code: "ER_DUP_ENTRY",
      message: `Duplicate entry 'x' for key '${k}'`,
    });
    assert.deepEqual(dialect.classifyError(dup(key)), { kind: "unique", constraint: key, columns: [long] });
    assert.deepEqual(dialect.classifyError(dup("nick_name_key")), {
      kind: "unique",
      constraint: "nick_name_key",
      columns: ["nick_name"],
    });
    assert.deepEqual(dialect.classifyError(dup("users.email_key")), {
      kind: "unique",
      constraint: "email_key",
      columns: ["email"],
    });
    assert.deepEqual(dialect.classifyError(dup("PRIMARY")), {
      kind: "unique",
      constraint: "PRIMARY",
      primaryKey: true,
    });
    assert.deepEqual(dialect.classifyError({ errno: 1452 }), { kind: "foreign-key" });
    assert.deepEqual(dialect.classifyError({ errno: 1048 }), { kind: "not-null" });
    assert.deepEqual(dialect.classifyError({ errno: 1969 }), { kind: "timeout" });
    assert.deepEqual(dialect.classifyError({ errno: 3024 }), { kind: "timeout" });
    assert.deepEqual(dialect.classifyError({ errno: 1146 }), { kind: "missing-table" });
    for (const code of ["PROTOCOL_CONNECTION_LOST", "ECONNREFUSED", "ECONNRESET"]) {
      assert.deepEqual(dialect.classifyError({ code }), { kind: "connection" }, code);
    }
    assert.deepEqual(dialect.classifyError({ errno: 1054, fatal: true }), { kind: "connection" });
    assert.deepEqual(dialect.classifyError(new Error("Duplicate entry 'x' for key 'PRIMARY'")), {
      kind: "other",
    });
  });
});
