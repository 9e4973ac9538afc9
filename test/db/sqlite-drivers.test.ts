// The two SQLite bindings (better-sqlite3 and node:sqlite): how one is chosen (URL option, environment,
// the line's default, fallback), the errors that name the fix, and the same behaviour through the
// `SqliteDriver` seam and through models on each binding this Node has.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import {
  betterSqlite3Misfit,
  defaultSqliteDriver,
  loadSqliteBinding,
  parseSqliteUrl,
  type SqliteDriverName,
} from "../../src/db/dialect/sqlite/index.js";
import { SqliteDialect } from "../../src/db/dialect/sqlite/sqlite-dialect.js";
import type { SqliteDriver } from "../../src/db/dialect/sqlite/sqlite-driver.js";
import { classifySqliteError } from "../../src/db/dialect/sqlite/sqlite-errors.js";
import {
  ConfigurationError,
  databaseRegistry,
  disposeAll,
  Model,
  UniqueConstraintError,
} from "../../src/db/index.js";
import { testTempDir } from "../support/databases.js";

after(() => disposeAll());

const [major, minor] = process.versions.node.split(".").map(Number);
const nodeSqliteHere = major >= 24 || (major === 22 && minor >= 13) || (major === 23 && minor >= 4);
const drivers: { name: SqliteDriverName; skip: string | false }[] = [
  { name: "better-sqlite3", skip: false },
  { name: "node", skip: nodeSqliteHere ? false : `node:sqlite is not in Node ${process.versions.node}` },
];

describe("choosing the SQLite binding", () => {
  it("reads ?driver= from bare paths, sqlite:/// URLs and the in-memory forms", () => {
    const file = join(process.cwd(), "app.db");
    assert.deepEqual(parseSqliteUrl("app.db?driver=node"), { filename: file, memory: false, driver: "node" });
    assert.deepEqual(parseSqliteUrl("sqlite:///app.db?driver=better-sqlite3"), {
      filename: file,
      memory: false,
      driver: "better-sqlite3",
    });
    for (const url of [
      ":memory:?driver=node",
      "sqlite::memory:?driver=node",
      "sqlite:///:memory:?driver=node",
    ]) {
      assert.deepEqual(parseSqliteUrl(url), { filename: ":memory:", memory: true, driver: "node" }, url);
    }
    // Other options are ignored on sqlite: URLs (as before); a bare path keeps them in its name.
    assert.deepEqual(parseSqliteUrl("sqlite:///app.db?mode=rw"), { filename: file, memory: false });
    assert.deepEqual(parseSqliteUrl("odd?name.db"), {
      filename: join(process.cwd(), "odd?name.db"),
      memory: false,
    });
  });

  it("a URL that names its driver is its own engine; the same URL shares one", async () => {
    const { engineFor } = await import("../../src/db/engine.js");
    assert.equal(
      engineFor(":memory:?driver=better-sqlite3"),
      engineFor("sqlite://:memory:?driver=better-sqlite3"),
    );
    assert.notEqual(engineFor(":memory:?driver=better-sqlite3"), engineFor(":memory:"));
    assert.equal(engineFor(":memory:"), engineFor("sqlite://:memory:"));
  });

  it("an unknown driver name, in the URL or the environment, is a ConfigurationError listing both", () => {
    assert.throws(
      () => parseSqliteUrl("app.db?driver=sqlite3"),
      (error: unknown) => {
        assert.ok(error instanceof ConfigurationError);
        assert.equal(error.code, "REGISTERS_CONFIGURATION");
        assert.match(error.message, /unknown SQLite driver "sqlite3".*"better-sqlite3" or "node"/);
        return true;
      },
    );
    assert.throws(
      () => loadSqliteBinding(undefined, { REGISTERS_SQLITE_DRIVER: "native" }),
      /unknown SQLite driver "native" in REGISTERS_SQLITE_DRIVER/,
    );
  });

  it("the URL beats REGISTERS_SQLITE_DRIVER, which beats the line's default", () => {
    assert.equal(
      loadSqliteBinding("better-sqlite3", { REGISTERS_SQLITE_DRIVER: "node" }).name,
      "better-sqlite3",
    );
    assert.equal(
      loadSqliteBinding(undefined, { REGISTERS_SQLITE_DRIVER: "better-sqlite3" }).name,
      "better-sqlite3",
    );
    assert.equal(loadSqliteBinding(undefined, {}).name, defaultSqliteDriver());
    assert.equal(loadSqliteBinding(undefined, { REGISTERS_SQLITE_DRIVER: "" }).name, defaultSqliteDriver());
  });

  it("the default is node:sqlite from Node 24, better-sqlite3 before (Node 22's node:sqlite cuts text at NUL)", () => {
    assert.equal(defaultSqliteDriver("20.20.2"), "better-sqlite3");
    assert.equal(defaultSqliteDriver("22.12.0"), "better-sqlite3");
    assert.equal(defaultSqliteDriver("22.23.3"), "better-sqlite3");
    assert.equal(defaultSqliteDriver("24.21.0"), "node");
    assert.equal(defaultSqliteDriver("26.0.0"), "node");
    assert.equal(defaultSqliteDriver(), major >= 24 ? "node" : "better-sqlite3");
  });

  it("better-sqlite3 12 on Node 24 and 13 on Node 20 are refused with the fix; other pairs fit", () => {
    assert.match(
      betterSqlite3Misfit("12.11.1", "24.21.0") ?? "",
      /aborts Node 24\.21\.0.*better-sqlite3@\^13.*driver=node/,
    );
    assert.match(
      betterSqlite3Misfit("13.2.0", "20.20.2") ?? "",
      /needs Node 22.*npm install better-sqlite3@\^12/,
    );
    assert.equal(betterSqlite3Misfit("12.11.1", "20.20.2"), null);
    assert.equal(betterSqlite3Misfit("12.11.1", "22.23.3"), null);
    assert.equal(betterSqlite3Misfit("13.2.0", "22.23.3"), null);
    assert.equal(betterSqlite3Misfit("13.2.0", "24.21.0"), null);
  });

  it("driver=node on a Node without node:sqlite is a ConfigurationError naming the Node version", {
    skip: nodeSqliteHere ? "this Node has node:sqlite" : false,
  }, () => {
    assert.throws(
      () => loadSqliteBinding("node", {}),
      (error: unknown) =>
        error instanceof ConfigurationError &&
        error.message.includes(`Node ${process.versions.node}`) &&
        error.message.includes("22.13+ or 24+"),
    );
  });

  it("node:sqlite loads without an ExperimentalWarning, and other warnings still print", {
    skip: drivers[1].skip,
  }, () => {
    const script = `
      const { loadSqliteBinding } = await import(${JSON.stringify(new URL("../../src/db/dialect/sqlite/sqlite-binding.ts", import.meta.url).href)});
      const db = loadSqliteBinding("node", {}).open(":memory:");
      db.close();
      process.emitWarning("after the load", "ExperimentalWarning");
      process.emitWarning("SQLite is mine", "ExperimentalWarning");
    `;
    const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      encoding: "utf8",
    });
    assert.equal(child.status, 0, child.stderr);
    assert.doesNotMatch(child.stderr, /SQLite is an experimental feature/);
    assert.match(child.stderr, /ExperimentalWarning: after the load/);
    assert.match(child.stderr, /ExperimentalWarning: SQLite is mine/);
  });
});

