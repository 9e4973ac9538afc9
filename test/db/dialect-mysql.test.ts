import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ColumnSpec, Dialect, Driver, TableSpec } from "../../src/db/dialect/dialect.js";
import { createMysqlDialect, mysqlUrlRules } from "../../src/db/dialect/mysql/index.js";
import { savepointSql } from "../../src/db/dialect/savepoint-sql.js";
import { loadDriver, parseServerUrl } from "../../src/db/dialect/server-url.js";
import { ConfigurationError, ConnectionError } from "../../src/db/errors.js";
import { serverTargets, skipUnlessServer } from "../support/servers.js";

const target = serverTargets.find((t) => t.name === "mysql")!;
const PASSWORD = "pa:ss@w/rd%secret";
const ENCODED = encodeURIComponent(PASSWORD);

function col(name: string, kind: ColumnSpec["kind"], extra: Partial<ColumnSpec> = {}): ColumnSpec {
  return {
    name,
    kind,
    nullable: false,
    primaryKey: false,
    autoincrement: false,
    unique: false,
    indexed: false,
    ...extra,
  };
}

const idColumn = col("id", "integer", { nullable: true, primaryKey: true, autoincrement: true });

function urlWith(options: string): string {
  const url = new URL(target.url!);
  for (const [k, v] of new URLSearchParams(options)) url.searchParams.set(k, v);
  return url.toString();
}

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

const ALL_KINDS: TableSpec = {
  name: "dlmy_kinds",
  keyField: "id",
  uniqueFields: ["email"],
  columns: [
    idColumn,
    col("email", "string", { unique: true, indexed: true }),
    col("count", "integer"),
    col("ratio", "float"),
    col("active", "boolean"),
    col("born", "date"),
    col("big", "bigint"),
    col("role", "enum", { enumValues: ["admin", "it's", "back\\slash"] }),
    col("ref", "uuid"),
    col("data", "json"),
    col("note", "string", { nullable: true }),
    col("maybe_big", "bigint", { nullable: true }),
  ],
};
const TABLES = ["dlmy_child", "dlmy_parent", "dlmy_kinds", "dlmy_tx", "dlmy_evolve", "dlmy_like"];

