// `values()` projections: plain objects with just the requested fields, decoded, on every
// database (src/db/manager/values.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidQueryError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";
import { day, queryModels } from "./fixtures/query-models.js";

eachDatabase("projections", (target) => {
  const { User, Agg, seedUsers } = queryModels(target.url, "qp_proj");
  freshTables(User, Agg);

  describe("values()", () => {
    it("plain objects with just the requested fields, decoded", async () => {
      await seedUsers(6);
      const all = await User.objects.all({ orderBy: "id" });
      const pairs = await User.objects.values(undefined, ["id", "email"], { orderBy: "id" });
      assert.deepEqual(
        pairs,
        all.map((u) => ({ id: u.id, email: u.email })),
      );
      for (const p of pairs) {
        assert.equal(Object.getPrototypeOf(p), Object.prototype);
        assert.deepEqual(Object.keys(p), ["id", "email"]);
      }
      const rows = await User.objects.values({ active: true }, ["joined", "active", "score", "age"], {
        orderBy: "-id",
        limit: 2,
        offset: 1,
      });
      const expected = all
        .filter((u) => u.active)
        .reverse()
        .slice(1, 3)
        .map((u) => ({ joined: u.joined, active: u.active, score: u.score, age: u.age }));
      assert.deepEqual(rows, expected);
      for (const r of rows) {
        assert.ok(r.joined instanceof Date);
        assert.equal(typeof r.active, "boolean");
      }
      const withNull = await User.objects.values({ id: 2 }, ["age", "name"]);
      assert.deepEqual(withNull, [{ age: null, name: "user01" }]);
      const flags = await User.objects.values(undefined, ["active"], { orderBy: "id" });
      assert.deepEqual(
        flags.map((f) => f.active),
        all.map((u) => u.active),
      );
      const bigs = await Agg.objects.values(undefined, ["big", "at"]);
      assert.deepEqual(bigs, []);
      await Agg.objects.create({ n: 1, x: 1, big: 2n ** 62n, at: day(2), label: "l", flag: false });
      const [one] = await Agg.objects.values(undefined, ["big", "at", "flag"]);
      assert.deepEqual(one, { big: 2n ** 62n, at: day(2), flag: false });
      await assert.rejects(User.objects.values(undefined, ["id", "nope" as never]), InvalidQueryError);
      await assert.rejects(User.objects.values({ nope: 1 } as never, ["id"]), InvalidQueryError);
    });
  });
});