for (const { name, skip } of drivers) {
  // Skipped per test (not per suite), so every line reports the same test count.
  describe(`the ${name} binding`, () => {
    const open = async (file = ":memory:") => {
      const memory = file === ":memory:";
      const target = { filename: memory ? file : join(testTempDir(), file), memory, driver: name };
      return (await new SqliteDialect(target).createDriver()) as SqliteDriver;
    };

    it("runs statements through the driver seam: rows, changes, last insert id, bigints", {
      skip,
    }, async () => {
      const driver = await open();
      assert.equal(driver.binding, name);
      await driver.exec("CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, n INTEGER, s TEXT)");
      const insert = driver.prepare("INSERT INTO t (n, s) VALUES (?, ?)");
      assert.deepEqual(await insert.run([5, "a"]), { changes: 1, lastInsertId: 1 });
      assert.deepEqual(await insert.run([2n ** 62n, null]), { changes: 1, lastInsertId: 2 });
      const big = await driver.prepare("SELECT n FROM t ORDER BY id", { bigints: true }).all([]);
      assert.deepEqual(
        big.map((row) => row.n),
        [5n, 2n ** 62n],
      );
      const row = await driver.prepare("SELECT id, n, s FROM t WHERE id = ?").get?.([1]);
      assert.deepEqual({ ...row }, { id: 1, n: 5, s: "a" });
      assert.deepEqual(await driver.prepare("UPDATE t SET s = ? WHERE id > ?").run(["b", 0]), {
        changes: 2,
        lastInsertId: 2,
      });
      await driver.close();
      await assert.rejects(driver.acquire(), /closed/);
    });

    it("a string containing U+0000 reads back whole, or (node:sqlite before Node 24) is refused", {
      skip,
    }, async () => {
      const driver = await open();
      await driver.exec("CREATE TABLE z (s TEXT)");
      const insert = driver.prepare("INSERT INTO z (s) VALUES (?)");
      if (name === "node" && major < 24) {
        assert.throws(
          () => insert.run(["a\0b"]),
          (error: unknown) => {
            assert.equal((error as { code?: unknown }).code, "ERR_REGISTERS_SQLITE_NUL");
            assert.match(String(error), /driver=better-sqlite3 or Node 24/);
            return true;
          },
        );
        assert.equal((await driver.prepare("SELECT count(*) AS n FROM z").all([]))[0].n, 0);
      } else {
        await insert.run(["a\0b"]);
        assert.equal((await driver.prepare("SELECT s FROM z").all([]))[0].s, "a\0b");
      }
      await driver.close();
    });

    it("binds long parameter lists (the one-array form) up to SQLite's limit", { skip }, async () => {
      const driver = await open();
      await driver.exec("CREATE TABLE v (n INTEGER)");
      for (const count of [17, 1000, 32_766]) {
        const params = Array.from({ length: count }, (_, i) => i);
        const insert = `INSERT INTO v (n) VALUES ${params.map(() => "(?)").join(", ")}`;
        assert.equal((await driver.prepare(insert).run(params)).changes, count);
        const rows = await driver.prepare("SELECT count(*) AS c, sum(n) AS total FROM v").all([]);
        assert.deepEqual({ ...rows[0] }, { c: count, total: (count * (count - 1)) / 2 }, String(count));
        await driver.exec("DELETE FROM v");
      }
      await driver.close();
    });

    it("classifies constraint and missing-table errors the same way", { skip }, async () => {
      const driver = await open();
      await driver.exec(
        "CREATE TABLE p (id INTEGER PRIMARY KEY); CREATE TABLE c (id INTEGER PRIMARY KEY, " +
          "email TEXT NOT NULL UNIQUE, p INTEGER REFERENCES p (id))",
      );
      const insert = driver.prepare("INSERT INTO c (id, email, p) VALUES (?, ?, ?)");
      await insert.run([1, "a@x", null]);
      const kind = async (params: unknown[]) => {
        try {
          await insert.run(params);
        } catch (error) {
          return classifySqliteError(error);
        }
        assert.fail("the insert should have failed");
      };
      assert.deepEqual(await kind([2, "a@x", null]), {
        kind: "unique",
        primaryKey: false,
        columns: ["email"],
      });
      assert.deepEqual(await kind([1, "b@x", null]), { kind: "unique", primaryKey: true, columns: ["id"] });
      assert.deepEqual(await kind([3, null, null]), { kind: "not-null", column: "email" });
      assert.deepEqual(await kind([4, "c@x", 99]), { kind: "foreign-key" });
      assert.throws(
        () => driver.prepare("SELECT * FROM nowhere"),
        (error: unknown) => {
          assert.deepEqual(classifySqliteError(error), { kind: "missing-table" });
          return true;
        },
      );
      await driver.close();
    });

    it("case-sensitive LIKE (registers_like) and file pragmas (WAL, foreign keys) are set up", {
      skip,
    }, async () => {
      const driver = await open(`pragmas-${name}.db`);
      const like = driver.prepare("SELECT registers_like(?, ?) AS hit");
      assert.deepEqual({ ...(await like.all(["A\\_b%", "A_bc"]))[0] }, { hit: 1 });
      assert.deepEqual({ ...(await like.all(["a%", "Abc"]))[0] }, { hit: 0 });
      assert.equal((await driver.prepare("PRAGMA journal_mode").all([]))[0].journal_mode, "wal");
      assert.equal((await driver.prepare("PRAGMA foreign_keys").all([]))[0].foreign_keys, 1);
      await driver.close();
    });

    it("models round-trip every column kind, and a duplicate is a UniqueConstraintError", {
      skip,
    }, async () => {
      const url = `${join(testTempDir(), `models-${name}.db`)}?driver=${name}`;
      const Item = databaseRegistry(url, {
        tableName: `drivers_${name.replace("-", "_")}`,
        uniqueFields: ["code"],
      })(
        class Item extends Model({
          id: z.int().nullable().default(null),
          code: z.string(),
          active: z.boolean(),
          seenAt: z.date(),
          big: z.bigint(),
          meta: z.object({ tags: z.array(z.string()) }),
          size: z.enum(["s", "m"]),
        }) {},
      );
      await Item.createSchema();
      const sample = {
        code: "x",
        active: false,
        seenAt: new Date("2024-02-29T12:34:56.789Z"),
        big: -(2n ** 63n),
        meta: { tags: ["a"] },
        size: "m" as const,
      };
      const created = await Item.objects.create(sample);
      const read = await Item.objects.require(created.id as number);
      assert.deepEqual({ ...read }, { ...sample, id: created.id });
      assert.equal(((await Item.objects.engine.open()) as SqliteDriver).binding, name);
      await assert.rejects(Item.objects.create(sample), (error: unknown) => {
        assert.ok(error instanceof UniqueConstraintError, String(error));
        assert.deepEqual(error.fields, ["code"]);
        return true;
      });
    });
  });
}
