// Dirty tracking on every database: `save()` writes only the changed columns, seen through
// `onQuery`, and never overwrites another writer's columns (src/db/manager/write.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { eachDatabase, freshTables } from "../support/each-database.js";
import { day, queryModels, show, statementsDuring, userData } from "./fixtures/query-models.js";

eachDatabase("dirty tracking", (target) => {
  const { User } = queryModels(target.url, "qp_dirty");
  freshTables(User);

  describe("dirty tracking (statements seen through onQuery)", () => {
    /** The SET list of an UPDATE statement. */
    const setList = (sql: string) => {
      const match = /\bSET\b([\s\S]*?)\bWHERE\b/i.exec(sql);
      assert.ok(match, `not an UPDATE ... SET ... WHERE: ${sql}`);
      return match[1];
    };
    const columnsIn = (text: string) =>
      ["name", "email", "age", "rank", "score", "active", "joined", "id"].filter((c) =>
        new RegExp(`[\`"]${c}[\`"]`).test(text),
      );

    it("save() of an unchanged loaded or created instance issues no statement", async () => {
      const created = await User.objects.create(userData(1));
      const loaded = await User.objects.require(created.id as number);
      const statements = await statementsDuring(
        User.objects,
        async () => {
          await loaded.save();
          await created.save();
          const age = loaded.age;
          loaded.age = age;
          loaded.name = `${loaded.name}`;
          await loaded.save();
        },
        false,
      );
      assert.deepEqual(statements, []);
    });

    it("changing one field issues one UPDATE setting only that column", async () => {
      const created = await User.objects.create(userData(2));
      const loaded = await User.objects.require(created.id as number);
      loaded.name = "changed";
      const statements = await statementsDuring(User.objects, () => loaded.save());
      assert.equal(statements.length, 1, show(statements));
      assert.match(statements[0], /^\s*UPDATE\b/i);
      assert.deepEqual(columnsIn(setList(statements[0])), ["name"], statements[0]);
      assert.equal((await User.objects.require(created.id as number)).name, "changed");
      // saved: clean again
      assert.deepEqual(await statementsDuring(User.objects, () => loaded.save(), false), []);
      // a created instance tracks too
      created.rank = 3;
      created.joined = day(30);
      const two = await statementsDuring(User.objects, () => created.save());
      assert.equal(two.length, 1, show(two));
      assert.deepEqual(columnsIn(setList(two[0])).sort(), ["joined", "rank"]);
    });

    it("columns changed meanwhile by another writer are not overwritten", async () => {
      const created = await User.objects.create(userData(3));
      const loaded = await User.objects.require(created.id as number);
      await User.objects.updateWhere({ id: created.id }, { email: "other@example.com", age: 99, rank: 2 });
      loaded.name = "mine";
      loaded.score = 42.5;
      await loaded.save();
      const stored = await User.objects.require(created.id as number);
      assert.equal(stored.name, "mine");
      assert.equal(stored.score, 42.5);
      assert.equal(stored.email, "other@example.com");
      assert.equal(stored.age, 99);
      assert.equal(stored.rank, 2);
    });

    it("columns changed meanwhile by another writer are not overwritten (no onQuery needed)", async () => {
      const created = await User.objects.create(userData(3));
      const loaded = await User.objects.require(created.id as number);
      await User.objects.updateWhere({ id: created.id }, { email: "other@example.com", age: 99 });
      loaded.name = "mine";
      await loaded.save();
      const stored = await User.objects.require(created.id as number);
      assert.deepEqual([stored.name, stored.email, stored.age], ["mine", "other@example.com", 99]);
    });

    it("a row deleted meanwhile is re-inserted by save()", async () => {
      const created = await User.objects.create(userData(4));
      const loaded = await User.objects.require(created.id as number);
      await User.objects.delete(created.id as number);
      loaded.name = "back";
      await loaded.save();
      const stored = await User.objects.require(created.id as number);
      assert.deepEqual(stored.toJSON(), { ...created.toJSON(), name: "back" });
    });
  });
});
