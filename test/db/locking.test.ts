import assert from "node:assert/strict";
import { beforeEach, it } from "node:test";
import { z } from "zod";
import { databaseRegistry, InvalidQueryError, Model, RecordNotFoundError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("row locking", (target) => {
  const Seat = databaseRegistry(target.url, { tableName: "lock_seats", uniqueFields: ["label"] })(
    class Seat extends Model({
      id: z.int().nullable().default(null),
      label: z.string().max(20),
      taken: z.int().default(0),
    }) {},
  );
  const server = !target.name.startsWith("sqlite");

  freshTables(Seat);
  beforeEach(async () => {
    await Seat.objects.bulkCreate([{ label: "A1" }, { label: "A2" }]);
  });

  it("get(key, { forUpdate: true }) reads the row with a row lock inside a transaction", async () => {
    const sql: string[] = [];
    const stop = Seat.objects.onQuery((event) => sql.push(event.sql));
    try {
      const seat = await Seat.objects.transaction(() => Seat.objects.get(1, { forUpdate: true }));
      assert.equal(seat?.label, "A1");
      const byLabel = await Seat.objects.transaction(() =>
        Seat.objects.require({ label: "A2" }, { forUpdate: true }),
      );
      assert.equal(byLabel.id, 2);
    } finally {
      stop();
    }
    const selects = sql.filter((text) => /^SELECT/i.test(text));
    assert.equal(selects.length, 2);
    for (const text of selects) {
      if (server) assert.match(text, / FOR UPDATE$/, text);
      else assert.doesNotMatch(text, /FOR UPDATE/, text);
    }
    assert.equal(await Seat.objects.transaction(() => Seat.objects.get(99, { forUpdate: true })), null);
    await assert.rejects(
      Seat.objects.transaction(() => Seat.objects.require(99, { forUpdate: true })),
      RecordNotFoundError,
    );
  });

  it("forUpdate outside a transaction, and bad options, are an InvalidQueryError", async () => {
    await assert.rejects(Seat.objects.get(1, { forUpdate: true }), /inside Model\.objects\.transaction/);
    await assert.rejects(Seat.objects.get(1, { forUpdate: true }), InvalidQueryError);
    for (const bad of [2, "x", { lock: true }, { forUpdate: "yes" }, null]) {
      await assert.rejects(Seat.objects.get(1, bad as never), InvalidQueryError, JSON.stringify(bad));
    }
    assert.equal((await Seat.objects.get(1, { forUpdate: false }))?.label, "A1");
    assert.equal((await Seat.objects.get(1, {}))?.label, "A1");
    await assert.rejects(
      Seat.objects.transaction(() => Seat.objects.get({ id: { gt: "x" } } as never, { forUpdate: true })),
      InvalidQueryError,
    );
  });

  it("a second transaction's locking read waits until the first commits, then sees its write", async () => {
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    let locked!: () => void;
    const firstHoldsLock = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const events: string[] = [];
    const first = Seat.objects.transaction(async () => {
      const seat = await Seat.objects.require(1, { forUpdate: true });
      locked();
      await firstMayCommit;
      seat.taken += 1;
      await seat.save();
      events.push("first wrote");
    });
    await firstHoldsLock;
    const second = Seat.objects.transaction(async () => {
      const seat = await Seat.objects.require(1, { forUpdate: true });
      events.push(`second read taken=${seat.taken}`);
      seat.taken += 1;
      await seat.save();
    });
    // Give the second transaction every chance to read before the first commits (it must not).
    await new Promise((resolve) => setTimeout(resolve, 100));
    releaseFirst();
    await Promise.all([first, second]);
    assert.deepEqual(events, ["first wrote", "second read taken=1"]);
    assert.equal((await Seat.objects.require(1)).taken, 2);
  });
});
