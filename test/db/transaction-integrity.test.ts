/**
 * Data-integrity defects of transactions and schema state, on every database: savepoints nested to
 * any depth, lazy table creation never inside a user's transaction, dropSchema then autoCreate,
 * use after dispose, and a caught error inside a PostgreSQL transaction.
 */
import assert from "node:assert/strict";
import { after, beforeEach, it } from "node:test";
import { z } from "zod";
import {
  databaseRegistry,
  disposeAll,
  EngineDisposedError,
  Model,
  SchemaError,
  TransactionAbortedError,
  UniqueConstraintError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const id = () => z.int().nullable().default(null);
let serial = 0;

eachDatabase("transaction integrity", (target) => {
  const Row = databaseRegistry(target.url, { tableName: "ti_rows", uniqueFields: ["name"] })(
    class Row extends Model({ id: id(), name: z.string().max(100) }) {},
  );
  const names = async () => (await Row.objects.all({ orderBy: "id" })).map((r) => r.name);
  /** A model with a fresh table of its own, registered now (never used before this test). */
  const labelModel = (prefix: string, options: { autoCreate?: boolean } = {}) =>
    databaseRegistry(target.url, { tableName: `${prefix}_${++serial}`, ...options })(
      class Label extends Model({ id: id(), label: z.string() }) {},
    );

  beforeEach(() => {
    if (Row.objects.engine.disposed) Row.objects.reopen();
  });
  freshTables(Row);

  it("transactions nest three levels deep and settle", { timeout: 10_000 }, async () => {
    const result = await Row.objects.transaction(() =>
      Row.objects.transaction(() => Row.objects.transaction(async () => "deep")),
    );
    assert.equal(result, "deep");
  });

  it("savepoints nest to 6 levels; a throw at each level keeps exactly the rows outside it", {
    timeout: 20_000,
  }, async () => {
    const depth = 6;
    for (let failAt = 1; failAt <= depth; failAt++) {
      await Row.objects.truncate();
      // Level k writes "L<k>", then opens level k+1; level failAt throws after writing.
      const level = async (k: number): Promise<void> => {
        await Row.objects.create({ name: `L${k}` });
        if (k < depth) {
          if (k + 1 === failAt) {
            await assert.rejects(
              Row.objects.transaction(() => level(k + 1)),
              /boom/,
            );
          } else {
            await Row.objects.transaction(() => level(k + 1));
          }
        }
        if (k === failAt) throw new Error(`boom at ${k}`);
      };
      if (failAt === 1) {
        await assert.rejects(
          Row.objects.transaction(() => level(1)),
          /boom at 1/,
        );
      } else {
        await Row.objects.transaction(() => level(1));
      }
      const expected = failAt === 1 ? [] : Array.from({ length: failAt - 1 }, (_, i) => `L${i + 1}`);
      assert.deepEqual(await names(), expected, `throw at level ${failAt}`);
    }
  });

  it("concurrent nested transactions at one level run one at a time, each a savepoint", async () => {
    await Row.objects.transaction(async () => {
      await Promise.all(
        [1, 2, 3, 4].map((n) =>
          Row.objects
            .transaction(async () => {
              await Row.objects.create({ name: `c${n}` });
              await Row.objects.transaction(async () => {
                await Row.objects.create({ name: `c${n}-inner` });
                if (n % 2 === 0) throw new Error("inner fails");
              });
            })
            .catch(() => undefined),
        ),
      );
    });
    assert.deepEqual((await names()).sort(), ["c1", "c1-inner", "c3", "c3-inner"]);
  });

  it("a model first used inside a transaction that rolls back still works afterwards", async () => {
    const Late = labelModel("ti_late");
    try {
      await assert.rejects(
        Row.objects.transaction(async () => {
          await Late.objects.create({ label: "inside" });
          throw new Error("undo");
        }),
        /undo/,
      );
      await Late.objects.create({ label: "after" });
      assert.deepEqual(
        (await Late.objects.all()).map((r) => r.label),
        ["after"],
      );
    } finally {
      await Late.dropSchema();
    }
  });

  it("a model first used inside a transaction does not commit that transaction's earlier writes", async () => {
    const Late = labelModel("ti_late");
    try {
      await assert.rejects(
        Row.objects.transaction(async () => {
          await Row.objects.create({ name: "before DDL" });
          await Late.objects.create({ label: "first use" });
          await Row.objects
            .transaction(async () => {
              await Row.objects.create({ name: "in savepoint" });
              throw new Error("savepoint undo");
            })
            .catch(() => undefined);
          throw new Error("undo all");
        }),
        /undo all/,
      );
      assert.deepEqual(await names(), []);
      assert.equal(await Late.objects.count(), 0);
    } finally {
      await Late.dropSchema();
    }
  });

  it("a model registered after BEGIN is usable inside the transaction, and its table exists after", async () => {
    await Row.objects.transaction(async () => {
      await Row.objects.create({ name: "x" });
      const Later = labelModel("ti_later");
      await Later.objects.create({ label: "made inside" });
      after(() => Later.dropSchema());
    });
    assert.deepEqual(await names(), ["x"]);
  });

  it("dropSchema() then use recreates the table with autoCreate on", async () => {
    await Row.objects.create({ name: "a" });
    await Row.objects.dropSchema();
    await Row.objects.create({ name: "b" });
    assert.deepEqual(await names(), ["b"]);
  });

  it("dropSchema() with autoCreate off: SchemaError on every call until createSchema()", async () => {
    const Manual = labelModel("ti_manual", { autoCreate: false });
    await Manual.createSchema();
    await Manual.objects.create({ label: "a" });
    await Manual.dropSchema();
    await assert.rejects(Manual.objects.create({ label: "b" }), SchemaError);
    await assert.rejects(Manual.objects.count(), SchemaError);
    await assert.rejects(Manual.objects.filter({ label: "a" }), SchemaError);
    await Manual.createSchema();
    await Manual.objects.create({ label: "c" });
    assert.equal(await Manual.objects.count(), 1);
    await Manual.dropSchema();
  });

  it("a call after dispose() is EngineDisposedError, never a silently reopened database", async () => {
    await Row.objects.create({ name: "kept" });
    await Row.objects.dispose();
    const error = await Row.objects.count().catch((e: unknown) => e);
    assert.ok(error instanceof EngineDisposedError, String(error));
    assert.equal(error.code, "REGISTERS_ENGINE_DISPOSED");
    assert.match(error.message, /reopen\(\)/);
    await assert.rejects(Row.objects.create({ name: "lost?" }), EngineDisposedError);
    await assert.rejects(
      Row.objects.transaction(async () => 1),
      EngineDisposedError,
    );
    await assert.rejects(Row.objects.get(1), EngineDisposedError);
    Row.objects.reopen();
    // A file or a server keeps its rows; an in-memory database starts empty, as documented.
    assert.equal(await Row.objects.count(), target.name === "sqlite-memory" ? 0 : 1);
  });

  it("disposeAll() disposes every engine the same way", async () => {
    await disposeAll();
    await assert.rejects(Row.objects.count(), EngineDisposedError);
    Row.objects.reopen();
    await Row.objects.count();
  });

  it("a caught failure inside transaction(): committed writes are never silently lost", async () => {
    await Row.objects.create({ name: "dup" });
    const outcome = await Row.objects
      .transaction(async () => {
        await Row.objects.create({ name: "new" });
        await assert.rejects(Row.objects.create({ name: "dup" }), UniqueConstraintError);
        return "resolved";
      })
      .catch((e: unknown) => e);
    if (target.name === "postgres") {
      // PostgreSQL aborted the transaction: transaction() must not resolve, and says why.
      assert.ok(outcome instanceof TransactionAbortedError, String(outcome));
      assert.match(outcome.message, /nested transaction\(\)/);
      assert.deepEqual(await names(), ["dup"]);
    } else {
      assert.equal(outcome, "resolved");
      assert.deepEqual(await names(), ["dup", "new"]);
    }
  });

  it("on PostgreSQL the next statement after a caught failure is TransactionAbortedError", async () => {
    await Row.objects.create({ name: "dup" });
    const seen: unknown[] = [];
    await Row.objects
      .transaction(async () => {
        await Row.objects.create({ name: "dup" }).catch(() => undefined);
        seen.push(await Row.objects.count().catch((e: unknown) => e));
      })
      .catch(() => undefined);
    if (target.name === "postgres") assert.ok(seen[0] instanceof TransactionAbortedError, String(seen[0]));
    else assert.equal(seen[0], 1);
  });

  it("wrapping the failing call in a nested transaction() commits the rest on every database", async () => {
    await Row.objects.create({ name: "dup" });
    await Row.objects.transaction(async () => {
      await Row.objects.create({ name: "new" });
      await assert.rejects(
        Row.objects.transaction(() => Row.objects.create({ name: "dup" })),
        UniqueConstraintError,
      );
      await Row.objects.create({ name: "after" });
    });
    assert.deepEqual(await names(), ["dup", "new", "after"]);
  });

  it("a nested transaction() that swallows its own failure does not resolve on PostgreSQL", async () => {
    await Row.objects.create({ name: "dup" });
    await Row.objects.transaction(async () => {
      await Row.objects.create({ name: "outer" });
      const inner = await Row.objects
        .transaction(async () => {
          await Row.objects.create({ name: "inner" });
          await Row.objects.create({ name: "dup" }).catch(() => undefined);
          return "inner resolved";
        })
        .catch((e: unknown) => e);
      if (target.name === "postgres") assert.ok(inner instanceof TransactionAbortedError, String(inner));
      else assert.equal(inner, "inner resolved");
    });
    assert.deepEqual(
      await names(),
      target.name === "postgres" ? ["dup", "outer"] : ["dup", "outer", "inner"],
    );
  });
});
