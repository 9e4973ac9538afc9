/**
 * Relationship writes on every database: `link` / `unlink` / `setLinks` on many-to-many (join rows
 * written by registers, no duplicates) and one-to-many (foreign keys set on the children),
 * `associate` for a BelongsTo, and `createWith` (a parent and its children in one transaction, rolled
 * back whole when a child fails).
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import {
  BelongsTo,
  databaseRegistry,
  HasMany,
  HasManyThrough,
  InvalidQueryError,
  type ManagerOf,
  Model,
  RelationshipError,
  ValidationError,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("relationship writes", (target) => {
  @databaseRegistry(target.url, { tableName: "rw_authors" })
  class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
    @HasMany(() => Review, { foreignKey: "author_id" }) accessor reviews!: Promise<Review[]>;
  }

  @databaseRegistry(target.url, { tableName: "rw_posts" })
  class Post extends Model({
    id: z.int().nullable().default(null),
    author_id: z.int().nullable().default(null),
    title: z.string().min(1),
  }) {
    declare static readonly objects: ManagerOf<typeof Post>;
    @BelongsTo(() => Author, { localKey: "author_id" }) accessor author!: Promise<Author | null>;
    @HasManyThrough(() => Tag, { through: () => PostTag, sourceKey: "post_id", targetKey: "tag_id" })
    accessor tags!: Promise<Tag[]>;
  }

  @databaseRegistry(target.url, { tableName: "rw_reviews" })
  class Review extends Model({
    id: z.int().nullable().default(null),
    author_id: z.int(),
    text: z.string(),
  }) {}

  @databaseRegistry(target.url, { tableName: "rw_tags", uniqueFields: ["name"] })
  class Tag extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Tag>;
  }

  @databaseRegistry(target.url, { tableName: "rw_post_tags" })
  class PostTag extends Model({ id: z.int().nullable().default(null), post_id: z.int(), tag_id: z.int() }) {
    declare static readonly objects: ManagerOf<typeof PostTag>;
  }

  freshTables(Author, Post, Review, Tag, PostTag);

  const names = async (post: Post) => (await post.tags).map((t) => t.name);

  it("link adds join rows once, creating new targets from data; unlink removes only the links", async () => {
    const post = await Post.objects.create({ title: "p" });
    const news = await Tag.objects.create({ name: "news" });
    const linked = await Post.objects.link(post, "tags", [news, { name: "tech" }]);
    assert.deepEqual(
      linked.map((t) => t.name),
      ["news", "tech"],
    );
    assert.ok(linked[1] instanceof Tag && linked[1].id !== null);
    await Post.objects.link(post, "tags", news);
    await Post.objects.link(post, "tags", [news, news]);
    assert.equal(await PostTag.objects.count(), 2, "no duplicate join rows");
    assert.deepEqual(await names(post), ["news", "tech"]);
    assert.equal(await Post.objects.unlink(post, "tags", [news]), 1);
    assert.deepEqual(await names(post), ["tech"]);
    assert.equal(await Tag.objects.count(), 2, "targets stay");
    const unsaved = new Tag({ name: "draft" });
    await Post.objects.link(post, "tags", [unsaved]);
    assert.notEqual(unsaved.id, null, "a new instance is saved first");
  });

  it("setLinks leaves exactly the given links, for this owner only", async () => {
    const [p1, p2] = await Post.objects.bulkCreate([{ title: "one" }, { title: "two" }]);
    const [a, b, c] = await Tag.objects.bulkCreate([{ name: "a" }, { name: "b" }, { name: "c" }]);
    await Post.objects.link(p1, "tags", [a, b]);
    await Post.objects.link(p2, "tags", [a]);
    await Post.objects.setLinks(p1, "tags", [b, c]);
    assert.deepEqual(await names(p1), ["b", "c"]);
    assert.deepEqual(await names(p2), ["a"]);
    await Post.objects.setLinks(p1, "tags", []);
    assert.deepEqual(await names(p1), []);
    assert.equal(await PostTag.objects.count(), 1);
  });

  it("a preloaded relationship is forgotten by a write, so it reads the new links", async () => {
    const post = await Post.objects.create({ title: "p" });
    const [loaded] = await Post.objects.filter({ id: post.id }, { include: ["tags"] });
    assert.deepEqual(await names(loaded), []);
    await Post.objects.link(loaded, "tags", [{ name: "fresh" }]);
    assert.deepEqual(await names(loaded), ["fresh"]);
  });

  it("HasMany: link sets the children's foreign key; unlink and setLinks clear it", async () => {
    const ann = await Author.objects.create({ name: "Ann" });
    const bob = await Author.objects.create({ name: "Bob" });
    const loose = await Post.objects.create({ title: "loose" });
    await Author.objects.link(ann, "posts", [loose, { title: "new" }]);
    assert.deepEqual(
      (await ann.posts).map((p) => p.title),
      ["loose", "new"],
    );
    assert.equal((await Post.objects.require(loose.id as number)).author_id, ann.id);
    const [bobs] = await Author.objects.link(bob, "posts", { title: "bob's" });
    assert.equal(await Author.objects.unlink(ann, "posts", [loose, bobs]), 1, "bob's post is not ann's");
    assert.equal((await Post.objects.require(loose.id as number)).author_id, null);
    await Author.objects.setLinks(ann, "posts", [loose]);
    assert.deepEqual(
      (await ann.posts).map((p) => p.title),
      ["loose"],
    );
    assert.equal((await Post.objects.require(bobs.id as number)).author_id, bob.id);
    const [review] = await Author.objects.link(ann, "reviews", [{ text: "good" }]);
    await assert.rejects(Author.objects.unlink(ann, "reviews", [review]), ValidationError);
  });

  it("associate sets a BelongsTo from an instance; save writes it", async () => {
    const ann = await Author.objects.create({ name: "Ann" });
    const post = await Post.objects.create({ title: "p" });
    assert.equal(Post.objects.associate(post, "author", ann), post);
    assert.equal(post.author_id, ann.id);
    assert.equal(await post.author, ann, "reads back without a query");
    await post.save();
    assert.equal((await Post.objects.require(post.id as number)).author_id, ann.id);
    Post.objects.associate(post, "author", null);
    await post.save();
    assert.equal(await (await Post.objects.require(post.id as number)).author, null);
    assert.throws(
      () => Post.objects.associate(post, "author", new Author({ name: "unsaved" })),
      /save it first/,
    );
  });

  it("createWith creates the parent and its children in one transaction", async () => {
    const news = await Tag.objects.create({ name: "news" });
    const ann = await Author.objects.createWith({
      name: "Ann",
      posts: [{ title: "one" }, { title: "two" }],
      reviews: [{ text: "fine" }],
    });
    assert.deepEqual(
      (await ann.posts).map((p) => [p.title, p.author_id]),
      [
        ["one", ann.id],
        ["two", ann.id],
      ],
    );
    const post = await Post.objects.createWith({ title: "tagged", tags: [news, { name: "new" }] });
    assert.deepEqual(await names(post), ["news", "new"]);
    const fresh = await Post.objects.require(post.id as number);
    assert.deepEqual(await names(fresh), ["news", "new"]);

    const failed = await Author.objects
      .createWith({ name: "Bob", posts: [{ title: "ok" }, { title: "" }] })
      .catch((e: unknown) => e);
    assert.ok(failed instanceof ValidationError);
    assert.equal(await Author.objects.count({ name: "Bob" }), 0, "the parent rolled back");
    assert.equal(await Post.objects.count({ title: "ok" }), 0);
  });

  it("mistakes are typed errors", async () => {
    const post = await Post.objects.create({ title: "p" });
    const unsaved = new Post({ title: "draft" });
    await assert.rejects(Post.objects.link(unsaved, "tags", []), /save it first/);
    await assert.rejects(Post.objects.link(post, "nope" as "tags", []), RelationshipError);
    await assert.rejects(Post.objects.link(post, "author" as "tags", []), /link\(\) works on hasMany/);
    await assert.rejects(Post.objects.link(post, "tags", [42 as never]), RelationshipError);
    await assert.rejects(Post.objects.unlink(post, "tags", [{ name: "x" } as never]), RelationshipError);
    await assert.rejects(Post.objects.setLinks(post, "tags", "x" as never), InvalidQueryError);
    await assert.rejects(Author.objects.createWith({ name: "x", posts: "no" as never }), RelationshipError);
  });
});
