// Query power on every database: orderBy (NULLs smallest) on filter/all/first/last, limit/offset,
// keyset `page()` (every row exactly once, stable under concurrent inserts, tamper-proof cursors),
// `iterate()`, `bulkCreate` / `bulkUpsert` (input order, chunking past the parameter limit,
// all-or-nothing with `rowIndex`), aggregates, `values()` projections and dirty tracking seen
// through `onQuery`.
import assert from "node:assert/strict";
import { after, beforeEach, describe, it } from "node:test";
import { z } from "zod";
import {
  DuplicateKeyError,
  databaseRegistry,
  disposeAll,
  InvalidQueryError,
  Model,
  UniqueConstraintError,
  ValidationError,
} from "../../src/db/index.js";
import { databases } from "../support/databases.js";

after(() => disposeAll());

const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n, 8, 0, 0, 125));

type Dir = "asc" | "desc";
type Order = string | ReadonlyArray<readonly [string, Dir]>;

/** `orderBy` as a list of [field, direction]. */
function orderItems(orderBy: Order | undefined): Array<[string, Dir]> {
  if (orderBy === undefined) return [];
  if (typeof orderBy === "string") {
    return [orderBy.startsWith("-") ? [orderBy.slice(1), "desc"] : [orderBy, "asc"]];
  }
  return orderBy.map(([f, d]) => [f, d]);
}

/** Compares two values as the spec orders them: NULL is the smallest value. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function compareRows(a: Record<string, unknown>, b: Record<string, unknown>, items: Array<[string, Dir]>) {
  for (const [field, dir] of items) {
    const c = compareValues(a[field], b[field]);
    if (c !== 0) return dir === "asc" ? c : -c;
  }
  return 0;
}

function assertSorted(rows: readonly object[], orderBy: Order | undefined, what: string) {
  const items = orderItems(orderBy);
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1] as Record<string, unknown>;
    const b = rows[i] as Record<string, unknown>;
    assert.ok(
      compareRows(a, b, items) <= 0,
      `${what}: row ${i - 1} ${show(a)} sorts after row ${i} ${show(b)}`,
    );
  }
}

function show(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? `${v}n` : v));
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

/** Statements seen through `onQuery` while `fn` runs (without transaction control statements when `dataOnly`). */
async function statementsDuring(
  manager: {
    onQuery(
      listener: (event: { sql: string; params: readonly unknown[]; durationMs: number }) => void,
    ): () => void;
  },
  fn: () => Promise<unknown>,
  dataOnly = true,
): Promise<string[]> {
  const seen: string[] = [];
  const unsubscribe = manager.onQuery(({ sql }) => {
    seen.push(sql);
  });
  try {
    await fn();
  } finally {
    unsubscribe();
  }
  return dataOnly
    ? seen.filter((sql) => !/^\s*(BEGIN|COMMIT|ROLLBACK|START TRANSACTION|SAVEPOINT|RELEASE)\b/i.test(sql))
    : seen;
}

