import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { z } from "zod";
import { parseSqliteUrl } from "../../src/db/dialect/sqlite/index.js";
import { classifySqliteError } from "../../src/db/dialect/sqlite/sqlite-errors.js";
import { engineFor } from "../../src/db/engine.js";
import {
  ConfigurationError,
  ConnectionError,
  databaseRegistry,
  disposeAll,
  Model,
  RegistryError,
} from "../../src/db/index.js";
import { testTempDir } from "../support/databases.js";
import "../support/each-database.js"; // disposes every engine after this file

const id = () => z.int().nullable().default(null);

describe("SQLite URLs and engines", () => {
  it("parses bare paths, sqlite:/// (relative), sqlite://// (absolute) and in-memory URLs", () => {
    assert.deepEqual(parseSqliteUrl("app.db"), { filename: join(process.cwd(), "app.db"), memory: false });
    assert.deepEqual(parseSqliteUrl("sqlite:///data/app.db"), {
      filename: join(process.cwd(), "data/app.db"),
      memory: false,
    });
    assert.deepEqual(parseSqliteUrl("sqlite:////tmp/app.db"), { filename: "/tmp/app.db", memory: false });
    assert.deepEqual(parseSqliteUrl("/tmp/app.db"), { filename: "/tmp/app.db", memory: false });
    for (const url of [":memory:", "sqlite::memory:", "sqlite://", "sqlite:///:memory:"]) {
      assert.deepEqual(parseSqliteUrl(url), { filename: ":memory:", memory: true }, url);
    }
    for (const url of ["", "sqlite:app.db", "ftp://host/db", "redis://x"]) {
      assert.throws(() => parseSqliteUrl(url), ConfigurationError, url);
    }
  });

  it("one engine per URL: equivalent URLs share it, and all in-memory models share one database", async () => {
    const file = join(testTempDir(), "shared.db");
    assert.equal(engineFor(file), engineFor(`sqlite:///${relative(process.cwd(), file)}`));
    assert.equal(engineFor(":memory:"), engineFor("sqlite::memory:"));
    const A = databaseRegistry(":memory:", { tableName: "lite_shared_a" })(
      class A extends Model({ id: id(), n: z.int() }) {},
    );
    const B = databaseRegistry("sqlite::memory:", { tableName: "lite_shared_b" })(
      class B extends Model({ id: id(), n: z.int() }) {},
    );
    assert.equal(A.objects.engine, B.objects.engine);
    await A.objects.transaction(async () => {
      await A.objects.create({ n: 1 });
      await B.objects.create({ n: 2 });
    });
    assert.equal(await B.objects.count(), 1);
  });

  it("file databases use WAL and foreign_keys=ON, and persist across dispose", async () => {
    const file = join(testTempDir(), "wal.db");
    const Note = databaseRegistry(file, { tableName: "lite_notes" })(
      class Note extends Model({ id: id(), text: z.string() }) {},
    );
    await Note.objects.create({ text: "kept" });
    assert.ok(existsSync(file));
    const driver = Note.objects.engine.driver as unknown as {
      db: { pragma(s: string, o?: object): unknown };
    };
    assert.equal(driver.db.pragma("journal_mode", { simple: true }), "wal");
    assert.equal(driver.db.pragma("foreign_keys", { simple: true }), 1);
    await disposeAll();
    assert.equal(Note.objects.engine.driver, null);
    Note.objects.reopen();
    assert.equal((await Note.objects.require(1)).text, "kept");
  });

  it("an in-memory database starts empty again after disposeAll and reopen(), and autoCreate re-creates the table", async () => {
    const M = databaseRegistry(":memory:", { tableName: "lite_mem_reset" })(
      class M extends Model({ id: id() }) {},
    );
    M.objects.reopen(); // the test above disposed every engine
    await M.objects.create({});
    await disposeAll();
    M.objects.reopen();
    assert.equal(await M.objects.count(), 0);
  });

  it("a file that is not a database, or a missing directory, is a ConnectionError with the driver error as cause", async () => {
    const garbage = join(testTempDir(), "garbage.db");
    writeFileSync(
      garbage,
      "this is not a database, just text that is long enough to have a header".repeat(20),
    );
    const G = databaseRegistry(garbage, { tableName: "lite_garbage" })(
      class G extends Model({ id: id() }) {},
    );
    const error = await G.objects.count().catch((e: unknown) => e);
    assert.ok(error instanceof ConnectionError, String(error));
    assert.ok(error.cause instanceof Error && !(error.cause instanceof RegistryError));
    const N = databaseRegistry(join(testTempDir(), "no/such/dir.db"), { tableName: "lite_nodir" })(
      class N extends Model({ id: id() }) {},
    );
    await assert.rejects(N.objects.count(), ConnectionError);
  });

  it("a server URL whose dialect is unavailable or invalid is a ConfigurationError, not a crash", async () => {
    const P = databaseRegistry("postgres://user@127.0.0.1:1/db?nope=1", { tableName: "lite_pg" })(
      class P extends Model({ id: id() }) {},
    );
    await assert.rejects(P.objects.count(), ConfigurationError);
  });

  it("SQLite errors are classified by extended code, not message text", () => {
    assert.deepEqual(
      classifySqliteError({
        code: "SQLITE_CONSTRAINT_UNIQUE",
        message: "UNIQUE constraint failed: t.a, t.b",
      }),
      {
        kind: "unique",
        primaryKey: false,
        columns: ["a", "b"],
      },
    );
    assert.equal(classifySqliteError({ code: "SQLITE_CONSTRAINT_PRIMARYKEY", message: "" }).kind, "unique");
    assert.deepEqual(
      classifySqliteError({ code: "SQLITE_CONSTRAINT_FOREIGNKEY", message: "UNIQUE constraint failed" }),
      {
        kind: "foreign-key",
      },
    );
    assert.deepEqual(classifySqliteError({ message: "UNIQUE constraint failed: t.a" }), { kind: "other" });
    assert.equal(classifySqliteError({ code: "SQLITE_BUSY" }).kind, "timeout");
  });
});
