/**
 * Soft delete on every database: `delete` / `deleteWhere` set `deletedAt`, every read (get, filter,
 * count, exists, aggregates, values, page, iterate, include, lazy relationships) leaves those rows
 * out unless read through `withDeleted()` / `onlyDeleted()`; `restore`, `forceDelete`, unique
 * constraints, upsert and hooks behave as docs/db/soft-delete.md says.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import {
  ConfigurationError,
  databaseRegistry,
  HasMany,
  InvalidQueryError,
  type ManagerOf,
  Model,
  UniqueConstraintError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("soft delete", (target) => {
  const deletions: string[] = [];

  @databaseRegistry(target.url, { tableName: "sd_authors" })
  class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
  }

  @databaseRegistry<Post>(target.url, {
    tableName: "sd_posts",
    softDelete: true,
    uniqueFields: ["slug"],
    hooks: {
      beforeDelete(post) {
        deletions.push(`before:${post.slug}:${post.deletedAt === null ? "live" : "deleted"}`);
      },
      afterDelete(post) {
        deletions.push(`after:${post.slug}`);
      },
    },
  })
  class Post extends Model({
    id: z.int().nullable().default(null),
    author_id: z.int().nullable().default(null),
    slug: z.string(),
    views: z.int().default(0),
    deletedAt: z.date().nullable().default(null),
  }) {
    declare static readonly objects: ManagerOf<typeof Post>;
  }

  @databaseRegistry(target.url, { tableName: "sd_plain" })
  class Plain extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Plain>;
  }

  freshTables(Author, Post, Plain);

  async function seed() {
    const ann = await Author.objects.create({ name: "Ann" });
    const posts = await Post.objects.bulkCreate(
      ["a", "b", "c", "d"].map((slug, i) => ({ author_id: ann.id, slug, views: (i + 1) * 10 })),
    );
    return { ann, posts };
  }

  it("delete sets deletedAt, and every read leaves the row out", async () => {
    const { ann, posts } = await seed();
    const b = posts[1];
    const before = Date.now();
    assert.equal(await Post.objects.delete(b.id as number), true);
    assert.equal(await Post.objects.delete(b.id as number), false, "already deleted");
    assert.equal(await Post.objects.get(b.id as number), null);
    await assert.rejects(Post.objects.require(b.id as number));
    assert.equal(await Post.objects.get({ slug: "b" }), null);
    assert.equal(await Post.objects.count(), 3);
    assert.equal(await Post.objects.count({ slug: "b" }), 0);
    assert.equal(await Post.objects.exists({ slug: "b" }), false);
    assert.deepEqual(
      (await Post.objects.filter({ views: { gte: 10 } })).map((p) => p.slug),
      ["a", "c", "d"],
    );
    assert.equal(await Post.objects.sum("views"), 80);
    assert.equal(await Post.objects.countDistinct("slug"), 3);
    assert.deepEqual(
      (await Post.objects.aggregate({ by: ["author_id"], count: true })).map((row) => row.count),
      [3],
    );
    assert.equal(await Post.objects.max("views", { slug: ["a", "b"] }), 10);
    assert.deepEqual(await Post.objects.values(undefined, ["slug"], { orderBy: "slug" }), [
      { slug: "a" },
      { slug: "c" },
      { slug: "d" },
    ]);
    const page = await Post.objects.page({ limit: 2 });
    assert.deepEqual(
      page.items.map((p) => p.slug),
      ["a", "c"],
    );
    const walked: string[] = [];
    for await (const post of Post.objects.iterate(undefined, { batchSize: 1 })) walked.push(post.slug);
    assert.deepEqual(walked, ["a", "c", "d"]);
    assert.equal((await Post.objects.last())?.slug, "d");
    assert.deepEqual(
      (await ann.posts).map((p) => p.slug),
      ["a", "c", "d"],
    );
    const [loaded] = await Author.objects.filter({}, { include: ["posts"] });
    assert.deepEqual(
      (await loaded.posts).map((p) => p.slug),
      ["a", "c", "d"],
    );

    assert.equal(
      await Author.objects.count({ posts: { some: { slug: "b" } } }),
      0,
      "relationship filters too",
    );
    assert.equal(await Author.objects.count({ posts: { some: { slug: "c" } } }), 1);
    const all = Post.objects.withDeleted();
    assert.equal(await all.count(), 4);
    const stored = await all.require(b.id as number);
    assert.ok(stored.deletedAt instanceof Date && stored.deletedAt.getTime() >= before - 1000);
    const bin = Post.objects.onlyDeleted();
    assert.deepEqual(
      (await bin.filter()).map((p) => p.slug),
      ["b"],
    );
    assert.equal(await bin.get(posts[0].id as number), null);
    assert.equal(await bin.sum("views"), 20);
    assert.deepEqual(
      (await bin.page({ limit: 5 })).items.map((p) => p.slug),
      ["b"],
    );
    const everyRow: string[] = [];
    for await (const post of all.iterate(undefined, { batchSize: 2 })) everyRow.push(post.slug);
    assert.deepEqual(everyRow, ["a", "b", "c", "d"]);
    assert.equal(await all.exists({ slug: "b" }), true);
  });

  it("restore brings a row back; forceDelete removes it for good", async () => {
    const { posts } = await seed();
    const [a, b] = posts;
    await Post.objects.delete(a.id as number);
    assert.equal(await Post.objects.restore(a.id as number), true);
    assert.equal(await Post.objects.restore(a.id as number), false, "not deleted");
    assert.equal((await Post.objects.require(a.id as number)).deletedAt, null);
    assert.equal(await Post.objects.forceDelete(b.id as number), true);
    assert.equal(await Post.objects.withDeleted().get(b.id as number), null);
    await Post.objects.deleteWhere({ slug: ["c", "d"] });
    assert.equal(await Post.objects.restoreWhere({ slug: "c" }), 1);
    assert.deepEqual(
      (await Post.objects.all()).map((p) => p.slug),
      ["a", "c"],
    );
    assert.equal(await Post.objects.forceDeleteWhere({ slug: ["c", "d"] }), 2);
    assert.equal(await Post.objects.withDeleted().count(), 1);
  });

  it("deleteWhere and updateWhere touch live rows only; empty criteria are refused", async () => {
    await seed();
    await Post.objects.delete(1);
    assert.equal(await Post.objects.deleteWhere({ views: { lte: 20 } }), 1, "b only: a is already deleted");
    const updated = await Post.objects.updateWhere({ views: { gte: 0 } }, { views: 0 });
    assert.deepEqual(
      updated.map((p) => p.slug),
      ["c", "d"],
    );
    assert.equal((await Post.objects.withDeleted().require(1)).views, 10);
    await assert.rejects(Post.objects.deleteWhere({}), InvalidQueryError);
    await assert.rejects(Post.objects.updateWhere({}, { views: 1 }), InvalidQueryError);
    await assert.rejects(Post.objects.updateCount({}, { views: 1 }), InvalidQueryError);
    await assert.rejects(Post.objects.forceDeleteWhere({}), InvalidQueryError);
  });

  it("a soft-deleted row still holds its unique values; upsert by key restores it", async () => {
    const { posts } = await seed();
    await Post.objects.delete(posts[0].id as number);
    await assert.rejects(Post.objects.create({ slug: "a" }), UniqueConstraintError);
    const back = await Post.objects.upsert({ id: posts[0].id, slug: "a", views: 99 });
    assert.equal(back.deletedAt, null);
    assert.equal((await Post.objects.require(posts[0].id as number)).views, 99);
  });

  it("delete hooks run on a soft delete, with the live row; create never stores a deletedAt", async () => {
    deletions.length = 0;
    const post = await Post.objects.create({ slug: "x", deletedAt: new Date() });
    assert.equal(post.deletedAt, null);
    await post.delete();
    assert.deepEqual(deletions, ["before:x:live", "after:x"]);
  });

  it("any sequence of writes leaves the live, all and deleted scopes as a JavaScript model says", async () => {
    const op = fc.record({
      op: fc.constantFrom("delete", "restore", "force", "bump", "deleteWhere", "restoreWhere"),
      slug: fc.constantFrom("a", "b", "c"),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 10 }), async (ops) => {
        await Post.objects.truncate();
        const rows = new Map<string, { id: number; views: number; deleted: boolean }>();
        for (const slug of ["a", "b", "c"]) {
          const post = await Post.objects.create({ slug });
          rows.set(slug, { id: post.id as number, views: 0, deleted: false });
        }
        const ids = new Map([...rows].map(([slug, row]) => [slug, row.id]));
        for (const { op, slug } of ops) {
          const row = rows.get(slug);
          const id = ids.get(slug) as number;
          const live = row !== undefined && !row.deleted;
          const dead = row?.deleted === true;
          if (op === "delete") assert.equal(await Post.objects.delete(id), live);
          else if (op === "restore") assert.equal(await Post.objects.restore(id), dead);
          else if (op === "deleteWhere") assert.equal(await Post.objects.deleteWhere({ slug }), live ? 1 : 0);
          else if (op === "restoreWhere")
            assert.equal(await Post.objects.restoreWhere({ slug }), dead ? 1 : 0);
          else if (op === "force") assert.equal(await Post.objects.forceDelete(id), row !== undefined);
          else {
            const updated = await Post.objects.updateWhere({ slug }, { views: (row?.views ?? 0) + 1 });
            assert.equal(updated.length, live ? 1 : 0);
            if (live) row.views++;
          }
          if (op === "delete" || op === "deleteWhere") {
            if (row) row.deleted = true;
          } else if (op === "restore" || op === "restoreWhere") {
            if (row) row.deleted = false;
          } else if (op === "force") rows.delete(slug);
        }
        const expect = (keep: (r: { deleted: boolean }) => boolean) =>
          [...rows].filter(([, r]) => keep(r)).map(([slug]) => slug);
        const slugs = async (reader: { filter(): Promise<Post[]> }) =>
          (await reader.filter()).map((p) => p.slug).sort();
        assert.deepEqual(
          await slugs(Post.objects),
          expect((r) => !r.deleted),
        );
        assert.deepEqual(
          await slugs(Post.objects.withDeleted()),
          expect(() => true),
        );
        assert.deepEqual(
          await slugs(Post.objects.onlyDeleted()),
          expect((r) => r.deleted),
        );
        const liveViews = [...rows.values()].filter((r) => !r.deleted).reduce((n, r) => n + r.views, 0);
        assert.equal((await Post.objects.sum("views")) ?? 0, liveViews);
        assert.equal(await Post.objects.count(), expect((r) => !r.deleted).length);
      }),
      { numRuns: 15 },
    );
  });

  it("the soft-delete methods on a model without softDelete are an InvalidQueryError", async () => {
    assert.throws(() => Plain.objects.withDeleted(), InvalidQueryError);
    assert.throws(() => Plain.objects.onlyDeleted(), /softDelete: true/);
    await assert.rejects(Plain.objects.restore(1), InvalidQueryError);
    await assert.rejects(Plain.objects.forceDelete(1), InvalidQueryError);
  });
});

describe("softDelete is checked at registration", () => {
  const register = (options: Record<string, unknown>, deletedAt: z.ZodType) =>
    databaseRegistry(":memory:", { tableName: "sd_checked", ...options })(
      class Checked extends Model({ id: z.int().nullable().default(null), deletedAt }) {},
    );

  it("needs a nullable date field", () => {
    assert.throws(
      () =>
        register(
          { softDelete: true },
          z.date().default(() => new Date()),
        ),
      /must accept null/,
    );
    assert.throws(() => register({ softDelete: true }, z.string().nullable()), ConfigurationError);
    assert.throws(() => register({ softDelete: { field: "gone" } }, z.date().nullable()), ConfigurationError);
    assert.throws(() => register({ softDelete: "yes" }, z.date().nullable()), ConfigurationError);
  });
});
