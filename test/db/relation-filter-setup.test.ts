/**
 * Relationship filters on a fresh database, on every database: the first statement of a model whose
 * criteria name a relationship finds the related tables (and a HasManyThrough's join table) created,
 * whichever operation runs first and in whichever direction, also inside a transaction; a related
 * model with `autoCreate: false` keeps its table uncreated (the filter's `SchemaError` says so).
 * Each test registers models of its own, so none was ever used before.
 */
import assert from "node:assert/strict";
import { beforeEach, it } from "node:test";
import { z } from "zod";
import {
  BelongsTo,
  databaseRegistry,
  HasMany,
  HasManyThrough,
  type ManagerOf,
  Model,
  SchemaError,
} from "../../src/db/index.js";
import { eachDatabase } from "../support/each-database.js";
import { dropTables } from "./fixtures/schema-support.js";

eachDatabase("relationship filters on a fresh database", (target) => {
  const url = target.url;
  const P = "rfs_";
  const tables = ["post_tags", "posts", "tags", "authors", "notes"].map((t) => `${P}${t}`);

  /** A never-used blog (authors, posts, tags through post_tags) on fresh tables. */
  function blog(options: { postsAutoCreate?: boolean } = {}) {
    @databaseRegistry(url, { tableName: `${P}authors` })
    class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
      declare static readonly objects: ManagerOf<typeof Author>;
      @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
    }
    @databaseRegistry(url, { tableName: `${P}posts`, autoCreate: options.postsAutoCreate ?? true })
    class Post extends Model({
      id: z.int().nullable().default(null),
      author_id: z.int().nullable(),
      title: z.string(),
    }) {
      declare static readonly objects: ManagerOf<typeof Post>;
      @BelongsTo(() => Author, { localKey: "author_id" }) accessor author!: Promise<Author | null>;
      @HasManyThrough(() => Tag, { through: () => PostTag, sourceKey: "post_id", targetKey: "tag_id" })
      accessor tags!: Promise<Tag[]>;
    }
    @databaseRegistry(url, { tableName: `${P}tags` })
    class Tag extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
      declare static readonly objects: ManagerOf<typeof Tag>;
    }
    @databaseRegistry(url, { tableName: `${P}post_tags` })
    class PostTag extends Model({
      id: z.int().nullable().default(null),
      post_id: z.int(),
      tag_id: z.int(),
    }) {}
    return { Author, Post, Tag, PostTag };
  }

  beforeEach(async () => {
    await dropTables(url, tables);
  });

  it("HasMany: the first filter, count or exists of the owner finds the related table", async () => {
    const { Author } = blog();
    assert.deepEqual(await Author.objects.exists({ posts: { some: {} } }), false);
    assert.equal(await Author.objects.count({ posts: { none: {} } }), 0);
    assert.deepEqual(await Author.objects.filter({ posts: { some: { title: "x" } } }), []);
  });

  it("each operation that runs first works: exists, values, sum, page, deleteWhere, updateWhere", async () => {
    const first = [
      async (m: ReturnType<typeof blog>) =>
        assert.equal(await m.Author.objects.exists({ posts: { some: {} } }), false),
      async (m: ReturnType<typeof blog>) =>
        assert.deepEqual(await m.Author.objects.values({ posts: { some: {} } }, ["name"]), []),
      async (m: ReturnType<typeof blog>) =>
        assert.equal(await m.Author.objects.sum("id", { posts: { some: {} } }), null),
      async (m: ReturnType<typeof blog>) =>
        assert.deepEqual(
          // PageOptions types `where` by the fields only (relationship keys are accepted at run time).
          (await m.Author.objects.page({ limit: 5, where: { posts: { some: {} } } as never })).items,
          [],
        ),
      async (m: ReturnType<typeof blog>) =>
        assert.equal(await m.Author.objects.deleteWhere({ posts: { some: {} } }), 0),
      async (m: ReturnType<typeof blog>) =>
        assert.deepEqual(await m.Author.objects.updateWhere({ posts: { some: {} } }, { name: "x" }), []),
    ];
    for (const operation of first) {
      await dropTables(url, tables);
      await operation(blog());
    }
  });

  it("BelongsTo and a nested HasManyThrough: the join table and the tags table are created too", async () => {
    const { Post, Author, Tag, PostTag } = blog();
    assert.deepEqual(await Post.objects.filter({ tags: { some: { name: "ts" } } }), []);
    assert.deepEqual(await Post.objects.filter({ author: { some: { name: "Ann" } } }), []);
    // Rows written afterwards are found by the filters (the tables are the real ones).
    const ann = await Author.objects.create({ name: "Ann" });
    const post = await Post.objects.create({ author_id: ann.id, title: "Hello" });
    const ts = await Tag.objects.create({ name: "ts" });
    await PostTag.objects.create({ post_id: post.id as number, tag_id: ts.id as number });
    const titles = async (criteria: Parameters<typeof Post.objects.filter>[0]) =>
      (await Post.objects.filter(criteria)).map((p) => p.title);
    assert.deepEqual(await titles({ tags: { some: { name: "ts" } } }), ["Hello"]);
    assert.deepEqual(await titles({ author: { some: { name: "Ann" } } }), ["Hello"]);
    const nested = await Author.objects.filter({ posts: { some: { tags: { some: { name: "ts" } } } } });
    assert.deepEqual(
      nested.map((a) => a.name),
      ["Ann"],
    );
  });

  it("nested from the far end: authors whose posts have a tag, on a fresh database", async () => {
    const { Author } = blog();
    assert.deepEqual(
      await Author.objects.filter({ posts: { some: { tags: { some: { name: "ts" } } } } }),
      [],
    );
  });

  it("first used inside a transaction: the filter works there too", async () => {
    const { Author } = blog();
    const found = await Author.objects.transaction(async () => {
      await Author.objects.create({ name: "Ann" });
      return await Author.objects.filter({ posts: { none: {} } });
    });
    assert.deepEqual(
      found.map((a) => a.name),
      ["Ann"],
    );
  });

  it("models registered after BEGIN: the related tables are created, never on the transaction's connection", async () => {
    @databaseRegistry(url, { tableName: `${P}notes` })
    class Note extends Model({ id: z.int().nullable().default(null), text: z.string() }) {}
    await Note.objects.truncate();
    const failure = new Error("roll back");
    await assert.rejects(
      Note.objects.transaction(async () => {
        await Note.objects.create({ text: "rolled back" });
        const { Author } = blog(); // registered inside the transaction: never set up before BEGIN
        assert.deepEqual(await Author.objects.filter({ posts: { some: { tags: { some: {} } } } }), []);
        throw failure;
      }),
      (error) => error === failure,
    );
    // MariaDB commits DDL implicitly: had a table been created on the transaction's connection, the
    // note would have been committed with it.
    assert.equal(await Note.objects.count(), 0);
  });

  it("a related model with autoCreate: false is left alone: the filter is a SchemaError", async () => {
    const { Author } = blog({ postsAutoCreate: false });
    await assert.rejects(Author.objects.filter({ posts: { some: {} } }), SchemaError);
    assert.equal(await Author.objects.count(), 0, "the owner's own table was created");
  });
});
