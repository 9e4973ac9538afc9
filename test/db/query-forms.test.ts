// More query forms on every database: `between`, grouped aggregates (`countBy`, `aggregate({ by })`,
// `countDistinct`), relationship filters (`some` / `none` / `every` on HasMany, BelongsTo and
// HasManyThrough, nested), and `getOrCreate` / `updateOrCreate` (also under concurrency). Each
// form has hand-checked examples, its errors raised before any SQL, and a fast-check property
// against the same computation in JavaScript.
import assert from "node:assert/strict";
import { it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import {
  BelongsTo,
  databaseRegistry,
  HasMany,
  HasManyThrough,
  InvalidQueryError,
  type ManagerOf,
  Model,
  UniqueConstraintError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables, isServer } from "../support/each-database.js";

const seed = Number(process.env.REGISTERS_FUZZ_SEED ?? Date.now() % 1_000_000);
const RUNS = Number(process.env.REGISTERS_FUZZ_RUNS ?? 20);
const day = (n: number) => new Date(Date.UTC(2024, 0, 1 + n));

/** NULL first, then ascending (numbers, lowercase strings, Dates): how results are ordered. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  return (a as number) < (b as number) ? -1 : 1;
}

eachDatabase("query forms", (target) => {
  @databaseRegistry(target.url, { tableName: "qf_authors", uniqueFields: ["email"] })
  class Author extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    email: z.string().max(100),
    age: z.int().nullable().default(null),
  }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
  }

  @databaseRegistry(target.url, { tableName: "qf_posts" })
  class Post extends Model({
    id: z.int().nullable().default(null),
    author_id: z.int().nullable(),
    title: z.string(),
    published: z.boolean(),
    score: z.int(),
  }) {
    declare static readonly objects: ManagerOf<typeof Post>;
    @BelongsTo(() => Author, { localKey: "author_id" }) accessor author!: Promise<Author | null>;
    @HasManyThrough(() => Tag, { through: () => PostTag, sourceKey: "post_id", targetKey: "tag_id" })
    accessor tags!: Promise<Tag[]>;
  }

  @databaseRegistry(target.url, { tableName: "qf_tags" })
  class Tag extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}

  @databaseRegistry(target.url, { tableName: "qf_post_tags" })
  class PostTag extends Model({ id: z.int().nullable().default(null), post_id: z.int(), tag_id: z.int() }) {}

  const Sale = databaseRegistry(target.url, { tableName: "qf_sales" })(
    class Sale extends Model({
      id: z.int().nullable().default(null),
      role: z.string().max(20).nullable(),
      region: z.string().max(20),
      amount: z.int(),
      n: z.int().nullable(),
      big: z.bigint(),
      price: z.number(),
      at: z.date(),
    }) {},
  );

  freshTables(Author, Post, Tag, PostTag, Sale);

  const sale = (
    role: string | null,
    region: string,
    amount: number,
    extra: Partial<{ n: number | null; at: Date }> = {},
  ) =>
    Sale.objects.create({
      role,
      region,
      amount,
      n: "n" in extra ? (extra.n ?? null) : amount,
      big: BigInt(amount) * 2n ** 40n,
      price: amount / 4,
      at: extra.at ?? day(amount % 7),
    });

  // ---------------------------------------------------------------- between

  it("between: inclusive on both ends, on ints (fractional bounds rounded), floats, strings and dates", async () => {
    for (const [i, role] of ["a", "b", "c", "d"].entries())
      await sale(role, "x", i * 10, { n: i === 3 ? null : i * 10, at: day(i) });
    const ids = async (criteria: object) =>
      (await Sale.objects.filter(criteria as never, { orderBy: "id" })).map((s) => s.amount);
    assert.deepEqual(await ids({ amount: { between: [10, 20] } }), [10, 20]);
    assert.deepEqual(await ids({ amount: { between: [9.5, 20.5] } }), [10, 20]);
    assert.deepEqual(await ids({ amount: { between: [20, 10] } }), []);
    assert.deepEqual(await ids({ n: { between: [0, 100] } }), [0, 10, 20]); // NULL never matches
    assert.deepEqual(await ids({ price: { between: [2.5, 5] } }), [10, 20]);
    assert.deepEqual(await ids({ role: { between: ["b", "c"] } }), [10, 20]);
    assert.deepEqual(await ids({ at: { between: [day(1), day(2)] } }), [10, 20]);
    assert.deepEqual(await ids({ amount: { between: [-1e300, 1e300] } }), [0, 10, 20, 30]);
    assert.equal(await Sale.objects.count({ not: { amount: { between: [10, 20] } } } as never), 2);
  });

  it("between: malformed ranges are InvalidQueryError", async () => {
    for (const bad of [[1], [1, 2, 3], 5, [null, 2], [1, undefined], ["1", 2], [Number.NaN, 1]]) {
      await assert.rejects(
        Sale.objects.filter({ amount: { between: bad } } as never),
        InvalidQueryError,
        JSON.stringify(bad),
      );
    }
    await assert.rejects(
      Sale.objects.count({ at: { between: [day(1), "2024"] } } as never),
      /between on "at"/,
    );
  });

  it("property: between equals low <= value <= high in JavaScript (NULL never matches)", async () => {
    const row = fc.record({
      amount: fc.integer({ min: -20, max: 20 }),
      n: fc.option(fc.integer({ min: -5, max: 5 }), { nil: null }),
      role: fc.option(fc.constantFrom("a", "ab", "b", "ba", "c"), { nil: null }),
      at: fc.integer({ min: 0, max: 9 }),
    });
    const bound = fc.oneof(fc.integer({ min: -25, max: 25 }), fc.double({ min: -25, max: 25, noNaN: true }));
    const range = fc.oneof(
      fc.record({ field: fc.constant("amount" as const), low: bound, high: bound }),
      fc.record({ field: fc.constant("n" as const), low: bound, high: bound }),
      fc.record({ field: fc.constant("price" as const), low: bound, high: bound }),
      fc.record({
        field: fc.constant("role" as const),
        low: fc.constantFrom("a", "aa", "b", "c"),
        high: fc.constantFrom("a", "b", "bb", "d"),
      }),
      fc.record({
        field: fc.constant("at" as const),
        low: fc.integer({ min: -1, max: 10 }),
        high: fc.integer({ min: -1, max: 10 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(row, { maxLength: 20 }), range, fc.boolean(), async (rows, r, negate) => {
        await Sale.objects.truncate();
        const created =
          rows.length === 0
            ? []
            : await Sale.objects.bulkCreate(
                rows.map((x) => ({
                  role: x.role,
                  region: "r",
                  amount: x.amount,
                  n: x.n,
                  big: 0n,
                  price: x.amount / 4,
                  at: day(x.at),
                })),
              );
        const value = (i: number): number | string | null => {
          const x = rows[i];
          if (r.field === "price") return x.amount / 4;
          if (r.field === "at") return x.at;
          return x[r.field];
        };
        const inRange = (v: number | string | null) => v !== null && v >= r.low && v <= r.high;
        const expected = created.filter((_, i) => inRange(value(i)) !== negate).map((c) => c.id);
        const bounds = r.field === "at" ? [day(r.low as number), day(r.high as number)] : [r.low, r.high];
        const condition = { [r.field]: { between: bounds } };
        const got = await Sale.objects.filter((negate ? { not: condition } : condition) as never, {
          orderBy: "id",
        });
        assert.deepEqual(
          got.map((x) => x.id),
          expected,
          JSON.stringify({ r, negate }),
        );
      }),
      { numRuns: RUNS, seed },
    );
  });

  // ---------------------------------------------------------------- grouped aggregates

  it("countBy, aggregate by, countDistinct: typed rows in group order, NULL group first", async () => {
    await sale("admin", "eu", 10);
    await sale("member", "us", 5);
    await sale("admin", "us", 20);
    await sale(null, "eu", 1);
    await sale("member", "us", 7);
    assert.deepEqual(await Sale.objects.countBy("role"), [
      { role: null, count: 1 },
      { role: "admin", count: 2 },
      { role: "member", count: 2 },
    ]);
    assert.deepEqual(await Sale.objects.countBy("region", { amount: { gt: 5 } }), [
      { region: "eu", count: 1 },
      { region: "us", count: 2 },
    ]);
    const rows = await Sale.objects.aggregate({
      by: ["role"],
      count: true,
      sum: ["amount", "big"],
      avg: "amount",
      min: "at",
      max: "amount",
      countDistinct: "region",
      where: { amount: { gte: 5 } },
    });
    assert.deepEqual(rows, [
      {
        role: "admin",
        count: 2,
        countDistinct: { region: 2 },
        sum: { amount: 30, big: 30n * 2n ** 40n },
        avg: { amount: 15 },
        min: { at: day(3) },
        max: { amount: 20 },
      },
      {
        role: "member",
        count: 2,
        countDistinct: { region: 1 },
        sum: { amount: 12, big: 12n * 2n ** 40n },
        avg: { amount: 6 },
        min: { at: day(0) },
        max: { amount: 7 },
      },
    ]);
    assert.deepEqual(await Sale.objects.aggregate({ count: true, sum: "amount" }), [
      { count: 5, sum: { amount: 43 } },
    ]);
    assert.deepEqual(
      await Sale.objects.aggregate({ count: true, sum: "amount", where: { region: "none" } }),
      [{ count: 0, sum: { amount: null } }],
    );
    assert.deepEqual(
      await Sale.objects.aggregate({ by: ["role"], count: true, where: { region: "none" } }),
      [],
    );
    assert.deepEqual(await Sale.objects.aggregate({ by: ["region", "role"] }), [
      { region: "eu", role: null },
      { region: "eu", role: "admin" },
      { region: "us", role: "admin" },
      { region: "us", role: "member" },
    ]);
    assert.equal(await Sale.objects.countDistinct("region"), 2);
    assert.equal(await Sale.objects.countDistinct("role"), 2); // NULL is not a value
    assert.equal(await Sale.objects.countDistinct("role", { region: "eu" }), 1);
  });

  it("grouped aggregates: bad options are InvalidQueryError before any SQL", async () => {
    const bad: unknown[] = [
      undefined,
      {},
      { by: "role" },
      { by: ["nope"] },
      { by: ["role", "role"] },
      { count: 1 },
      { sum: "region" },
      { avg: [] },
      { min: "nope" },
      { countDistinct: ["nope"] },
      { count: true, where: { nope: 1 } },
      { count: true, having: {} },
    ];
    const ran: string[] = [];
    const stop = Sale.objects.onQuery(({ sql }) => ran.push(sql));
    try {
      for (const options of bad) {
        await assert.rejects(
          Sale.objects.aggregate(options as never),
          InvalidQueryError,
          JSON.stringify(options),
        );
      }
      await assert.rejects(Sale.objects.countBy("nope" as never), InvalidQueryError);
      await assert.rejects(Sale.objects.countBy(["role"] as never), InvalidQueryError);
      await assert.rejects(Sale.objects.countDistinct("nope" as never), InvalidQueryError);
    } finally {
      stop();
    }
    assert.deepEqual(ran, [], "no statement runs for invalid options, not even the table's creation");
  });

  it("property: countBy and aggregate({ by }) equal the same grouping in JavaScript", async () => {
    const row = fc.record({
      role: fc.constantFrom(null, "a", "b", "c"),
      region: fc.constantFrom("n", "s"),
      amount: fc.integer({ min: -50, max: 50 }),
      n: fc.option(fc.integer({ min: 0, max: 5 }), { nil: null }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 25 }),
        fc.integer({ min: -60, max: 60 }),
        async (rows, floor) => {
          await Sale.objects.truncate();
          if (rows.length > 0) {
            await Sale.objects.bulkCreate(
              rows.map((r) => ({ ...r, big: BigInt(r.amount), price: r.amount / 2, at: day(0) })),
            );
          }
          const kept = rows.filter((r) => r.amount >= floor);
          const groups = new Map<string, typeof kept>();
          for (const r of kept) {
            const key = JSON.stringify([r.role, r.region]);
            groups.set(key, [...(groups.get(key) ?? []), r]);
          }
          const expected = [...groups.values()]
            .sort((x, y) => compare(x[0].role, y[0].role) || compare(x[0].region, y[0].region))
            .map((g) => {
              const ns = g.map((r) => r.n).filter((v) => v !== null);
              return {
                role: g[0].role,
                region: g[0].region,
                count: g.length,
                countDistinct: { n: new Set(ns).size },
                sum: {
                  amount: g.reduce((t, r) => t + r.amount, 0),
                  n: ns.length === 0 ? null : ns.reduce((t, v) => t + v, 0),
                },
                min: { amount: Math.min(...g.map((r) => r.amount)) },
                max: { n: ns.length === 0 ? null : Math.max(...ns) },
                avg: { amount: g.reduce((t, r) => t + r.amount, 0) / g.length },
              };
            });
          const actual = await Sale.objects.aggregate({
            by: ["role", "region"],
            where: { amount: { gte: floor } },
            count: true,
            countDistinct: "n",
            sum: ["amount", "n"],
            min: "amount",
            max: "n",
            avg: "amount",
          });
          assert.equal(actual.length, expected.length);
          actual.forEach((got, i) => {
            const want = expected[i];
            assert.ok(
              Math.abs((got.avg.amount ?? Number.NaN) - want.avg.amount) < 1e-9,
              `avg ${got.avg.amount} vs ${want.avg.amount}`,
            );
            assert.deepEqual({ ...got, avg: want.avg }, want);
          });
          const byRole = new Map<string | null, number>();
          for (const r of rows) byRole.set(r.role, (byRole.get(r.role) ?? 0) + 1);
          assert.deepEqual(
            await Sale.objects.countBy("role"),
            [...byRole.entries()]
              .sort((x, y) => compare(x[0], y[0]))
              .map(([role, count]) => ({ role, count })),
          );
        },
      ),
      { numRuns: RUNS, seed },
    );
  });

  // ---------------------------------------------------------------- relationship filters

  async function blog() {
    const ann = await Author.objects.create({ name: "Ann", email: "ann@x" });
    const bob = await Author.objects.create({ name: "Bob", email: "bob@x" });
    const cy = await Author.objects.create({ name: "Cy", email: "cy@x" });
    const p1 = await Post.objects.create({ author_id: ann.id, title: "a1", published: true, score: 5 });
    const p2 = await Post.objects.create({ author_id: ann.id, title: "a2", published: false, score: 1 });
    const p3 = await Post.objects.create({ author_id: bob.id, title: "b1", published: false, score: 9 });
    await Post.objects.create({ author_id: null, title: "orphan", published: true, score: 0 });
    const ts = await Tag.objects.create({ name: "ts" });
    const db = await Tag.objects.create({ name: "db" });
    await PostTag.objects.create({ post_id: p1.id as number, tag_id: ts.id as number });
    await PostTag.objects.create({ post_id: p1.id as number, tag_id: db.id as number });
    await PostTag.objects.create({ post_id: p3.id as number, tag_id: db.id as number });
    return { ann, bob, cy, p1, p2, p3 };
  }
  const names = (rows: readonly { name: string }[]) => rows.map((r) => r.name);
  const titles = (rows: readonly { title: string }[]) => rows.map((r) => r.title);

  it("some / none / every on HasMany, with other criteria and inside or / not", async () => {
    await blog();
    const by = (criteria: Parameters<typeof Author.objects.filter>[0]) =>
      Author.objects.filter(criteria, { orderBy: "id" });
    assert.deepEqual(names(await by({ posts: { some: { published: true } } })), ["Ann"]);
    assert.deepEqual(names(await by({ posts: { some: {} } })), ["Ann", "Bob"]);
    assert.deepEqual(names(await by({ posts: { none: {} } })), ["Cy"]);
    assert.deepEqual(names(await by({ posts: { none: { published: true } } })), ["Bob", "Cy"]);
    assert.deepEqual(names(await by({ posts: { every: { published: false } } })), ["Bob", "Cy"]);
    assert.deepEqual(names(await by({ posts: { every: { score: { between: [1, 5] } } } })), ["Ann", "Cy"]);
    assert.deepEqual(names(await by({ posts: { some: { score: { gt: 4 } }, none: { published: true } } })), [
      "Bob",
    ]);
    assert.deepEqual(names(await by({ or: [{ name: "Cy" }, { posts: { some: { score: 9 } } }] })), [
      "Bob",
      "Cy",
    ]);
    assert.deepEqual(names(await by({ not: { posts: { some: {} } } })), ["Cy"]);
    assert.equal(await Author.objects.count({ posts: { some: { title: { startsWith: "a" } } } }), 1);
    assert.equal(await Author.objects.exists({ posts: { some: { score: 100 } } }), false);
    const [first] = await Author.objects.countBy("name", { posts: { some: {} } });
    assert.deepEqual(first, { name: "Ann", count: 1 });
  });

  it("some on BelongsTo and HasManyThrough, nested filters, and writes filtered by relationships", async () => {
    await blog();
    assert.deepEqual(
      titles(await Post.objects.filter({ author: { some: { name: "Ann" } } }, { orderBy: "id" })),
      ["a1", "a2"],
    );
    assert.deepEqual(titles(await Post.objects.filter({ author: { none: {} } }, { orderBy: "id" })), [
      "orphan",
    ]);
    assert.deepEqual(
      titles(await Post.objects.filter({ tags: { some: { name: "db" } } }, { orderBy: "id" })),
      ["a1", "b1"],
    );
    assert.deepEqual(
      titles(await Post.objects.filter({ tags: { every: { name: "db" } } }, { orderBy: "id" })),
      ["a2", "b1", "orphan"],
    );
    assert.deepEqual(
      names(await Author.objects.filter({ posts: { some: { tags: { some: { name: "ts" } } } } })),
      ["Ann"],
    );
    // a self-referencing path: authors having a post whose author is named Bob
    assert.deepEqual(
      names(await Author.objects.filter({ posts: { some: { author: { some: { name: "Bob" } } } } })),
      ["Bob"],
    );
    const updated = await Post.objects.updateWhere({ author: { some: { name: "Bob" } } }, { score: 42 });
    assert.deepEqual(titles(updated), ["b1"]);
    assert.equal(await Post.objects.deleteWhere({ tags: { none: {} } }), 2);
    assert.equal(await Author.objects.count({ posts: { some: {} } }), 2);
  });

  it("relationship filters leave out soft-deleted related rows", async () => {
    @databaseRegistry(target.url, { tableName: "qf_owners" })
    class Owner extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
      declare static readonly objects: ManagerOf<typeof Owner>;
      @HasMany(() => Pet, { foreignKey: "owner_id" }) accessor pets!: Promise<Pet[]>;
    }
    @databaseRegistry(target.url, { tableName: "qf_pets", softDelete: true })
    class Pet extends Model({
      id: z.int().nullable().default(null),
      owner_id: z.int(),
      deletedAt: z.date().nullable().default(null),
    }) {}
    for (const model of [Pet, Owner]) await model.dropSchema();
    for (const model of [Owner, Pet]) await model.createSchema();
    const ann = await Owner.objects.create({ name: "Ann" });
    const pet = await Pet.objects.create({ owner_id: ann.id as number });
    assert.equal(await Owner.objects.count({ pets: { some: {} } }), 1);
    await pet.delete();
    assert.equal(await Owner.objects.count({ pets: { some: {} } }), 0);
    assert.equal(await Owner.objects.count({ pets: { none: {} } }), 1);
  });

  it("relationship filters: malformed ones are InvalidQueryError before any SQL", async () => {
    const bad: unknown[] = [
      { posts: true },
      { posts: {} },
      { posts: { any: {} } },
      { posts: { some: 1 } },
      { posts: { some: { nope: 1 } } },
      { posts: { some: { score: { between: [1] } } } },
      { nope: { some: {} } },
    ];
    for (const criteria of bad) {
      await assert.rejects(
        Author.objects.filter(criteria as never),
        InvalidQueryError,
        JSON.stringify(criteria),
      );
    }
  });

  it("property: some / none / every equal the same test in JavaScript", async () => {
    const post = fc.record({
      author: fc.integer({ min: 0, max: 4 }),
      published: fc.boolean(),
      score: fc.integer({ min: 0, max: 9 }),
    });
    const inner = fc.oneof(
      fc.record({ published: fc.boolean() }),
      fc.record({
        score: fc.record({
          between: fc.tuple(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 })),
        }),
      }),
      fc.constant({}),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(post, { maxLength: 12 }),
        fc.constantFrom("some", "none", "every"),
        inner,
        async (posts, mode, criteria) => {
          await PostTag.objects.truncate();
          await Post.objects.truncate();
          await Author.objects.truncate();
          const authors = await Author.objects.bulkCreate(
            [0, 1, 2, 3].map((i) => ({ name: `a${i}`, email: `a${i}@x` })),
          );
          const ids = authors.map((a) => a.id as number);
          if (posts.length > 0) {
            await Post.objects.bulkCreate(
              posts.map((p) => ({
                author_id: p.author < 4 ? ids[p.author] : null,
                title: "t",
                published: p.published,
                score: p.score,
              })),
            );
          }
          const test = (p: (typeof posts)[number]) => {
            const c = criteria as { published?: boolean; score?: { between: [number, number] } };
            if (c.published !== undefined && p.published !== c.published) return false;
            if (c.score !== undefined && !(p.score >= c.score.between[0] && p.score <= c.score.between[1]))
              return false;
            return true;
          };
          const expected = ids.filter((_, i) => {
            const mine = posts.filter((p) => p.author === i);
            if (mine.length === 0) return mode !== "some";
            if (mode === "some") return mine.some(test);
            if (mode === "none") return !mine.some(test);
            return mine.every(test);
          });
          const got = await Author.objects.filter({ posts: { [mode]: criteria } } as never, {
            orderBy: "id",
          });
          assert.deepEqual(
            got.map((a) => a.id),
            expected,
            JSON.stringify({ mode, criteria }),
          );
        },
      ),
      { numRuns: RUNS, seed },
    );
  });

  // ---------------------------------------------------------------- getOrCreate / updateOrCreate

  it("getOrCreate and updateOrCreate: found, created, and the values each one writes", async () => {
    const first = await Author.objects.getOrCreate({ email: "ann@x" }, { name: "Ann" });
    assert.equal(first.created, true);
    assert.equal(first.instance.name, "Ann");
    const again = await Author.objects.getOrCreate({ email: "ann@x" }, { name: "Other" });
    assert.deepEqual(
      [again.created, again.instance.id, again.instance.name],
      [false, first.instance.id, "Ann"],
    );
    const updated = await Author.objects.updateOrCreate({ email: "ann@x" }, { name: "Ann B.", age: 30 });
    assert.deepEqual(
      [updated.created, updated.instance.id, updated.instance.name, updated.instance.age],
      [false, first.instance.id, "Ann B.", 30],
    );
    const made = await Author.objects.updateOrCreate({ email: "bob@x" }, { name: "Bob" });
    assert.equal(made.created, true);
    assert.equal((await Author.objects.require({ email: "bob@x" })).name, "Bob");
    assert.equal(await Author.objects.count(), 2);
  });

  it("getOrCreate / updateOrCreate: criteria must be field values, given once", async () => {
    const bad: Array<[unknown, unknown]> = [
      [{}, { name: "x" }],
      [{ email: { eq: "a" } }, { name: "x" }],
      [{ email: ["a", "b"] }, { name: "x" }],
      [{ nope: 1 }, { name: "x" }],
      [{ email: undefined }, { name: "x" }],
      [{ email: "a", name: "x" }, { name: "y" }],
      [{ email: "a" }, 5],
      [{ or: [{ email: "a" }] }, {}],
    ];
    for (const [criteria, values] of bad) {
      await assert.rejects(
        Author.objects.getOrCreate(criteria as never, values as never),
        InvalidQueryError,
        JSON.stringify(criteria),
      );
      await assert.rejects(
        Author.objects.updateOrCreate(criteria as never, values as never),
        InvalidQueryError,
      );
    }
    assert.equal(await Author.objects.count(), 0);
  });

  it("inside a transaction: a collision on another unique field leaves the transaction usable (savepoint)", async () => {
    await Author.objects.create({ name: "Ann", email: "ann@x" });
    await Author.objects.transaction(async () => {
      await assert.rejects(
        Author.objects.getOrCreate({ email: "ann@x", name: "Not Ann" }),
        UniqueConstraintError,
      );
      const found = await Author.objects.getOrCreate({ email: "ann@x" }, { name: "x" });
      assert.equal(found.created, false);
      await Author.objects.create({ name: "Bob", email: "bob@x" });
    });
    assert.equal(await Author.objects.count(), 2);
  });

  it("concurrent getOrCreate / updateOrCreate of one row: one creator, every caller gets that row", {
    timeout: 60_000,
  }, async () => {
    const callers = isServer(target) ? 12 : 6;
    const results = await Promise.all(
      Array.from({ length: callers }, (_, i) =>
        Author.objects.getOrCreate({ email: "race@x" }, { name: `n${i}` }),
      ),
    );
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(new Set(results.map((r) => r.instance.id)).size, 1);
    const updates = await Promise.all(
      Array.from({ length: callers }, (_, i) =>
        Author.objects.updateOrCreate({ email: "race2@x" }, { name: `u${i}`, age: i }),
      ),
    );
    assert.equal(updates.filter((r) => r.created).length, 1);
    assert.equal(new Set(updates.map((r) => r.instance.id)).size, 1);
    const final = await Author.objects.require({ email: "race2@x" });
    assert.equal(final.name, `u${final.age}`);
    assert.equal(await Author.objects.count(), 2);
  });
});
