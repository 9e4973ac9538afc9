/**
 * The dialect contract (Hono's `runTest({ newRouter })` pattern): one suite every `Dialect` must
 * pass against its real database, run by `dialect-contract.test.ts` for SQLite, PostgreSQL and
 * MySQL. Where the databases legitimately differ (constraint names, placeholders, how a generated
 * key comes back), the caller passes the expectation in `expect`; tests that cannot hold on a
 * database are skipped there with the reason. Dialect-only tests stay in `dialect-<name>.test.ts`.
 *
 * @example
 * ```ts
 * runDialectContract({ name: "postgres", url, skip: false, prefix: "dlpg", createDialect: createPostgresDialect, expect });
 * ```
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import type {
  ColumnSpec,
  Dialect,
  Driver,
  DriverErrorKind,
  Row,
  RunResult,
  TableSpec,
} from "../../src/db/dialect/dialect.js";
import { savepointSql } from "../../src/db/dialect/savepoint-sql.js";
import { ConfigurationError, ConnectionError } from "../../src/db/errors.js";

/** A password with every character a URL must escape: it must never show in an error. */
export const PASSWORD = "pa:ss@w/rd%secret";
export const ENCODED = encodeURIComponent(PASSWORD);

/** A column spec with the defaults of a plain NOT NULL column. */
export function col(name: string, kind: ColumnSpec["kind"], extra: Partial<ColumnSpec> = {}): ColumnSpec {
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

/** The generated integer key column. */
export const idColumn = col("id", "integer", { nullable: true, primaryKey: true, autoincrement: true });

/** `url` with extra query options set. */
export function urlWith(url: string, options: string): string {
  const parsed = new URL(url);
  for (const [k, v] of new URLSearchParams(options)) parsed.searchParams.set(k, v);
  return parsed.toString();
}

/** What a dialect is expected to do where the databases differ. */
export interface DialectExpectations {
  /** The values of the enum column of the every-kind table. */
  readonly enumValues: readonly string[];
  /** Rows of the every-kind table that must read back exactly (the second one's email is reused as a duplicate). */
  readonly kindRows: readonly Record<string, unknown>[];
  /** `true`: `INSERT ... RETURNING` gives the generated key in `rows`; `false`: in `lastInsertId`. */
  readonly returning: boolean;
  /** `classifyError` of a duplicate email, of a duplicate primary key, of a NULL in `count`. */
  readonly uniqueEmail: (table: string) => DriverErrorKind;
  readonly duplicateKey: (table: string) => DriverErrorKind;
  readonly notNull: DriverErrorKind;
  /** Whether a driver error is the enum's CHECK violation. */
  readonly isCheckViolation: (error: unknown) => boolean;
  /** A statement selecting its first parameter as the integer column `i`. */
  readonly echoIntSql: string;
  /** The dialect's entry module (from the repository root) and factory, for the exit test's child process. */
  readonly entry: { readonly module: string; readonly factory: string };
  /** Why `ALTER TABLE ... ADD` of a UNIQUE column is impossible on this database, if it is. */
  readonly cannotAddUniqueColumn?: string;
  /** Server databases only: pools, sessions, timeouts and refused connections. */
  readonly server?: {
    /** `echoIntSql` that also sleeps 5 ms. */
    readonly slowEchoSql: string;
    /** A statement sleeping `seconds`. */
    readonly sleepSql: (seconds: number) => string;
    /** Selects the server session's id as `sid`. */
    readonly sessionIdSql: string;
    /** A statement that kills session `sid`. */
    readonly killSql: (sid: unknown) => string;
  };
}

/** What `runDialectContract` needs. */
export interface DialectContractOptions {
  readonly name: "sqlite" | "postgres" | "mysql";
  /** The database URL (ignored when skipped). */
  readonly url: string;
  /** `false` to run, or the reason the whole contract is skipped (a server not configured). */
  readonly skip: string | false;
  /** Table-name prefix, distinct per dialect. */
  readonly prefix: string;
  readonly createDialect: (url: string) => Dialect;
  readonly expect: DialectExpectations;
}

/**
 * Registers the dialect contract suite for one dialect.
 *
 * @example
 * ```ts
 * runDialectContract({ name: "mysql", url, skip, prefix: "dlmy", createDialect: createMysqlDialect, expect: mysqlExpect });
 * ```
 */
export function runDialectContract(options: DialectContractOptions): void {
  const { name, url, prefix, createDialect, expect } = options;
  const server = expect.server;
  const serverOnly = server === undefined ? `${name} has no server: one connection, no pool` : false;
  const t = (suffix: string) => `${prefix}_${suffix}`;
  const KINDS: TableSpec = {
    name: t("kinds"),
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
      col("role", "enum", { enumValues: [...expect.enumValues] }),
      col("ref", "uuid"),
      col("data", "json"),
      col("note", "string", { nullable: true }),
      col("maybe_big", "bigint", { nullable: true }),
    ],
  };
  const TABLES = ["child", "parent", "kinds", "tx", "evolve", "like", "race"].map(t);

  describe(`${name} dialect: contract`, { skip: options.skip }, () => {
    let dialect: Dialect;
    let driver: Driver;
    const q = (s: string) => dialect.quote(s);
    const p = (i: number) => dialect.param(i);

    before(async () => {
      dialect = createDialect(url);
      driver = await dialect.createDriver();
      for (const table of TABLES) await driver.exec(dialect.dropTable(table));
    });
    after(async () => {
      for (const table of TABLES) await driver.exec(dialect.dropTable(table));
      await driver.close();
    });

    /** The generated key of an INSERT or upsert result. */
    const keyOf = (result: RunResult): unknown =>
      expect.returning ? dialect.decode("integer", result.rows![0].id) : result.lastInsertId;
    const returningId = () => (expect.returning ? ` RETURNING ${q("id")}` : "");

    async function insertRow(table: TableSpec, row: Record<string, unknown>) {
      const columns = table.columns.filter((c) => c.name in row);
      const sql =
        `INSERT INTO ${q(table.name)} (${columns.map((c) => q(c.name)).join(", ")}) ` +
        `VALUES (${columns.map((_, i) => p(i + 1)).join(", ")})${returningId()}`;
      return driver.prepare(sql).run(columns.map((c) => dialect.encode(c.kind, row[c.name])));
    }

    async function readRow(table: TableSpec, id: unknown) {
      const sql = `SELECT * FROM ${q(table.name)} WHERE ${q("id")} = ${p(1)}`;
      const [raw] = await driver.prepare(sql, { bigints: true }).all([dialect.encode("integer", id)]);
      return Object.fromEntries(table.columns.map((c) => [c.name, dialect.decode(c.kind, raw[c.name])]));
    }

    it("creates a table with every column kind idempotently and round-trips each value exactly", async () => {
      for (const statement of dialect.createTable(KINDS)) await driver.exec(statement);
      for (const statement of dialect.createTable(KINDS)) await driver.exec(statement);
      assert.equal(await dialect.tableExists(driver, KINDS.name), true);
      assert.deepEqual(
        await dialect.columnNames(driver, KINDS.name),
        KINDS.columns.map((c) => c.name),
      );
      for (const row of expect.kindRows) {
        const id = keyOf(await insertRow(KINDS, row));
        assert.equal(typeof id, "number");
        assert.deepEqual(await readRow(KINDS, id), { id, ...row });
      }
      // String equality is case-sensitive on every database (utf8mb4_bin on MySQL).
      for (const { email } of expect.kindRows) {
        const lower = String(email).toLowerCase();
        if (lower === email) continue;
        const found = await driver
          .prepare(`SELECT id FROM ${q(KINDS.name)} WHERE ${q("email")} = ${p(1)}`)
          .all([lower]);
        assert.deepEqual(found, [], lower);
      }
    });

    it("upserts by unique column and by key, reporting the row's key (of an updated row too)", {
      skip: server
        ? false
        : "SQLite: run() gives no RETURNING rows and lastInsertRowid does not name an updated row (the manager reads upsert keys with all())",
    }, async () => {
      const cols = ["email", "count", "ratio", "active", "born", "big", "role", "ref", "data"];
      const kinds = cols.map((c) => KINDS.columns.find((x) => x.name === c)!.kind);
      const values = (email: string, count: number) =>
        [email, count, 1.5, true, new Date(1), 2n, "admin", "3f1d2b4e-8a6c-4c1e-9f00-123456789abc", {}].map(
          (v, i) => dialect.encode(kinds[i], v),
        );
      const byEmail = driver.prepare(
        dialect.upsert({
          table: KINDS.name,
          columns: cols,
          conflict: ["email"],
          update: cols.slice(1),
          returning: expect.returning ? ["id", "count"] : [],
          generatedKey: "id",
        }),
      );
      const first = await byEmail.run(values("up@example.com", 1));
      await insertRow(KINDS, {
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
      assert.equal(keyOf(second), keyOf(first), "the updated row's key, not the last insert's");
      if (expect.returning) assert.equal(second.rows![0].count, 2);
      const noUpdate = driver.prepare(
        dialect.upsert({
          table: KINDS.name,
          columns: cols,
          conflict: ["email"],
          update: [],
          returning: expect.returning ? ["id"] : [],
          ...(expect.returning ? {} : { generatedKey: "id" }),
        }),
      );
      assert.equal(keyOf(await noUpdate.run(values("up@example.com", 3))), keyOf(first));
      const readOne = async (column: string) =>
        (
          await driver
            .prepare(`SELECT ${q(column)} FROM ${q(KINDS.name)} WHERE ${q("id")} = ${p(1)}`)
            .all([keyOf(first)])
        )[0][column];
      assert.equal(dialect.decode("integer", await readOne("count")), 2);
      const byKey = driver.prepare(
        dialect.upsert({
          table: KINDS.name,
          columns: ["id", ...cols],
          conflict: ["id"],
          update: cols,
          returning: expect.returning ? ["id", "email"] : [],
        }),
      );
      const moved = await byKey.run([keyOf(first), ...values("moved@example.com", 9)]);
      if (expect.returning)
        assert.deepEqual(moved.rows![0], { id: keyOf(first), email: "moved@example.com" });
      assert.equal(await readOne("email"), "moved@example.com");
    });

    it("classifies unique, primary key, foreign key, not-null and missing-table errors from real failures", async () => {
      const classify = async (attempt: () => unknown) => {
        try {
          await attempt();
        } catch (error) {
          return dialect.classifyError(error);
        }
        assert.fail("expected the statement to fail");
      };
      const row = {
        count: 1,
        ratio: 1,
        active: true,
        born: new Date(0),
        big: 1n,
        role: "admin",
        ref: "3f1d2b4e-8a6c-4c1e-9f00-123456789abc",
        data: {},
      };
      const taken = String(expect.kindRows[1].email);
      assert.deepEqual(
        await classify(() => insertRow(KINDS, { ...row, email: taken })),
        expect.uniqueEmail(KINDS.name),
      );
      const [{ id: existing }] = await driver.prepare(`SELECT ${q("id")} FROM ${q(KINDS.name)}`).all([]);
      assert.deepEqual(
        await classify(() =>
          insertRow(KINDS, { ...row, id: dialect.decode("integer", existing), email: "fresh" }),
        ),
        expect.duplicateKey(KINDS.name),
      );
      assert.deepEqual(
        await classify(() => insertRow(KINDS, { ...row, email: "nn@example.com", count: null })),
        expect.notNull,
      );
      await driver.exec(`CREATE TABLE ${q(t("parent"))} (id BIGINT PRIMARY KEY)`);
      await driver.exec(
        `CREATE TABLE ${q(t("child"))} (id BIGINT PRIMARY KEY, parent_id BIGINT, FOREIGN KEY (parent_id) REFERENCES ${q(t("parent"))}(id))`,
      );
      // Servers also name the violated constraint (SQLite reports none).
      const { constraint: _named, ...foreignKey } = (await classify(() =>
        driver.prepare(`INSERT INTO ${q(t("child"))} VALUES (1, ${p(1)})`).run([42]),
      )) as { kind: string; constraint?: string };
      assert.deepEqual(foreignKey, { kind: "foreign-key" });
      assert.deepEqual(await classify(() => driver.prepare(`SELECT * FROM ${q(t("missing"))}`).all([])), {
        kind: "missing-table",
      });
      assert.equal(await dialect.tableExists(driver, t("missing")), false);
    });

    it("enum CHECK rejects values outside the enum", async () => {
      await assert.rejects(
        async () => driver.prepare(`UPDATE ${q(KINDS.name)} SET ${q("role")} = ${p(1)}`).run(["root"]),
        (error: unknown) => expect.isCheckViolation(error),
      );
    });

    it("escapes LIKE wildcards with a backslash; ilike ignores case, like does not", async () => {
      const table: TableSpec = {
        name: t("like"),
        keyField: "id",
        uniqueFields: [],
        columns: [idColumn, col("s", "string")],
      };
      for (const s of dialect.createTable(table)) await driver.exec(s);
      await driver.exec(
        `INSERT INTO ${q(table.name)} (s) VALUES ('100% Sure'), ('1000 sure'), ('a_b'), ('axb')`,
      );
      const find = async (sql: string, param: string) =>
        (await driver.prepare(`SELECT s FROM ${q(table.name)} WHERE ${sql} ORDER BY s`).all([param])).map(
          (r) => r.s,
        );
      assert.deepEqual(await find(dialect.ilike("s", p(1)), "100\\%%SURE"), ["100% Sure"]);
      assert.deepEqual(await find(dialect.like("s", p(1)), "100\\%%SURE"), []);
      assert.deepEqual(await find(dialect.like("s", p(1)), "a\\_b"), ["a_b"]);
    });

    it("adds columns, truncates without reusing deleted ids, and re-prepares SELECT * after the table changed", {
      skip: expect.cannotAddUniqueColumn ?? false,
    }, async () => {
      const table: TableSpec = {
        name: t("evolve"),
        keyField: "id",
        uniqueFields: [],
        columns: [idColumn, col("a", "string")],
      };
      for (const s of dialect.createTable(table)) await driver.exec(s);
      const insert = driver.prepare(`INSERT INTO ${q(table.name)} (a) VALUES (${p(1)})${returningId()}`);
      const selectAll = driver.prepare(`SELECT * FROM ${q(table.name)} ORDER BY id`);
      const firstId = keyOf(await insert.run(["x"])) as number;
      const decoded = async () =>
        (await selectAll.all([])).map((r) => ({ ...r, id: dialect.decode("integer", r.id) }));
      assert.deepEqual(await decoded(), [{ id: firstId, a: "x" }]);
      await driver.exec(dialect.addColumn(table.name, col("b", "boolean", { nullable: true, unique: true })));
      assert.deepEqual(await dialect.columnNames(driver, table.name), ["id", "a", "b"]);
      assert.deepEqual(await decoded(), [{ id: firstId, a: "x", b: null }]);
      assert.throws(() => dialect.addColumn(table.name, col("c", "integer")), ConfigurationError);
      for (const [column, kind, value] of [
        ["c", "integer", 7],
        ["d", "string", "it's \\ ok"],
        ["e", "boolean", true],
        ["f", "bigint", 9007199254740993n],
      ] as const) {
        await driver.exec(dialect.addColumn(table.name, col(column, kind, { defaultValue: value })));
        const [row] = await driver.prepare(`SELECT * FROM ${q(table.name)} ORDER BY id`).all([]);
        assert.deepEqual(dialect.decode(kind, row[column]), value, column);
      }
      await driver.exec(dialect.truncate(table.name));
      const nextId = keyOf(await insert.run(["y"])) as number;
      assert.ok(nextId > firstId, "deleted ids are never reused");
    });

    it("runs a transaction on one dedicated connection with savepoints, invisible to the pool until commit", {
      skip: server ? false : "SQLite has one connection: statements outside the transaction wait for it",
    }, async () => {
      await driver.exec(`CREATE TABLE ${q(t("tx"))} (id BIGINT PRIMARY KEY)`);
      const conn = await driver.acquire();
      const insert = `INSERT INTO ${q(t("tx"))} VALUES (${p(1)})`;
      const count = `SELECT COUNT(*) AS n FROM ${q(t("tx"))}`;
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
      assert.deepEqual(await driver.prepare(`SELECT id FROM ${q(t("tx"))} ORDER BY id`).all([]), [
        { id: 1 },
        { id: 3 },
      ]);
    });

    it("returns the connection to a one-connection pool when the transaction throws, and destroys broken ones", {
      skip: serverOnly,
    }, async () => {
      const small = createDialect(urlWith(url, "poolSize=1&connectTimeout=2000"));
      const pool = await small.createDriver();
      const within = <T>(promise: Promise<T>) =>
        Promise.race([
          promise,
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error("pool leaked")), 2000)),
        ]);
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
        const conn = await within(pool.acquire());
        const [{ sid }] = await conn.prepare(server!.sessionIdSql).all([]);
        conn.release(true);
        const [{ sid: next }] = await within(Promise.resolve(pool.prepare(server!.sessionIdSql).all([])));
        assert.notEqual(next, sid, "a connection released as broken is destroyed");
        // A connection killed mid-transaction surfaces as ConnectionError and is not reused.
        const victim = await within(pool.acquire());
        try {
          const [{ sid: victimId }] = await victim.prepare(server!.sessionIdSql).all([]);
          await driver.exec(server!.killSql(victimId));
          await assert.rejects(
            async () => victim.prepare("SELECT 1").all([]),
            (e: unknown) => e instanceof ConnectionError,
          );
        } finally {
          victim.release();
        }
        assert.deepEqual(await within(Promise.resolve(pool.prepare("SELECT 1 AS one").all([]))), [
          { one: 1 },
        ]);
      } finally {
        await pool.close();
      }
    });

    it("runs 50 concurrent upserts on one unique key without a lost or duplicated row", async () => {
      const table: TableSpec = {
        name: t("race"),
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
        Array.from({ length: 50 }, async (_, i) =>
          server ? upsert.run(["race@example.com", i]) : { rows: await upsert.all(["race@example.com", i]) },
        ),
      );
      const [row] = await driver.prepare(`SELECT COUNT(*) AS c, MIN(id) AS id FROM ${q(table.name)}`).all([]);
      assert.equal(Number(row.c), 1);
      for (const result of results) {
        assert.equal(
          Number((result as RunResult).lastInsertId ?? (result.rows as Row[])[0].id),
          Number(row.id),
        );
      }
      await driver.exec(dialect.dropTable(table.name));
    });

    it("serves many concurrent statements through a small pool", { skip: serverOnly }, async () => {
      const small = createDialect(urlWith(url, "poolSize=3"));
      const pool = await small.createDriver();
      try {
        const results = await Promise.all(
          Array.from({ length: 60 }, (_, i) => pool.prepare(server!.slowEchoSql).all([i])),
        );
        assert.deepEqual(
          results.map((r) => Number(r[0].i)),
          Array.from({ length: 60 }, (_, i) => i),
        );
      } finally {
        await pool.close();
      }
    });

    it("surfaces statementTimeout as a timeout", { skip: serverOnly }, async () => {
      const timed = createDialect(urlWith(url, "statementTimeout=200&poolSize=2"));
      const pool = await timed.createDriver();
      try {
        // Several in parallel, so connections opened after the first one get the limit too.
        const started = Date.now();
        const outcomes = await Promise.allSettled(
          [1, 2, 3].map(() => pool.prepare(server!.sleepSql(3)).all([])),
        );
        for (const outcome of outcomes) {
          assert.equal(outcome.status, "rejected");
          assert.deepEqual(timed.classifyError((outcome as PromiseRejectedResult).reason), {
            kind: "timeout",
          });
        }
        assert.ok(Date.now() - started < 2000);
      } finally {
        await pool.close();
      }
    });

    it("reports refused and rejected connections as ConnectionError naming host:port but never the password", {
      skip: serverOnly,
    }, async () => {
      const scheme = new URL(url).protocol;
      const refused = createDialect(`${scheme}//app:${ENCODED}@127.0.0.1:1/nowhere?connectTimeout=2000`);
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
      await assert.rejects(refused.createDriver(), (error: unknown) => {
        check(/127\.0\.0\.1:1\/nowhere/)(error);
        assert.deepEqual(refused.classifyError((error as Error).cause), { kind: "connection" });
        return true;
      });
      assert.ok(Date.now() - started < 2500);
      const real = new URL(url);
      real.username = "registers_nobody";
      real.password = ENCODED;
      await assert.rejects(
        createDialect(real.toString()).createDriver(),
        check(new RegExp(`${real.hostname}:`)),
      );
    });

    it("close() is idempotent and lets the process exit by itself", () => {
      const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
      const script = join(dir, "exit.mts");
      const index = resolve(expect.entry.module);
      const childUrl = server ? url : join(dir, "exit.db");
      writeFileSync(
        script,
        `import { ${expect.entry.factory} } from ${JSON.stringify(index)};
const driver = await ${expect.entry.factory}(${JSON.stringify(childUrl)}).createDriver();
await Promise.all([1, 2, 3].map((i) => driver.prepare(${JSON.stringify(expect.echoIntSql)}).all([i])));
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
}
