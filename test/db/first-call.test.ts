import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import { databaseRegistry, disposeAll, Model } from "../../src/db/index.js";
import { eachDatabase } from "../support/each-database.js";

// Catalog helpers must work as the very first call on a model whose engine has not opened yet
// (server dialects load lazily): a Fastify `onReady` hook calls `schemaExists()` first.
eachDatabase("first call", (target) => {
  it("schemaExists() and columnNames() work as the first call on a fresh engine", async () => {
    await disposeAll();
    const Fresh = databaseRegistry(target.url, { tableName: "first_call_items", autoCreate: false })(
      class Fresh extends Model({ id: z.int().nullable().default(null), label: z.string() }) {},
    );
    await disposeAll();
    Fresh.objects.reopen();
    const exists = await Fresh.schemaExists();
    if (exists) await Fresh.dropSchema();
    await disposeAll();
    Fresh.objects.reopen();
    assert.equal(await Fresh.schemaExists(), false);
    await Fresh.createSchema();
    // (An in-memory database does not outlive its engine.)
    if (target.name !== "sqlite-memory") {
      await disposeAll();
      Fresh.objects.reopen();
    }
    assert.deepEqual(await Fresh.objects.columnNames(), ["id", "label"]);
    await Fresh.dropSchema();
  });
});
