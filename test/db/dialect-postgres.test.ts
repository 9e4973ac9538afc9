import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ColumnSpec, Dialect, Driver, TableSpec } from "../../src/db/dialect/dialect.js";
import {
  createPostgresDialect,
  type PostgresDialect,
  postgresUrlRules,
} from "../../src/db/dialect/postgres/index.js";
import { savepointSql } from "../../src/db/dialect/savepoint-sql.js";
import { loadDriver, parseServerUrl } from "../../src/db/dialect/server-url.js";
import { ConfigurationError, ConnectionError } from "../../src/db/errors.js";
import { serverTargets, skipUnlessServer } from "../support/servers.js";

const target = serverTargets.find((t) => t.name === "postgres")!;
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

/** Server URL with extra query options appended. */
function urlWith(options: string): string {
  const url = new URL(target.url!);
  for (const [k, v] of new URLSearchParams(options)) url.searchParams.set(k, v);
  return url.toString();
}

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

const ALL_KINDS: TableSpec = {
  name: "dlpg_kinds",
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
    col("role", "enum", { enumValues: ["admin", "it's"] }),
    col("ref", "uuid"),
    col("data", "json"),
    col("note", "string", { nullable: true }),
    col("maybe_big", "bigint", { nullable: true }),
  ],
};

