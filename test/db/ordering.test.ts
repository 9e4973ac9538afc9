// orderBy (NULLs smallest) on filter/all/first/last, limit and offset, on every database
// (src/db/manager/read.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidQueryError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";
import { assertSorted, compareValues, idsOf, queryModels, show } from "./fixtures/query-models.js";

eachDatabase("query ordering", (target) => {
  const { User, seedUsers } = queryModels(target.url, "qp_order");
  freshTables(User);

  describe("orderBy, limit and offset", () => {
    it("filter and all order by a field, -field and [field, direction] tuples, NULLs smallest", async () => {
      await seedUsers(12);
      const all = await User.objects.all({ orderBy: "id" });
      assert.deepEqual(idsOf(all), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      const byName = await User.objects.all({ orderBy: "-name" });
      assert.deepEqual(
        byName.map((u) => u.name),
        all.map((u) => u.name).reverse(),
      );
      for (const orderBy of [
        "age",
        "-age",
        "joined",
        "-joined",
        "score",
        [
          ["rank", "asc"],
          ["age", "desc"],
          ["id", "asc"],
        ],
        [
          ["active", "desc"],
          ["age", "asc"],
          ["id", "desc"],
        ],
      ] as const) {
        const rows = await User.objects.filter(undefined, { orderBy });
        assert.equal(rows.length, 12);
        assertSorted(rows, orderBy, `orderBy ${show(orderBy)}`);
      }
      const ascAge = await User.objects.filter(undefined, { orderBy: [["age", "asc"]] });
      assert.equal(ascAge[0].age, null, "NULL sorts first ascending");
      const descAge = await User.objects.filter(undefined, { orderBy: "-age" });
      assert.equal(descAge[descAge.length - 1].age, null, "NULL sorts last descending");
      // total order fixed by the key: exact expected sequence
      const exact = await User.objects.filter(
        { active: true },
        {
          orderBy: [
            ["age", "desc"],
            ["id", "asc"],
          ],
        },
      );
      const expected = all
        .filter((u) => u.active)
        .sort((a, b) => compareValues(b.age, a.age) || (a.id as number) - (b.id as number));
      assert.deepEqual(idsOf(exact), idsOf(expected));
    });

    it("limit and offset", async () => {
      await seedUsers(10);
      assert.deepEqual(idsOf(await User.objects.filter(undefined, { orderBy: "id", limit: 3 })), [1, 2, 3]);
      assert.deepEqual(
        idsOf(await User.objects.filter(undefined, { orderBy: "id", limit: 3, offset: 2 })),
        [3, 4, 5],
      );
      assert.deepEqual(
        idsOf(await User.objects.filter(undefined, { orderBy: "-id", limit: 2, offset: 8 })),
        [2, 1],
      );
      assert.deepEqual(
        idsOf(await User.objects.filter(undefined, { orderBy: "id", limit: 5, offset: 9 })),
        [10],
      );
      assert.deepEqual(idsOf(await User.objects.filter(undefined, { orderBy: "id", limit: 0 })), []);
      assert.deepEqual(idsOf(await User.objects.all({ orderBy: "-id", offset: 7, limit: 100 })), [3, 2, 1]);
      const actives = await User.objects.filter({ active: true }, { orderBy: "id", limit: 2, offset: 1 });
      assert.deepEqual(idsOf(actives), [3, 5]);
      await assert.rejects(User.objects.filter(undefined, { limit: -1 }), InvalidQueryError);
      await assert.rejects(User.objects.filter(undefined, { orderBy: "nope" as never }), InvalidQueryError);
    });

    it("first and last take orderBy; the default is the key and last reverses the order", async () => {
      await seedUsers(9);
      const all = await User.objects.all({ orderBy: "id" });
      assert.equal((await User.objects.first())?.id, 1);
      assert.equal((await User.objects.last())?.id, 9);
      const byAge = [...all].sort(
        (a, b) => compareValues(a.age, b.age) || (a.id as number) - (b.id as number),
      );
      const firstByAge = await User.objects.first(undefined, { orderBy: "age" });
      assert.equal(firstByAge?.age, null, "NULL is the smallest age");
      const lastByAge = await User.objects.last(undefined, { orderBy: "age" });
      assert.equal(lastByAge?.age, byAge[byAge.length - 1].age);
      const oldestFirst = await User.objects.first(undefined, { orderBy: "-age" });
      assert.equal(oldestFirst?.age, byAge[byAge.length - 1].age);
      const youngestLast = await User.objects.last(undefined, { orderBy: "-age" });
      assert.equal(youngestLast?.age, null);
      const byName = [...all].sort((a, b) => compareValues(a.name, b.name));
      assert.equal((await User.objects.first({ active: true }, { orderBy: "name" }))?.name, "user01");
      assert.equal((await User.objects.last(undefined, { orderBy: "name" }))?.name, byName[8].name);
      const tuple = await User.objects.first(undefined, {
        orderBy: [
          ["rank", "desc"],
          ["id", "desc"],
        ],
      });
      const expected = [...all].sort((a, b) => b.rank - a.rank || (b.id as number) - (a.id as number))[0];
      assert.equal(tuple?.id, expected.id);
      const tupleLast = await User.objects.last(undefined, {
        orderBy: [
          ["rank", "desc"],
          ["id", "desc"],
        ],
      });
      const expectedLast = [...all].sort((a, b) => a.rank - b.rank || (a.id as number) - (b.id as number))[0];
      assert.equal(tupleLast?.id, expectedLast.id);
      assert.equal(await User.objects.first({ name: "nobody" }, { orderBy: "-age" }), null);
      assert.equal(await User.objects.last({ name: "nobody" }, { orderBy: "-age" }), null);
    });
  });
});
