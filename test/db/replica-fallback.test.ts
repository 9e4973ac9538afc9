/**
 * Read replicas on the local servers, without a cluster: a model whose replica cannot be reached
 * (nothing listens on its port) loses no call: its reads run on the primary, `onQuery` names the
 * node of every statement, and the replica is retried after its cool-down. Real replication is
 * tested by the cluster suite (test/cluster/, `npm run test:cluster`).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import { databaseRegistry, Model, type QueryEvent, usePrimary } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("replicas that are down", { only: ["postgres", "mysql"] }, (target) => {
  // Its own engine (another URL text for the same database), so other files' models are unaffected.
  const primaryUrl = `${target.url}${target.url.includes("?") ? "&" : "?"}poolSize=4`;
  const deadReplica = (() => {
    const url = new URL(target.url);
    url.port = "1";
    url.search = "connectTimeout=2000";
    return url.toString();
  })();
  const Item = databaseRegistry(primaryUrl, {
    tableName: "replica_fallback_items",
    replicas: { urls: [deadReplica], cooldownMs: 200 },
  })(class Item extends Model({ id: z.int().nullable().default(null), name: z.string() }) {});
  freshTables(Item);

  it("reads fall back to the primary with no failed call, and onQuery names each node", async () => {
    const events: QueryEvent[] = [];
    const stop = Item.objects.onQuery((event) => events.push(event));
    try {
      await Item.objects.bulkCreate([{ name: "a" }, { name: "b" }]);
      const reads = await Promise.all(Array.from({ length: 20 }, () => Item.objects.filter({ name: "a" })));
      assert.ok(reads.every((rows) => rows.length === 1));
      assert.equal(await Item.objects.count(), 2);
      assert.equal((await usePrimary(() => Item.objects.get({ name: "b" })))?.name, "b");
      assert.equal((await Item.objects.primary.get({ name: "b" }))?.name, "b");
      assert.ok(events.length > 0 && events.every((event) => event.node === "primary"));
      const stats = Item.objects.engine.replicaStats;
      assert.ok(stats !== null && stats.failures >= 1 && stats.fallbacks >= 21, JSON.stringify(stats));
      const failures = stats.failures;
      await new Promise((resolve) => setTimeout(resolve, 250));
      await Item.objects.count();
      assert.equal(
        Item.objects.engine.replicaStats?.failures,
        failures + 1,
        "tried again after the cool-down",
      );
    } finally {
      stop();
    }
  });
});
