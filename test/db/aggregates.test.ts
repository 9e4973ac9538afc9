// sum / avg / min / max on every database (src/db/manager/aggregate.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidQueryError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";
import { day, queryModels } from "./fixtures/query-models.js";

eachDatabase("aggregates", (target) => {
  const { Agg } = queryModels(target.url, "qp_agg");
  freshTables(Agg);

  describe("aggregates", () => {
    const aggRows = [
      { n: 3, x: 0.5, big: 1n, at: day(5), label: "pear", flag: true },
      { n: null, x: 1.25, big: 2n ** 40n, at: day(1), label: "apple", flag: false },
      { n: -1, x: -2, big: 3n, at: day(9), label: "fig", flag: true },
      { n: 10, x: 4, big: -5n, at: day(3), label: "kiwi", flag: false },
    ];

    it("sum, avg, min, max with and without criteria, on int, float, bigint, Date and string fields", async () => {
      for (const row of aggRows) await Agg.objects.create(row);
      const sumN = await Agg.objects.sum("n");
      assert.equal(sumN, 12);
      assert.equal(typeof sumN, "number");
      const avgN = await Agg.objects.avg("n");
      assert.equal(avgN, 4);
      assert.equal(typeof avgN, "number");
      assert.equal(await Agg.objects.min("n"), -1);
      assert.equal(await Agg.objects.max("n"), 10);
      assert.equal(await Agg.objects.sum("x"), 3.75);
      assert.equal(await Agg.objects.avg("x"), 0.9375);
      assert.equal(await Agg.objects.min("x"), -2);
      assert.equal(await Agg.objects.max("x"), 4);
      const sumBig = await Agg.objects.sum("big");
      assert.equal(sumBig, 2n ** 40n - 1n);
      assert.equal(await Agg.objects.min("big"), -5n);
      assert.equal(await Agg.objects.max("big"), 2n ** 40n);
      const minAt = await Agg.objects.min("at");
      assert.ok(minAt instanceof Date, String(minAt));
      assert.equal(minAt.toISOString(), day(1).toISOString());
      assert.equal((await Agg.objects.max("at"))?.toISOString(), day(9).toISOString());
      assert.equal(await Agg.objects.min("label"), "apple");
      assert.equal(await Agg.objects.max("label"), "pear");
      // with criteria
      assert.equal(await Agg.objects.sum("n", { flag: true }), 2);
      assert.equal(await Agg.objects.avg("x", { flag: true }), -0.75);
      assert.equal(await Agg.objects.min("label", { flag: true }), "fig");
      assert.equal((await Agg.objects.max("at", { flag: false }))?.toISOString(), day(3).toISOString());
      assert.equal(await Agg.objects.sum("n", { n: { gt: 0 } } as never), 13);
      assert.equal(await Agg.objects.max("x", { label: ["apple", "fig"] }), 1.25);
    });

    it("null on no rows (and when every value is NULL)", async () => {
      assert.equal(await Agg.objects.sum("n"), null);
      assert.equal(await Agg.objects.avg("x"), null);
      assert.equal(await Agg.objects.min("at"), null);
      assert.equal(await Agg.objects.max("label"), null);
      assert.equal(await Agg.objects.sum("big"), null);
      for (const row of aggRows) await Agg.objects.create(row);
      assert.equal(await Agg.objects.sum("n", { label: "none" }), null);
      assert.equal(await Agg.objects.avg("n", { label: "none" }), null);
      assert.equal(await Agg.objects.min("n", { label: "none" }), null);
      assert.equal(await Agg.objects.max("at", { label: "none" }), null);
      assert.equal(await Agg.objects.sum("n", { n: null }), null);
      assert.equal(await Agg.objects.max("n", { n: null }), null);
    });

    it("unknown or non-numeric fields are an InvalidQueryError", async () => {
      await assert.rejects(Agg.objects.sum("nope" as never), InvalidQueryError);
      await assert.rejects(Agg.objects.max("nope" as never), InvalidQueryError);
      await assert.rejects(Agg.objects.sum("label" as never), InvalidQueryError);
      await assert.rejects(Agg.objects.avg("at" as never), InvalidQueryError);
      await assert.rejects(Agg.objects.sum("n", { nope: 1 } as never), InvalidQueryError);
    });
  });
});
