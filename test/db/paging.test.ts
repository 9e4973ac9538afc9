// Keyset `page()` (every row exactly once, stable under concurrent inserts, tamper-proof cursors)
// and `iterate()`, on every database (src/db/manager/keyset.ts).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidQueryError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";
import {
  assertSorted,
  collect,
  idsOf,
  type Order,
  orderItems,
  queryModels,
  show,
  userData,
} from "./fixtures/query-models.js";

eachDatabase("query paging", (target) => {
  const { User, Country, Other, seedUsers } = queryModels(target.url, "qp_page");
  freshTables(User, Country);

  describe("page()", () => {
    const walk = async (options: { where?: object; orderBy?: Order; limit: number }) => {
      const pages: Array<{ items: Array<{ id: number | null }>; nextCursor: string | null }> = [];
      let after: string | null = null;
      for (let guard = 0; guard < 1000; guard++) {
        const page = await User.objects.page({ ...(options as object), after } as never);
        pages.push(page);
        if (page.nextCursor === null) break;
        assert.equal(typeof page.nextCursor, "string");
        after = page.nextCursor;
      }
      return pages;
    };

    it("walks every row exactly once, in order, with several orderBy forms", async () => {
      await seedUsers(23);
      const orders: Array<Order | undefined> = [
        undefined,
        "rank",
        "-rank",
        "name",
        "-joined",
        "score",
        [
          ["rank", "asc"],
          ["name", "desc"],
        ],
        [
          ["active", "asc"],
          ["rank", "desc"],
        ],
      ];
      for (const orderBy of orders) {
        for (const limit of [1, 5, 23, 50]) {
          const pages = await walk({ orderBy, limit });
          const items = pages.flatMap((p) => p.items);
          const what = `orderBy ${show(orderBy)} limit ${limit}`;
          assert.deepEqual(
            [...idsOf(items)].sort((a, b) => (a as number) - (b as number)),
            Array.from({ length: 23 }, (_, i) => i + 1),
            `${what}: every row exactly once`,
          );
          for (const page of pages.slice(0, -1)) assert.equal(page.items.length, limit, what);
          assert.ok(pages[pages.length - 1].items.length > 0, `${what}: the last page is not empty`);
          assert.equal(pages[pages.length - 1].nextCursor, null);
          assertSorted(items, orderBy, what);
          // The order is the orderBy fields with the key as tie-breaker (either direction).
          const items2 = [...orderItems(orderBy)];
          const asc = await User.objects.filter(undefined, {
            orderBy: [...items2, ["id", "asc"]] as never,
          });
          const desc = await User.objects.filter(undefined, {
            orderBy: [...items2, ["id", "desc"]] as never,
          });
          const got = show(idsOf(items));
          assert.ok(
            got === show(idsOf(asc)) || (orderBy !== undefined && got === show(idsOf(desc))),
            `${what}: ${got} is not ordered with the key as tie-breaker`,
          );
        }
      }
    });

    it("with criteria, an exact multiple of the limit, and an empty result", async () => {
      await seedUsers(20);
      const actives = idsOf(await User.objects.filter({ active: true }, { orderBy: "id" }));
      const pages = await walk({ where: { active: true }, limit: 3 });
      assert.deepEqual(idsOf(pages.flatMap((p) => p.items)), actives);
      const exact = await walk({ limit: 5 });
      assert.equal(exact.length, 4, "20 rows in pages of 5: the 4th page has no next cursor");
      assert.deepEqual(
        exact.map((p) => p.items.length),
        [5, 5, 5, 5],
      );
      const none = await User.objects.page({ where: { name: "nobody" }, limit: 5 });
      assert.deepEqual(none.items, []);
      assert.equal(none.nextCursor, null);
      const first = await User.objects.page({ limit: 2 });
      assert.ok(first.items.every((u) => u instanceof User));
    });

    it("pages newest first by the key, and orders by the key without a NULL test (index-friendly)", async () => {
      await seedUsers(9);
      const seen: number[] = [];
      let page = await User.objects.page({ orderBy: "-id", limit: 4 });
      for (;;) {
        seen.push(...idsOf(page.items).map(Number));
        if (page.nextCursor === null) break;
        page = await User.objects.page({ orderBy: "-id", limit: 4, after: page.nextCursor });
      }
      assert.deepEqual(seen, [9, 8, 7, 6, 5, 4, 3, 2, 1]);
      const walked: number[] = [];
      for await (const u of User.objects.iterate(undefined, { orderBy: "-id", batchSize: 2 })) {
        walked.push(u.id as number);
      }
      assert.deepEqual(walked, seen);
      const sql: string[] = [];
      const stop = User.objects.onQuery((event) => sql.push(event.sql));
      try {
        await User.objects.first();
        await User.objects.last();
        await User.objects.page({ limit: 2 });
      } finally {
        stop();
      }
      assert.equal(sql.length, 3);
      for (const text of sql) assert.doesNotMatch(text, /IS NULL/i, text);
    });

    it("a nullable orderBy field is an InvalidQueryError", async () => {
      await seedUsers(3);
      await assert.rejects(User.objects.page({ orderBy: "age", limit: 2 }), InvalidQueryError);
      await assert.rejects(User.objects.page({ orderBy: "-age", limit: 2 }), InvalidQueryError);
      await assert.rejects(
        User.objects.page({
          orderBy: [
            ["rank", "asc"],
            ["age", "desc"],
          ],
          limit: 2,
        }),
        InvalidQueryError,
      );
      await assert.rejects(User.objects.page({ orderBy: "nope" as never, limit: 2 }), InvalidQueryError);
    });

    it("a garbage, truncated or foreign cursor is an InvalidQueryError", async () => {
      await seedUsers(10);
      const { nextCursor } = await User.objects.page({ orderBy: "name", limit: 3 });
      assert.ok(typeof nextCursor === "string" && nextCursor.length > 4);
      const cursor = nextCursor as string;
      for (const bad of ["", "abc", "not a cursor!", cursor.slice(0, -3), `${cursor}x`, "{}", "null"]) {
        await assert.rejects(
          User.objects.page({ orderBy: "name", limit: 3, after: bad }),
          InvalidQueryError,
          `after: ${show(bad)}`,
        );
      }
      // foreign: a cursor of another orderBy, of other criteria, of another model
      await assert.rejects(
        User.objects.page({ orderBy: "rank", limit: 3, after: cursor }),
        InvalidQueryError,
      );
      await assert.rejects(
        User.objects.page({ orderBy: "-name", limit: 3, after: cursor }),
        InvalidQueryError,
      );
      await Country.objects.create({ code: "FR", name: "France", population: 1 });
      await Country.objects.create({ code: "DE", name: "Germany", population: 2 });
      const countryCursor = (await Country.objects.page({ orderBy: "name", limit: 1 })).nextCursor;
      assert.equal(typeof countryCursor, "string");
      await assert.rejects(
        User.objects.page({ orderBy: "name", limit: 3, after: countryCursor }),
        InvalidQueryError,
      );
    });

    it("a tampered cursor (one character changed) is an InvalidQueryError", async () => {
      await seedUsers(10);
      const { nextCursor } = await User.objects.page({ orderBy: "name", limit: 3 });
      const cursor = nextCursor as string;
      for (const at of [
        Math.floor(cursor.length / 4),
        Math.floor(cursor.length / 2),
        Math.floor((cursor.length * 3) / 4),
      ]) {
        const c = cursor[at];
        const replacement = c === "A" ? "B" : c === "0" ? "1" : /[a-z]/.test(c) ? c.toUpperCase() : "A";
        const tampered = cursor.slice(0, at) + replacement + cursor.slice(at + 1);
        assert.notEqual(tampered, cursor);
        await assert.rejects(
          User.objects.page({ orderBy: "name", limit: 3, after: tampered }),
          InvalidQueryError,
          `cursor ${show(cursor)} changed at ${at}: ${show(tampered)}`,
        );
      }
    });

    /** A cursor of `User.page({ orderBy: "name", limit: 3 })` with its values rewritten by `swap`, re-encoded the same way. */
    const forgedCursor = async (swap: (leaf: unknown) => unknown) => {
      await seedUsers(10);
      const cursor = (await User.objects.page({ orderBy: "name", limit: 3 })).nextCursor as string;
      let decoded: unknown;
      try {
        decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
      } catch {
        // not base64url JSON (signed or encrypted): a changed tail stands for a forged cursor
        return { cursor, forged: `${cursor.slice(0, -2)}${cursor.endsWith("AA") ? "BB" : "AA"}` };
      }
      const rewrite = (v: unknown): unknown =>
        Array.isArray(v)
          ? v.map(rewrite)
          : v !== null && typeof v === "object"
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "o" ? x : rewrite(x)]))
            : swap(v);
      return {
        cursor,
        forged: Buffer.from(JSON.stringify(rewrite(decoded)), "utf8").toString("base64url"),
      };
    };

    it("a re-encoded cursor with values of the wrong type is an InvalidQueryError", async () => {
      const { forged } = await forgedCursor((leaf) =>
        typeof leaf === "number" ? "x" : typeof leaf === "string" ? 5 : leaf,
      );
      await assert.rejects(
        User.objects.page({ orderBy: "name", limit: 3, after: forged }),
        InvalidQueryError,
        `values of the wrong type: ${forged}`,
      );
    });

    it("a cursor is a position, not a credential: well-typed edited values continue after that position", async () => {
      const { cursor, forged } = await forgedCursor((leaf) =>
        typeof leaf === "number" ? leaf + 3 : typeof leaf === "string" ? `${leaf}z` : leaf,
      );
      assert.notEqual(forged, cursor);
      const position = JSON.parse(Buffer.from(forged, "base64url").toString("utf8")).v as [string, number];
      const after = (u: { name: string; id: number | null }) =>
        u.name > position[0] || (u.name === position[0] && (u.id as number) > position[1]);
      const expected = (
        await User.objects.all({
          orderBy: [
            ["name", "asc"],
            ["id", "asc"],
          ],
        })
      )
        .filter(after)
        .slice(0, 3);
      const page = await User.objects.page({ orderBy: "name", limit: 3, after: forged });
      assert.deepEqual(idsOf(page.items), idsOf(expected));
      assert.ok(page.items.length > 0);
    });

    it("a cursor of another model with the same field names (foreign) is an InvalidQueryError", async () => {
      await seedUsers(10);
      await Other.dropSchema();
      await Other.createSchema();
      await Other.objects.create({ name: "a" });
      await Other.objects.create({ name: "b" });
      const foreign = (await Other.objects.page({ orderBy: "name", limit: 1 })).nextCursor;
      assert.equal(typeof foreign, "string");
      await assert.rejects(
        User.objects.page({ orderBy: "name", limit: 3, after: foreign }),
        InvalidQueryError,
        `cursor of another model: ${foreign}`,
      );
    });

    it("rows inserted between pages never make a pre-existing row skipped or repeated", async () => {
      await seedUsers(17);
      const original = new Set(idsOf(await User.objects.all()));
      for (const orderBy of ["rank", "-rank", undefined] as const) {
        const seen: Array<number | null> = [];
        let after: string | null = null;
        let inserted = 0;
        for (let guard = 0; guard < 200; guard++) {
          const page: { items: Array<{ id: number | null; rank: number }>; nextCursor: string | null } =
            await User.objects.page({ orderBy, limit: 4, after });
          seen.push(...idsOf(page.items));
          if (page.nextCursor === null) break;
          after = page.nextCursor;
          // before the cursor, after it, and tied with the last row seen
          const tie = page.items[page.items.length - 1].rank;
          for (const rank of [-100, 100, tie]) {
            const i = 1000 + inserted++;
            await User.objects.create({ ...userData(i), rank });
          }
        }
        assert.equal(new Set(seen).size, seen.length, `${show(orderBy)}: no row repeated (${show(seen)})`);
        for (const id of original) {
          assert.ok(seen.includes(id), `${show(orderBy)}: row ${id} was skipped`);
        }
        await User.objects.deleteWhere({ email: { endsWith: "@example.com" }, id: { gt: 17 } } as never);
      }
    });
  });

  describe("iterate()", () => {
    it("yields every matching row once, in order, for any batch size", async () => {
      await seedUsers(23);
      const all = await User.objects.all({ orderBy: "id" });
      for (const batchSize of [1, 7, 23, 1000, undefined]) {
        const rows = await collect(
          User.objects.iterate(undefined, batchSize === undefined ? undefined : { batchSize }),
        );
        assert.deepEqual(idsOf(rows), idsOf(all), `batchSize ${batchSize}`);
        assert.ok(rows.every((u) => u instanceof User));
        const active = await collect(User.objects.iterate({ active: true }, { batchSize: batchSize ?? 3 }));
        assert.deepEqual(idsOf(active), idsOf(all.filter((u) => u.active)), `active, batchSize ${batchSize}`);
      }
      for (const orderBy of [
        "-rank",
        "name",
        [
          ["rank", "asc"],
          ["joined", "desc"],
        ],
      ] as const) {
        for (const batchSize of [1, 7, 100]) {
          const rows = await collect(User.objects.iterate(undefined, { orderBy, batchSize }));
          const what = `orderBy ${show(orderBy)} batchSize ${batchSize}`;
          assert.equal(rows.length, 23, what);
          assert.equal(new Set(idsOf(rows)).size, 23, what);
          assertSorted(rows, orderBy, what);
        }
      }
      assert.deepEqual(await collect(User.objects.iterate({ name: "nobody" }, { batchSize: 2 })), []);
      await assert.rejects(collect(User.objects.iterate({ nope: 1 } as never)), InvalidQueryError);
    });

    it("the for-await form of the spec", async () => {
      await seedUsers(5);
      const names: string[] = [];
      for await (const u of User.objects.iterate({ active: true }, { batchSize: 2 })) names.push(u.name);
      assert.deepEqual(names, ["user01", "user02", "user04"]);
    });
  });
});
