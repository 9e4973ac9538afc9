/**
 * Read replicas on a real PostgreSQL streaming replica (127.0.0.1:5433 of the local server, started
 * by `npm run test:cluster`): reads go to the replica and see a write within the replication lag,
 * the primary options see it at once, writes/locking reads/transactions stay on the primary, and a
 * SIGKILLed replica costs no read call (they fall back to the primary, and come back after it).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { z } from "zod";
import { killPgReplica, resumePgReplica } from "../../scripts/cluster/pg-replica.js";
import { databaseRegistry, Model, type QueryEvent, usePrimary } from "../../src/db/index.js";
import { figure, pgPrimary, pgReplica, skipPg, sleep } from "./cluster-env.js";

const shape = { id: z.int().nullable().default(null), name: z.string(), n: z.int().default(0) };

describe("PostgreSQL primary + streaming replica", { skip: skipPg }, () => {
  const Note = databaseRegistry(pgPrimary, {
    tableName: "cluster_notes",
    replicas: { urls: [pgReplica], cooldownMs: 1_000 },
  })(class Note extends Model(shape) {});
  const events: QueryEvent[] = [];
  let stop = (): void => {};

  before(async () => {
    await Note.objects.dropSchema();
    await Note.objects.createSchema();
    stop = Note.objects.onQuery((event) => events.push(event));
  });
  after(async () => {
    stop();
    await Note.objects.dropSchema();
    await Note.objects.dispose();
  });

  it("reads on the replica see a write within the lag; primary reads see it at once", async () => {
    // Wait until the replica has the table (DDL replays like any write).
    for (let i = 0; i < 200 && (await Note.objects.count().catch(() => -1)) !== 0; i++) await sleep(10);
    const lags: number[] = [];
    for (let round = 0; round < 20; round++) {
      const created = await Note.objects.create({ name: `note ${round}` });
      const written = performance.now();
      assert.equal((await Note.objects.primary.get(created.id as number))?.name, `note ${round}`);
      assert.equal((await usePrimary(() => Note.objects.get(created.id as number)))?.name, `note ${round}`);
      events.length = 0;
      let seen = await Note.objects.get(created.id as number);
      while (seen === null) {
        assert.ok(performance.now() - written < 5_000, "the replica did not replay the write within 5 s");
        seen = await Note.objects.get(created.id as number);
      }
      lags.push(performance.now() - written);
      assert.ok(
        events.length > 0 && events.every((e) => e.node === "replica:1"),
        "plain reads ran on the replica",
      );
    }
    lags.sort((a, b) => a - b);
    figure(
      "PostgreSQL replica lag seen by a read after a write (median / max ms)",
      `${lags[10].toFixed(2)} / ${lags[19].toFixed(2)}`,
    );
  });

  it("names the node of each statement: writes, locking reads and transactions on the primary", async () => {
    const created = await Note.objects.create({ name: "routed" });
    await sleep(200);
    events.length = 0;
    await Note.objects.filter({ name: "routed" });
    await Note.objects.primary.filter({ name: "routed" });
    await Note.objects.transaction(async () => {
      await Note.objects.get(created.id as number, { forUpdate: true });
      await Note.objects.count();
    });
    await Note.objects.updateWhere({ id: created.id }, { n: 1 });
    const nodes = events.map((e) => `${e.node} ${e.sql.split(" ")[0]}`);
    assert.equal(nodes[0], "replica:1 SELECT");
    assert.equal(nodes[1], "primary SELECT");
    assert.ok(
      events.slice(2).every((e) => e.node === "primary"),
      nodes.join(", "),
    );
  });

  it("a SIGKILLed replica costs no read call: reads fall back to the primary and return after", async () => {
    await Note.objects.bulkCreate(Array.from({ length: 50 }, (_, i) => ({ name: `load ${i}` })));
    await sleep(300);
    let calls = 0;
    const failures: unknown[] = [];
    let running = true;
    const worker = async (): Promise<void> => {
      while (running) {
        try {
          const rows = await Note.objects.filter({ name: { startsWith: "load" } });
          assert.equal(rows.length, 50);
          calls++;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    await sleep(500);
    const before = Note.objects.engine.replicaStats;
    killPgReplica();
    const killed = performance.now();
    await sleep(2_000);
    running = false;
    await Promise.all(workers);
    const during = Note.objects.engine.replicaStats;
    assert.deepEqual(failures, [], "no read call failed");
    assert.ok(
      (during?.fallbacks ?? 0) > (before?.fallbacks ?? 0),
      "reads went to the primary while the replica was down",
    );
    assert.ok((during?.failures ?? 0) > (before?.failures ?? 0), "the router noticed the dead replica");
    // Restarted (and caught up: a restarted replica serves reads while it replays, see docs/scaling.md),
    // it is used again after its cool-down, without restarting anything.
    await resumePgReplica();
    const resumed = performance.now();
    const atResume = Note.objects.engine.replicaStats?.replicaReads["replica:1"] ?? 0;
    for (;;) {
      assert.equal((await Note.objects.filter({ name: { startsWith: "load" } })).length, 50);
      if ((Note.objects.engine.replicaStats?.replicaReads["replica:1"] ?? 0) > atResume) break;
      assert.ok(performance.now() - resumed < 15_000, "reads did not return to the replica");
      await sleep(50);
    }
    const returned = performance.now();
    figure("PostgreSQL replica kill: read calls during the test / failed", `${calls} / ${failures.length}`);
    figure(
      "PostgreSQL replica kill: reads served by the primary while it was down",
      (during?.fallbacks ?? 0) - (before?.fallbacks ?? 0),
    );
    figure("PostgreSQL replica back in rotation after its restart (ms)", (returned - resumed).toFixed(0));
    figure("PostgreSQL replica down (kill to restarted and caught up, ms)", (resumed - killed).toFixed(0));
  });
});