describe("postgres dialect: against the server", { skip: skipUnlessServer(target) }, () => {
  let dialect: Dialect;
  let driver: Driver;
  const q = (s: string) => dialect.quote(s);

  before(async () => {
    dialect = createPostgresDialect(target.url!);
    driver = await dialect.createDriver();
    for (const t of ["dlpg_child", "dlpg_parent", "dlpg_kinds", "dlpg_tx", "dlpg_evolve"]) {
      await driver.exec(dialect.dropTable(t));
    }
  });
  after(async () => {
    for (const t of ["dlpg_child", "dlpg_parent", "dlpg_kinds", "dlpg_tx", "dlpg_evolve"]) {
      await driver.exec(dialect.dropTable(t));
    }
    await driver.close();
  });

  async function insertRow(table: TableSpec, row: Record<string, unknown>) {
    const columns = table.columns.filter((c) => c.name in row);
    const sql =
      `INSERT INTO ${q(table.name)} (${columns.map((c) => q(c.name)).join(", ")}) ` +
      `VALUES (${columns.map((_, i) => dialect.param(i + 1)).join(", ")}) RETURNING ${q("id")}`;
    return driver.prepare(sql).run(columns.map((c) => dialect.encode(c.kind, row[c.name])));
  }

  async function readRow(table: TableSpec, id: unknown) {
    const sql = `SELECT * FROM ${q(table.name)} WHERE ${q("id")} = ${dialect.param(1)}`;
    const [raw] = await driver.prepare(sql).all([dialect.encode("integer", id)]);
    return Object.fromEntries(table.columns.map((c) => [c.name, dialect.decode(c.kind, raw[c.name])]));
  }

  it("creates a table with every column kind idempotently and round-trips each value exactly", async () => {
    for (const statement of dialect.createTable(ALL_KINDS)) await driver.exec(statement);
    for (const statement of dialect.createTable(ALL_KINDS)) await driver.exec(statement);
    assert.equal(await dialect.tableExists(driver, "dlpg_kinds"), true);
    assert.deepEqual(
      await dialect.columnNames(driver, "dlpg_kinds"),
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
    for (const row of rows) {
      const result = await insertRow(ALL_KINDS, row);
      const id = dialect.decode("integer", result.rows![0].id);
      assert.equal(typeof id, "number");
      assert.deepEqual(await readRow(ALL_KINDS, id), { id, ...row });
    }
  });

  it("upserts by unique column and by key, reporting the row's generated key", async () => {
    const cols = ["email", "count", "ratio", "active", "born", "big", "role", "ref", "data"];
    const kinds = cols.map((c) => ALL_KINDS.columns.find((x) => x.name === c)!.kind);
    const values = (email: string, count: number) =>
      [email, count, 1.5, true, new Date(1), 2n, "admin", "3f1d2b4e-8a6c-4c1e-9f00-123456789abc", {}].map(
        (v, i) => dialect.encode(kinds[i], v),
      );
    const byEmail = driver.prepare(
      dialect.upsert({
        table: "dlpg_kinds",
        columns: cols,
        conflict: ["email"],
        update: cols.slice(1),
        returning: ["id", "count"],
        generatedKey: "id",
      }),
    );
    const first = await byEmail.run(values("up@example.com", 1));
    const second = await byEmail.run(values("up@example.com", 2));
    assert.equal(first.rows![0].id, second.rows![0].id);
    assert.equal(second.rows![0].count, 2);
    const noUpdate = driver.prepare(
      dialect.upsert({
        table: "dlpg_kinds",
        columns: cols,
        conflict: ["email"],
        update: [],
        returning: ["id"],
      }),
    );
    assert.equal((await noUpdate.run(values("up@example.com", 3))).rows![0].id, first.rows![0].id);
    const byKey = driver.prepare(
      dialect.upsert({
        table: "dlpg_kinds",
        columns: ["id", ...cols],
        conflict: ["id"],
        update: cols,
        returning: ["id", "email"],
      }),
    );
    const moved = await byKey.run([first.rows![0].id, ...values("moved@example.com", 9)]);
    assert.deepEqual(moved.rows![0], { id: first.rows![0].id, email: "moved@example.com" });
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
    const dupEmail = await catchKind(
      `INSERT INTO ${q("dlpg_kinds")} (${["email", "count", "ratio", "active", "born", "big", "role", "ref", "data"].map(q).join(", ")}) VALUES ($1, 1, 1, true, now(), 1, 'admin', gen_random_uuid(), '{}')`,
      ["b@example.com"],
    );
    assert.deepEqual(dupEmail, { kind: "unique", constraint: "dlpg_kinds_email_key", columns: ["email"] });
    const dupKey = await catchKind(
      `INSERT INTO ${q("dlpg_kinds")} (${["id", "email", "count", "ratio", "active", "born", "big", "role", "ref", "data"].map(q).join(", ")}) SELECT id, 'other', 1, 1, true, now(), 1, 'admin', gen_random_uuid(), '{}' FROM ${q("dlpg_kinds")} LIMIT 1`,
      [],
    );
    assert.deepEqual(dupKey, {
      kind: "unique",
      constraint: "dlpg_kinds_pkey",
      columns: ["id"],
      primaryKey: true,
    });
    assert.deepEqual(
      await catchKind(`INSERT INTO ${q("dlpg_kinds")} (${q("email")}) VALUES ($1)`, ["n@example.com"]),
      { kind: "not-null", column: "count" },
    );
    await driver.exec(`CREATE TABLE ${q("dlpg_parent")} (id BIGINT PRIMARY KEY)`);
    await driver.exec(
      `CREATE TABLE ${q("dlpg_child")} (id BIGINT PRIMARY KEY, parent_id BIGINT REFERENCES dlpg_parent(id))`,
    );
    assert.deepEqual(await catchKind(`INSERT INTO ${q("dlpg_child")} VALUES (1, $1)`, [42]), {
      kind: "foreign-key",
    });
    assert.deepEqual(await catchKind(`SELECT * FROM ${q("dlpg_missing")}`, []), { kind: "missing-table" });
    assert.equal(await dialect.tableExists(driver, "dlpg_missing"), false);
  });

  it("enum CHECK rejects values outside the enum", async () => {
    await assert.rejects(
      async () => driver.prepare(`UPDATE ${q("dlpg_kinds")} SET ${q("role")} = $1`).run(["root"]),
      (error: unknown) => (error as { code?: string }).code === "23514",
    );
  });

  it("escapes LIKE wildcards with a backslash; ilike ignores case, like does not", async () => {
    const conn = await driver.acquire();
    try {
      await conn.exec("CREATE TEMP TABLE dlpg_like_c (s TEXT)");
      await conn.exec("INSERT INTO dlpg_like_c VALUES ('100% Sure'), ('1000 sure'), ('a_b'), ('axb')");
      const find = async (sql: string, p: string) =>
        (await conn.prepare(`SELECT s FROM dlpg_like_c WHERE ${sql} ORDER BY s`).all([p])).map((r) => r.s);
      assert.deepEqual(await find(dialect.ilike("s", "$1"), "100\\%%SURE"), ["100% Sure"]);
      assert.deepEqual(await find(dialect.like("s", "$1"), "100\\%%SURE"), []);
      assert.deepEqual(await find(dialect.like("s", "$1"), "a\\_b"), ["a_b"]);
    } finally {
      conn.release();
    }
  });

  it("adds columns, truncates keeping the identity, and re-prepares SELECT * after the table changed", async () => {
    const table: TableSpec = {
      name: "dlpg_evolve",
      keyField: "id",
      uniqueFields: [],
      columns: [idColumn, col("a", "string")],
    };
    for (const s of dialect.createTable(table)) await driver.exec(s);
    const insert = driver.prepare(`INSERT INTO ${q("dlpg_evolve")} (a) VALUES ($1) RETURNING id`);
    const selectAll = driver.prepare(`SELECT * FROM ${q("dlpg_evolve")} ORDER BY id`);
    const firstId = (await insert.run(["x"])).rows![0].id as number;
    assert.deepEqual(await selectAll.all([]), [{ id: firstId, a: "x" }]);
    await driver.exec(
      dialect.addColumn("dlpg_evolve", col("b", "boolean", { nullable: true, unique: true })),
    );
    assert.deepEqual(await dialect.columnNames(driver, "dlpg_evolve"), ["id", "a", "b"]);
    assert.deepEqual(await selectAll.all([]), [{ id: firstId, a: "x", b: null }]);
    assert.throws(() => dialect.addColumn("dlpg_evolve", col("c", "integer")), ConfigurationError);
    for (const [name, kind, value] of [
      ["c", "integer", 7],
      ["d", "string", "it's \\ ok"],
      ["e", "boolean", true],
      ["f", "bigint", 9007199254740993n],
    ] as const) {
      await driver.exec(dialect.addColumn("dlpg_evolve", col(name, kind, { defaultValue: value })));
      const [row] = await driver.prepare(`SELECT * FROM ${q("dlpg_evolve")} ORDER BY id`).all([]);
      assert.deepEqual(dialect.decode(kind, row[name]), value, name);
    }
    await driver.exec(dialect.truncate("dlpg_evolve"));
    const nextId = (await insert.run(["y"])).rows![0].id as number;
    assert.ok(nextId > firstId, "deleted ids are never reused");
  });

  it("runs a transaction on one dedicated connection with savepoints, invisible to the pool until commit", async () => {
    await driver.exec(`CREATE TABLE ${q("dlpg_tx")} (id BIGINT PRIMARY KEY)`);
    const conn = await driver.acquire();
    const insert = `INSERT INTO ${q("dlpg_tx")} VALUES ($1)`;
    const count = `SELECT COUNT(*) AS n FROM ${q("dlpg_tx")}`;
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
    assert.deepEqual(await driver.prepare(`SELECT id FROM ${q("dlpg_tx")} ORDER BY id`).all([]), [
      { id: 1 },
      { id: 3 },
    ]);
  });

  it("returns the connection to a one-connection pool when the transaction throws, and destroys broken ones", async () => {
    const small = createPostgresDialect(urlWith("poolSize=1&connectTimeout=2000"));
    const pool = await small.createDriver();
    try {
      const run = async (fn: () => Promise<void>) => {
        const conn = await pool.acquire();
        let broken = false;
        try {
          await conn.exec(small.begin());
          await fn();
          await conn.exec("COMMIT");
        } catch (error) {
          broken = small.classifyError(error).kind === "connection";
          await conn.exec("ROLLBACK").catch(() => {});
          throw error;
        } finally {
          conn.release(broken);
        }
      };
      await assert.rejects(
        run(async () => {
          throw new Error("boom");
        }),
        /boom/,
      );
      const conn = await pool.acquire();
      const [{ pid }] = await conn.prepare("SELECT pg_backend_pid() AS pid").all([]);
      conn.release(true);
      const [{ pid: next }] = await pool.prepare("SELECT pg_backend_pid() AS pid").all([]);
      assert.notEqual(next, pid, "a connection released as broken is destroyed");
      // A connection killed mid-transaction surfaces as ConnectionError and is not reused.
      const victim = await pool.acquire();
      try {
        const [{ pid: victimPid }] = await victim.prepare("SELECT pg_backend_pid() AS pid").all([]);
        await driver.prepare("SELECT pg_terminate_backend($1)").all([victimPid]);
        await assert.rejects(
          async () => victim.prepare("SELECT 1").all([]),
          (e: unknown) => e instanceof ConnectionError,
        );
      } finally {
        victim.release();
      }
      assert.deepEqual(await pool.prepare("SELECT 1 AS one").all([]), [{ one: 1 }]);
    } finally {
      await pool.close();
    }
  });

  it("runs 50 concurrent upserts on one unique key without a lost or duplicated row", async () => {
    const table: TableSpec = {
      name: "dlpg_race",
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

  it("serves many concurrent statements through a small pool", async () => {
    const small = createPostgresDialect(urlWith("poolSize=3"));
    const pool = await small.createDriver();
    try {
      const results = await Promise.all(
        Array.from({ length: 60 }, (_, i) => pool.prepare("SELECT $1::int AS i, pg_sleep(0.005)").all([i])),
      );
      assert.deepEqual(
        results.map((r) => r[0].i),
        Array.from({ length: 60 }, (_, i) => i),
      );
    } finally {
      await pool.close();
    }
  });

  it("surfaces statementTimeout as a timeout", async () => {
    const timed = createPostgresDialect(urlWith("statementTimeout=200"));
    const pool = await timed.createDriver();
    try {
      const started = Date.now();
      await assert.rejects(
        async () => pool.prepare("SELECT pg_sleep(3)").all([]),
        (e: unknown) => {
          assert.deepEqual(timed.classifyError(e), { kind: "timeout" });
          return true;
        },
      );
      assert.ok(Date.now() - started < 2000);
    } finally {
      await pool.close();
    }
  });

  it("reports a refused connection as ConnectionError naming host:port but never the password", async () => {
    const refused = createPostgresDialect(
      `postgres://app:${ENCODED}@127.0.0.1:1/nowhere?connectTimeout=2000`,
    );
    const started = Date.now();
    await assert.rejects(refused.createDriver(), (error: unknown) => {
      assert.ok(error instanceof ConnectionError);
      assert.match(error.message, /127\.0\.0\.1:1\/nowhere/);
      for (const text of [
        error.message,
        String(error),
        String(error.cause),
        (error.cause as Error).stack ?? "",
      ]) {
        assert.ok(!text.includes(PASSWORD) && !text.includes(ENCODED), text);
      }
      assert.deepEqual(refused.classifyError(error.cause), { kind: "connection" });
      return true;
    });
    assert.ok(Date.now() - started < 2500);
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

  it("close() is idempotent and lets the process exit by itself", () => {
    const dir = mkdtempSync(join(tmpdir(), "dlpg-"));
    const script = join(dir, "exit.mts");
    const index = resolve("src/db/dialect/postgres/index.ts");
    writeFileSync(
      script,
      `import { createPostgresDialect } from ${JSON.stringify(index)};
const driver = await createPostgresDialect(${JSON.stringify(target.url)}).createDriver();
await Promise.all([1, 2, 3].map((i) => driver.prepare("SELECT $1::int AS i").all([i])));
await driver.close();
await driver.close();
console.log("closed");
`,
    );
    const started = Date.now();
    const child = spawnSync(process.execPath, ["--import", "tsx", script], {
      encoding: "utf8",
      timeout: 8000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), "closed");
    assert.ok(Date.now() - started < 8000);
  });
});