for (const target of databases) {
  describe(target.name, { skip: target.skip }, () => {
    const server = target.name === "postgres" || target.name === "mysql";
    const User = databaseRegistry(target.url, { tableName: "qp_users", uniqueFields: ["email"] })(
      class User extends Model({
        id: z.int().nullable().default(null),
        name: z.string(),
        email: z.string().max(255),
        age: z.int().nullable().default(null),
        rank: z.int(),
        score: z.number(),
        active: z.boolean(),
        joined: z.date(),
      }) {},
    );
    const Country = databaseRegistry(target.url, { tableName: "qp_countries", keyField: "code" })(
      class Country extends Model({ code: z.string().length(2), name: z.string(), population: z.int() }) {},
    );
    const Wide = databaseRegistry(target.url, { tableName: "qp_wide" })(
      class Wide extends Model({
        id: z.int().nullable().default(null),
        c0: z.int(),
        c1: z.int(),
        c2: z.int(),
        c3: z.int(),
        c4: z.int(),
        c5: z.int(),
        c6: z.int(),
        c7: z.int(),
        c8: z.int(),
        c9: z.int(),
      }) {},
    );
    const Agg = databaseRegistry(target.url, { tableName: "qp_agg" })(
      class Agg extends Model({
        id: z.int().nullable().default(null),
        n: z.int().nullable(),
        x: z.number(),
        big: z.bigint(),
        at: z.date(),
        label: z.string(),
        flag: z.boolean(),
      }) {},
    );

    const Other = databaseRegistry(target.url, { tableName: "qp_other" })(
      class Other extends Model({ id: z.int().nullable().default(null), name: z.string() }) {},
    );

    beforeEach(async () => {
      for (const m of [User, Country, Wide, Agg]) {
        await m.dropSchema();
        await m.createSchema();
      }
    });

    const userData = (i: number) => ({
      name: `user${String(i).padStart(2, "0")}`,
      email: `u${i}@example.com`,
      age: i % 4 === 1 ? null : 20 + ((i * 7) % 13),
      rank: (i * 5) % 4,
      score: ((i * 3) % 7) / 2,
      active: i % 3 !== 0,
      joined: day((i * 11) % 17),
    });

    const seedUsers = async (count: number) => {
      for (let i = 0; i < count; i++) await User.objects.create(userData(i));
    };

    const idsOf = (rows: readonly { id: number | null }[]) => rows.map((r) => r.id);

    // ------------------------------------------------------------ ordering

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
        const expectedLast = [...all].sort(
          (a, b) => a.rank - b.rank || (a.id as number) - (b.id as number),
        )[0];
        assert.equal(tupleLast?.id, expectedLast.id);
        assert.equal(await User.objects.first({ name: "nobody" }, { orderBy: "-age" }), null);
        assert.equal(await User.objects.last({ name: "nobody" }, { orderBy: "-age" }), null);
      });
    });

    // ------------------------------------------------------------ page()

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

    // ------------------------------------------------------------ iterate()

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
          assert.deepEqual(
            idsOf(active),
            idsOf(all.filter((u) => u.active)),
            `active, batchSize ${batchSize}`,
          );
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

    // ------------------------------------------------------------ bulkCreate / bulkUpsert

    describe("bulkCreate()", () => {
      it("returns instances with generated keys, in input order (managed integer key)", async () => {
        const input = [7, 3, 9, 1, 4].map((i) => userData(i));
        const created = await User.objects.bulkCreate(input);
        assert.equal(created.length, 5);
        assert.ok(created.every((u) => u instanceof User));
        assert.deepEqual(
          created.map((u) => u.name),
          input.map((u) => u.name),
        );
        assert.equal(new Set(idsOf(created)).size, 5);
        for (let i = 0; i < input.length; i++) {
          assert.equal(typeof created[i].id, "number");
          const stored = await User.objects.require(created[i].id as number);
          assert.equal(stored.email, input[i].email);
          assert.deepEqual(stored.toJSON(), created[i].toJSON());
        }
        assert.equal(await User.objects.count(), 5);
        // a created instance saves as an update of its row
        created[2].name = "renamed";
        await created[2].save();
        assert.equal((await User.objects.require(created[2].id as number)).name, "renamed");
        assert.equal(await User.objects.count(), 5);
      });

      it("returns instances in input order with a natural string key", async () => {
        const input = [
          { code: "ZW", name: "Zimbabwe", population: 3 },
          { code: "AD", name: "Andorra", population: 1 },
          { code: "FR", name: "France", population: 2 },
          { code: "BE", name: "Belgium", population: 4 },
        ];
        const created = await Country.objects.bulkCreate(input);
        assert.deepEqual(
          created.map((c) => c.code),
          ["ZW", "AD", "FR", "BE"],
        );
        assert.ok(created.every((c) => c instanceof Country));
        assert.deepEqual(
          (await Country.objects.all({ orderBy: "code" })).map((c) => c.toJSON()),
          [...input].sort((a, b) => compareValues(a.code, b.code)),
        );
      });

      it("chunks: chunkSize smaller than the row count", async () => {
        const input = Array.from({ length: 10 }, (_, i) => userData(i));
        const created = await User.objects.bulkCreate(input, { chunkSize: 3 });
        assert.deepEqual(
          created.map((u) => u.email),
          input.map((u) => u.email),
        );
        for (let i = 0; i < 10; i++) {
          assert.equal((await User.objects.require(created[i].id as number)).email, input[i].email);
        }
        assert.equal(await User.objects.count(), 10);
      });

      it("more parameters than one statement may carry (10 columns x many rows)", async () => {
        const count = server ? 7_000 : 4_000;
        const input = Array.from({ length: count }, (_, i) => ({
          c0: i,
          c1: i + 1,
          c2: i + 2,
          c3: i + 3,
          c4: i + 4,
          c5: i + 5,
          c6: i + 6,
          c7: i + 7,
          c8: i + 8,
          c9: -i,
        }));
        const created = await Wide.objects.bulkCreate(input);
        assert.equal(created.length, count);
        assert.equal(await Wide.objects.count(), count);
        const stored = new Map((await Wide.objects.all()).map((w) => [w.id, w.c0]));
        assert.equal(stored.size, count);
        for (let i = 0; i < count; i++) {
          assert.equal(created[i].c0, i);
          assert.equal(stored.get(created[i].id), i, `row ${i} got the key of another row`);
        }
      });

      it("empty input returns [] without a statement", async () => {
        const statements = await statementsDuring(
          User.objects,
          async () => {
            assert.deepEqual(await User.objects.bulkCreate([]), []);
            assert.deepEqual(await User.objects.bulkUpsert([]), []);
          },
          false,
        );
        assert.deepEqual(statements, []);
      });

      it("empty input returns []", async () => {
        assert.deepEqual(await User.objects.bulkCreate([]), []);
        assert.deepEqual(await Country.objects.bulkUpsert([]), []);
        assert.equal(await User.objects.count(), 0);
      });

      it("one transaction, multi-row INSERTs: one INSERT per chunk", async () => {
        const input = Array.from({ length: 10 }, (_, i) => userData(i));
        const all = await statementsDuring(
          User.objects,
          () => User.objects.bulkCreate(input, { chunkSize: 4 }),
          false,
        );
        const inserts = all.filter((sql) => /^\s*INSERT\b/i.test(sql));
        assert.equal(inserts.length, 3, show(all));
        assert.ok(
          all.some((sql) => /^\s*(BEGIN|START TRANSACTION)\b/i.test(sql)),
          `no BEGIN seen: ${show(all)}`,
        );
        assert.equal(await User.objects.count(), 10);
      });

      const snapshot = async () => (await User.objects.all({ orderBy: "id" })).map((u) => u.toJSON());

      it("a unique value taken by an existing row: UniqueConstraintError with rowIndex, nothing written", async () => {
        await User.objects.create({ ...userData(50), email: "taken@example.com" });
        const before = await snapshot();
        const input = [userData(0), userData(1), { ...userData(2), email: "taken@example.com" }, userData(3)];
        const error = await User.objects.bulkCreate(input).catch((e: unknown) => e);
        assert.ok(error instanceof UniqueConstraintError, String(error));
        assert.equal((error as { rowIndex?: number }).rowIndex, 2);
        assert.match(error.message, /^row 2: /);
        assert.deepEqual(error.fields, ["email"]);
        assert.deepEqual(await snapshot(), before);
      });

      it("a duplicate within the input, across chunks: rowIndex of the second occurrence, nothing written", async () => {
        const before = await snapshot();
        const input = Array.from({ length: 8 }, (_, i) => userData(i));
        input[6] = { ...input[6], email: input[1].email };
        const error = await User.objects.bulkCreate(input, { chunkSize: 2 }).catch((e: unknown) => e);
        assert.ok(error instanceof UniqueConstraintError, String(error));
        assert.equal((error as { rowIndex?: number }).rowIndex, 6);
        assert.match(error.message, /^row 6: /);
        assert.deepEqual(await snapshot(), before);
        assert.equal(await User.objects.count(), 0);
      });

      it("a duplicate natural key: DuplicateKeyError with rowIndex, nothing written", async () => {
        await Country.objects.create({ code: "FR", name: "France", population: 1 });
        const input = [
          { code: "AD", name: "Andorra", population: 1 },
          { code: "BE", name: "Belgium", population: 1 },
          { code: "CH", name: "Switzerland", population: 1 },
          { code: "FR", name: "Again", population: 1 },
          { code: "DE", name: "Germany", population: 1 },
        ];
        const error = await Country.objects.bulkCreate(input, { chunkSize: 2 }).catch((e: unknown) => e);
        assert.ok(error instanceof DuplicateKeyError, String(error));
        assert.equal((error as { rowIndex?: number }).rowIndex, 3);
        assert.match(error.message, /^row 3: /);
        assert.deepEqual(
          (await Country.objects.all()).map((c) => c.toJSON()),
          [{ code: "FR", name: "France", population: 1 }],
        );
        const inner = [input[0], input[1], input[0]];
        const again = await Country.objects.bulkCreate(inner).catch((e: unknown) => e);
        assert.ok(again instanceof DuplicateKeyError, String(again));
        assert.equal((again as { rowIndex?: number }).rowIndex, 2);
        assert.equal(await Country.objects.count(), 1);
        // the usual DuplicateKeyError names the colliding key (checked last: the rest must hold regardless)
        assert.equal(error.key, "FR", error.message);
      });

      it("an invalid row: ValidationError with rowIndex, nothing written", async () => {
        const input = [userData(0), userData(1), userData(2), { ...userData(3), name: 5 }, userData(4)];
        const error = await User.objects.bulkCreate(input as never).catch((e: unknown) => e);
        assert.ok(error instanceof ValidationError, String(error));
        assert.equal((error as { rowIndex?: number }).rowIndex, 3);
        assert.match(error.message, /^row 3: /);
        assert.equal(await User.objects.count(), 0);
        const missing = [userData(0), { name: "no email", rank: 1, score: 1, active: true, joined: day(1) }];
        const error2 = await User.objects
          .bulkCreate(missing as never, { chunkSize: 1 })
          .catch((e: unknown) => e);
        assert.ok(error2 instanceof ValidationError, String(error2));
        assert.equal((error2 as { rowIndex?: number }).rowIndex, 1);
        assert.equal(await User.objects.count(), 0);
      });
    });

    describe("bulkUpsert()", () => {
      it("inserts new rows and updates existing ones by key and by unique field; returns keyed instances", async () => {
        const a = await User.objects.create({ ...userData(0), email: "a@example.com", name: "A" });
        const b = await User.objects.create({ ...userData(1), email: "b@example.com", name: "B" });
        b.name = "B2";
        b.rank = 3;
        const result = await User.objects.bulkUpsert([
          { ...userData(5), email: "a@example.com", name: "A2" },
          { ...userData(6), email: "c@example.com", name: "C" },
          b,
        ]);
        assert.equal(result.length, 3);
        assert.ok(result.every((u) => u instanceof User));
        assert.equal(result[0].id, a.id);
        assert.equal(result[2].id, b.id);
        assert.equal(typeof result[1].id, "number");
        assert.ok(result[1].id !== a.id && result[1].id !== b.id);
        assert.deepEqual(
          result.map((u) => u.name),
          ["A2", "C", "B2"],
        );
        const stored = await User.objects.all({ orderBy: "id" });
        assert.equal(stored.length, 3);
        assert.equal((await User.objects.require(a.id as number)).name, "A2");
        assert.equal((await User.objects.require(a.id as number)).rank, userData(5).rank);
        assert.equal((await User.objects.require(b.id as number)).name, "B2");
        assert.equal((await User.objects.require(b.id as number)).rank, 3);
        assert.equal((await User.objects.require(result[1].id as number)).email, "c@example.com");
      });

      it("natural key: updates by key, inserts new keys, in chunks", async () => {
        await Country.objects.create({ code: "FR", name: "France", population: 1 });
        const result = await Country.objects.bulkUpsert(
          [
            { code: "DE", name: "Germany", population: 2 },
            { code: "FR", name: "France2", population: 3 },
            { code: "IT", name: "Italy", population: 4 },
          ],
          { chunkSize: 2 },
        );
        assert.deepEqual(
          result.map((c) => c.code),
          ["DE", "FR", "IT"],
        );
        assert.deepEqual(
          (await Country.objects.all({ orderBy: "code" })).map((c) => c.toJSON()),
          [
            { code: "DE", name: "Germany", population: 2 },
            { code: "FR", name: "France2", population: 3 },
            { code: "IT", name: "Italy", population: 4 },
          ],
        );
      });

      it("all or nothing: an invalid row has rowIndex and nothing is written", async () => {
        await Country.objects.create({ code: "FR", name: "France", population: 1 });
        const error = await Country.objects
          .bulkUpsert(
            [
              { code: "FR", name: "Changed", population: 9 },
              { code: "DE", name: "Germany", population: 2 },
              { code: "ITA", name: "Italy", population: 4 },
            ],
            { chunkSize: 1 },
          )
          .catch((e: unknown) => e);
        assert.ok(error instanceof ValidationError, String(error));
        assert.equal((error as { rowIndex?: number }).rowIndex, 2);
        assert.match(error.message, /^row 2: /);
        assert.deepEqual(
          (await Country.objects.all()).map((c) => c.toJSON()),
          [{ code: "FR", name: "France", population: 1 }],
        );
      });
    });

    // ------------------------------------------------------------ aggregates and values()

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

    // ------------------------------------------------------------ dirty tracking

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
}