describe("mysql dialect: against the server", { skip: skipUnlessServer(target) }, () => {
  let dialect: Dialect;
  let driver: Driver;
  const q = (s: string) => dialect.quote(s);

  before(async () => {
    dialect = createMysqlDialect(target.url!);
    driver = await dialect.createDriver();
    for (const t of TABLES) await driver.exec(dialect.dropTable(t));
  });
  after(async () => {
    for (const t of TABLES) await driver.exec(dialect.dropTable(t));
    await driver.close();
  });

  async function insertRow(table: TableSpec, row: Record<string, unknown>) {
    const columns = table.columns.filter((c) => c.name in row);
    const sql =
      `INSERT INTO ${q(table.name)} (${columns.map((c) => q(c.name)).join(", ")}) ` +
      `VALUES (${columns.map(() => "?").join(", ")})`;
    return driver.prepare(sql).run(columns.map((c) => dialect.encode(c.kind, row[c.name])));
  }

  async function readRow(table: TableSpec, id: unknown) {
    const [raw] = await driver.prepare(`SELECT * FROM ${q(table.name)} WHERE ${q("id")} = ?`).all([id]);
    return Object.fromEntries(table.columns.map((c) => [c.name, dialect.decode(c.kind, raw[c.name])]));
  }

  it("creates a table with every column kind idempotently and round-trips each value exactly", async () => {
    for (const statement of dialect.createTable(ALL_KINDS)) await driver.exec(statement);
    for (const statement of dialect.createTable(ALL_KINDS)) await driver.exec(statement);
    assert.equal(await dialect.tableExists(driver, "dlmy_kinds"), true);
    assert.deepEqual(
      await dialect.columnNames(driver, "dlmy_kinds"),
      ALL_KINDS.columns.map((c) => c.name),
    );
    const rows = [
      {
        email: "Ünïcode 🎉 'quote' \\back",
        count: Number.MAX_SAFE_INTEGER,
        ratio: 0.1 + 0.2,
        active: true,
        born: new Date("1969-07-20T20:17:40.123Z"),
        big: 9223372036854775807n,
        role: "back\\slash",
        ref: "3F1D2B4E-8a6c-4c1e-9f00-123456789abc",
        data: { nested: [1, "two", { three: null }], flag: false, text: 'é"\\' },
        note: "x".repeat(100_000),
        maybe_big: -9223372036854775808n,
      },
      {
        email: "B@example.com",
        count: -5,
        ratio: -1.5e300,
        active: false,
        born: new Date(Date.UTC(2024, 1, 29, 23, 59, 59, 999)),
        big: 1n,
        role: "it's",
        ref: "00000000-0000-0000-0000-000000000000",
        data: "just a string",
        note: null,
        maybe_big: null,
      },
    ];
    for (const row of rows) {
      const result = await insertRow(ALL_KINDS, row);
      assert.equal(typeof result.lastInsertId, "number");
      assert.deepEqual(await readRow(ALL_KINDS, result.lastInsertId), { id: result.lastInsertId, ...row });
    }
    // utf8mb4_bin: equality is case-sensitive, as on SQLite and PostgreSQL.
    const lower = await driver
      .prepare(`SELECT id FROM ${q("dlmy_kinds")} WHERE ${q("email")} = ?`)
      .all(["b@example.com"]);
    assert.deepEqual(lower, []);
  });

  it("upserts by unique column and by key; insertId reports the key of an updated row", async () => {
    const cols = ["email", "count", "ratio", "active", "born", "big", "role", "ref", "data"];
    const kinds = cols.map((c) => ALL_KINDS.columns.find((x) => x.name === c)!.kind);
    const values = (email: string, count: number) =>
      [email, count, 1.5, true, new Date(1), 2n, "admin", "3f1d2b4e-8a6c-4c1e-9f00-123456789abc", {}].map(
        (v, i) => dialect.encode(kinds[i], v),
      );
    const byEmail = driver.prepare(
      dialect.upsert({
        table: "dlmy_kinds",
        columns: cols,
        conflict: ["email"],
        update: cols.slice(1),
        returning: [],
        generatedKey: "id",
      }),
    );
    const first = await byEmail.run(values("up@example.com", 1));
    await insertRow(ALL_KINDS, {
      email: "other@example.com",
      count: 0,
      ratio: 0,
      active: false,
      born: new Date(0),
      big: 0n,
      role: "admin",
      ref: "3f1d2b4e-8a6c-4c1e-9f00-123456789abc",
      data: {},
    });
    const second = await byEmail.run(values("up@example.com", 2));
    assert.equal(second.lastInsertId, first.lastInsertId, "the updated row's key, not the last insert's");
    const noUpdate = driver.prepare(
      dialect.upsert({
        table: "dlmy_kinds",
        columns: cols,
        conflict: ["email"],
        update: [],
        returning: [],
        generatedKey: "id",
      }),
    );
    assert.equal((await noUpdate.run(values("up@example.com", 3))).lastInsertId, first.lastInsertId);
    const [row] = await driver
      .prepare(`SELECT ${q("count")} FROM ${q("dlmy_kinds")} WHERE id = ?`)
      .all([first.lastInsertId]);
    assert.equal(row.count, 2);
    const byKey = driver.prepare(
      dialect.upsert({
        table: "dlmy_kinds",
        columns: ["id", ...cols],
        conflict: ["id"],
        update: cols,
        returning: [],
      }),
    );
    await byKey.run([first.lastInsertId, ...values("moved@example.com", 9)]);
    const [moved] = await driver
      .prepare(`SELECT ${q("email")} FROM ${q("dlmy_kinds")} WHERE id = ?`)
      .all([first.lastInsertId]);
    assert.equal(moved.email, "moved@example.com");
  });

  it("classifies unique, primary key, foreign key, not-null and missing-table errors from real failures", async () => {
    const catchKind = async (sql: string, params: unknown[]) => {
      try {
        await driver.prepare(sql).run(params);
      } catch (error) {
        return dialect.classifyError(error);
      }
      assert.fail(`expected ${sql} to fail`);
    };
    const rest = "1, 1, 1, '2020-01-01', 1, 'admin', UUID(), '{}'";
    const names = ["count", "ratio", "active", "born", "big", "role", "ref", "data"].map(q).join(", ");
    assert.deepEqual(
      await catchKind(`INSERT INTO ${q("dlmy_kinds")} (${q("email")}, ${names}) VALUES (?, ${rest})`, [
        "B@example.com",
      ]),
      { kind: "unique", constraint: "email_key", columns: ["email"] },
    );
    assert.deepEqual(
      await catchKind(
        `INSERT INTO ${q("dlmy_kinds")} (id, ${q("email")}, ${names}) VALUES (?, 'fresh', ${rest})`,
        [1],
      ),
      { kind: "unique", constraint: "PRIMARY", primaryKey: true },
    );
    assert.deepEqual(
      await catchKind(
        `INSERT INTO ${q("dlmy_kinds")} (${q("email")}, ${names}) VALUES ('nn', NULL, 1, 1, '2020-01-01', 1, 'admin', UUID(), '{}')`,
        [],
      ),
      { kind: "not-null" },
    );
    await driver.exec(`CREATE TABLE ${q("dlmy_parent")} (id BIGINT PRIMARY KEY) ENGINE=InnoDB`);
    await driver.exec(
      `CREATE TABLE ${q("dlmy_child")} (id BIGINT PRIMARY KEY, parent_id BIGINT, FOREIGN KEY (parent_id) REFERENCES dlmy_parent(id)) ENGINE=InnoDB`,
    );
    assert.deepEqual(await catchKind(`INSERT INTO ${q("dlmy_child")} VALUES (1, ?)`, [42]), {
      kind: "foreign-key",
    });
    assert.deepEqual(await catchKind(`SELECT * FROM ${q("dlmy_missing")}`, []), { kind: "missing-table" });
    assert.equal(await dialect.tableExists(driver, "dlmy_missing"), false);
  });

  it("enum CHECK rejects values outside the enum", async () => {
    await assert.rejects(
      async () => driver.prepare(`UPDATE ${q("dlmy_kinds")} SET ${q("role")} = ?`).run(["root"]),
      (error: unknown) => (error as { errno?: number }).errno === 4025,
    );
  });

  it("escapes LIKE wildcards with a backslash; ilike ignores case, like does not", async () => {
    const table: TableSpec = {
      name: "dlmy_like",
      keyField: "id",
      uniqueFields: [],
      columns: [idColumn, col("s", "string")],
    };
    for (const s of dialect.createTable(table)) await driver.exec(s);
    await driver.exec("INSERT INTO dlmy_like (s) VALUES ('100% Sure'), ('1000 sure'), ('a_b'), ('axb')");
    const find = async (sql: string, p: string) =>
      (await driver.prepare(`SELECT s FROM dlmy_like WHERE ${sql} ORDER BY s`).all([p])).map((r) => r.s);
    assert.deepEqual(await find(dialect.ilike("s", "?"), "100\\%%SURE"), ["100% Sure"]);
    assert.deepEqual(await find(dialect.like("s", "?"), "100\\%%SURE"), []);
    assert.deepEqual(await find(dialect.like("s", "?"), "a\\_b"), ["a_b"]);
  });

  it("adds columns and truncates without reusing deleted ids", async () => {
    const table: TableSpec = {
      name: "dlmy_evolve",
      keyField: "id",
      uniqueFields: [],
      columns: [idColumn, col("a", "string")],
    };
    for (const s of dialect.createTable(table)) await driver.exec(s);
    const insert = driver.prepare(`INSERT INTO ${q("dlmy_evolve")} (a) VALUES (?)`);
    const firstId = (await insert.run(["x"])).lastInsertId!;
    await driver.exec(dialect.addColumn("dlmy_evolve", col("b", "string", { nullable: true, unique: true })));
    assert.deepEqual(await dialect.columnNames(driver, "dlmy_evolve"), ["id", "a", "b"]);
    assert.deepEqual(await driver.prepare(`SELECT * FROM ${q("dlmy_evolve")}`).all([]), [
      { id: firstId, a: "x", b: null },
    ]);
    assert.throws(() => dialect.addColumn("dlmy_evolve", col("c", "integer")), ConfigurationError);
    for (const [name, kind, value] of [
      ["c", "integer", 7],
      ["d", "string", "it's \\ ok"],
      ["e", "boolean", true],
      ["f", "bigint", 9007199254740993n],
    ] as const) {
      await driver.exec(dialect.addColumn("dlmy_evolve", col(name, kind, { defaultValue: value })));
      const [row] = await driver.prepare(`SELECT * FROM ${q("dlmy_evolve")} ORDER BY id`).all([]);
      assert.deepEqual(dialect.decode(kind, row[name]), value, name);
    }
    await driver.exec(dialect.truncate("dlmy_evolve"));
    const nextId = (await insert.run(["y"])).lastInsertId!;
    assert.ok(nextId > firstId, "deleted ids are never reused");
  });

  it("runs a transaction on one dedicated connection with savepoints, invisible to the pool until commit", async () => {
    await driver.exec(`CREATE TABLE ${q("dlmy_tx")} (id BIGINT PRIMARY KEY) ENGINE=InnoDB`);
    const conn = await driver.acquire();
    const insert = `INSERT INTO ${q("dlmy_tx")} VALUES (?)`;
    const count = `SELECT COUNT(*) AS n FROM ${q("dlmy_tx")}`;
    try {
      await conn.exec(dialect.begin());
      await conn.prepare(insert).run([1]);
      await conn.exec(savepointSql.create(dialect, "sp1"));
      await conn.prepare(insert).run([2]);
      await conn.exec(savepointSql.rollbackTo(dialect, "sp1"));
      await conn.exec(savepointSql.create(dialect, "sp2"));
      await conn.prepare(insert).run([3]);
      await conn.exec(savepointSql.release(dialect, "sp2"));
      assert.deepEqual(await conn.prepare(count).all([]), [{ n: 2 }]);
      assert.deepEqual(await driver.prepare(count).all([]), [{ n: 0 }], "outside sees no uncommitted rows");
      await conn.exec("COMMIT");
    } finally {
      conn.release();
    }
    assert.deepEqual(await driver.prepare(`SELECT id FROM ${q("dlmy_tx")} ORDER BY id`).all([]), [
      { id: 1 },
      { id: 3 },
    ]);
  });

  it("returns the connection to a one-connection pool when the transaction throws, and destroys broken ones", async () => {
    const small = createMysqlDialect(urlWith("poolSize=1"));
    const pool = await small.createDriver();
    const within = <T>(promise: Promise<T>) =>
      Promise.race([
        promise,
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("pool leaked")), 2000)),
      ]);
    try {
      const conn = await pool.acquire();
      await assert.rejects(
        (async () => {
          try {
            await conn.exec(small.begin());
            throw new Error("boom");
          } finally {
            await conn.exec("ROLLBACK");
            conn.release();
          }
        })(),
        /boom/,
      );
      const again = await within(pool.acquire());
      const [{ cid }] = await again.prepare("SELECT CONNECTION_ID() AS cid").all([]);
      again.release(true);
      const [{ cid: next }] = await within(
        Promise.resolve(pool.prepare("SELECT CONNECTION_ID() AS cid").all([])),
      );
      assert.notEqual(next, cid, "a connection released as broken is destroyed");
      const victim = await within(pool.acquire());
      try {
        const [{ cid: victimId }] = await victim.prepare("SELECT CONNECTION_ID() AS cid").all([]);
        await driver.exec(`KILL ${Number(victimId)}`);
        await assert.rejects(
          async () => victim.prepare("SELECT 1").all([]),
          (e: unknown) => e instanceof ConnectionError,
        );
      } finally {
        victim.release();
      }
      assert.deepEqual(await within(Promise.resolve(pool.prepare("SELECT 1 AS one").all([]))), [{ one: 1 }]);
    } finally {
      await pool.close();
    }
  });

  it("runs 50 concurrent upserts on one unique key without a lost or duplicated row", async () => {
    const table: TableSpec = {
      name: "dlmy_race",
      keyField: "id",
      uniqueFields: ["email"],
      columns: [idColumn, col("email", "string", { unique: true, indexed: true }), col("n", "integer")],
    };
    await driver.exec(dialect.dropTable(table.name));
    for (const s of dialect.createTable(table)) await driver.exec(s);
    const upsert = driver.prepare(
      dialect.upsert({
        table: table.name,
        columns: ["email", "n"],
        conflict: ["email"],
        update: ["n"],
        returning: ["id"],
        generatedKey: "id",
      }),
    );
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => upsert.run(["race@example.com", i])),
    );
    const [row] = await driver.prepare(`SELECT COUNT(*) AS c, MIN(id) AS id FROM ${q(table.name)}`).all([]);
    assert.equal(Number(row.c), 1);
    for (const result of results)
      assert.equal(Number(result.lastInsertId ?? result.rows![0].id), Number(row.id));
    await driver.exec(dialect.dropTable(table.name));
  });

  it("serves many concurrent statements through a small pool", async () => {
    const small = createMysqlDialect(urlWith("poolSize=3"));
    const pool = await small.createDriver();
    try {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => pool.prepare("SELECT ? + 0 AS i, SLEEP(0.005) AS s").all([i])),
      );
      assert.deepEqual(
        results.map((r) => Number(r[0].i)),
        Array.from({ length: 60 }, (_, i) => i),
      );
    } finally {
      await pool.close();
    }
  });

  it("surfaces statementTimeout (MariaDB max_statement_time) as a timeout", async () => {
    const timed = createMysqlDialect(urlWith("statementTimeout=200&poolSize=2"));
    const pool = await timed.createDriver();
    try {
      // Several in parallel, so connections opened after the first one get the limit too.
      const started = Date.now();
      const outcomes = await Promise.allSettled(
        [1, 2, 3].map(() => pool.prepare("SELECT SLEEP(3) AS s").all([])),
      );
      for (const outcome of outcomes) {
        assert.equal(outcome.status, "rejected");
        assert.deepEqual(timed.classifyError((outcome as PromiseRejectedResult).reason), { kind: "timeout" });
      }
      assert.ok(Date.now() - started < 2000);
    } finally {
      await pool.close();
    }
  });

  it("reports refused and rejected connections as ConnectionError naming host:port but never the password", async () => {
    const refused = createMysqlDialect(`mysql://app:${ENCODED}@127.0.0.1:1/nowhere?connectTimeout=2000`);
    const started = Date.now();
    const check = (host: RegExp) => (error: unknown) => {
      assert.ok(error instanceof ConnectionError, String(error));
      assert.match(error.message, host);
      for (const text of [
        error.message,
        String(error),
        String(error.cause),
        (error.cause as Error).stack ?? "",
      ]) {
        assert.ok(!text.includes(PASSWORD) && !text.includes(ENCODED), text);
      }
      return true;
    };
    await assert.rejects(refused.createDriver(), check(/127\.0\.0\.1:1\/nowhere/));
    assert.ok(Date.now() - started < 2500);
    const real = new URL(target.url!);
    real.username = "registers_nobody";
    real.password = ENCODED;
    await assert.rejects(
      createMysqlDialect(real.toString()).createDriver(),
      check(new RegExp(`${real.hostname}:`)),
    );
  });

  it("close() is idempotent and lets the process exit by itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "dlmy-"));
    const script = join(dir, "exit.mts");
    const index = resolve("src/db/dialect/mysql/index.ts");
    writeFileSync(
      script,
      `import { createMysqlDialect } from ${JSON.stringify(index)};
const driver = await createMysqlDialect(${JSON.stringify(target.url)}).createDriver();
await Promise.all([1, 2, 3].map((i) => driver.prepare("SELECT ? + 0 AS i").all([i])));
await driver.close();
await driver.close();
console.log("closed");
`,
    );
    const child = spawnSync(process.execPath, ["--import", "tsx", script], {
      encoding: "utf8",
      timeout: 8000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), "closed");
  });
});
