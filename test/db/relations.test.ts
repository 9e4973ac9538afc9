import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import {
  BelongsTo,
  databaseRegistry,
  HasMany,
  HasManyThrough,
  type ManagerOf,
  Model,
  RelationshipError,
  relate,
} from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

eachDatabase("relations", (target) => {
  @databaseRegistry(target.url, { tableName: "rel_authors" })
  class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
    @HasMany(() => Post, { foreignKey: "writer" }) accessor broken!: Promise<Post[]>;
  }

  @databaseRegistry(target.url, { tableName: "rel_posts" })
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

  @databaseRegistry(target.url, { tableName: "rel_tags" })
  class Tag extends Model({ id: z.int().nullable().default(null), name: z.string() }) {}

  @databaseRegistry(target.url, { tableName: "rel_post_tags" })
  class PostTag extends Model({
    id: z.int().nullable().default(null),
    post_id: z.int(),
    tag_id: z.int(),
  }) {}

  // JavaScript style: no decorators.
  const Shelf = databaseRegistry(target.url, { tableName: "rel_shelves" })(
    class Shelf extends Model({ id: z.int().nullable().default(null), label: z.string() }) {},
  );
  const Book = databaseRegistry(target.url, { tableName: "rel_books" })(
    class Book extends Model({
      id: z.int().nullable().default(null),
      shelf_id: z.int().nullable(),
      title: z.string(),
    }) {},
  );
  relate(Shelf, { books: HasMany(() => Book, { foreignKey: "shelf_id" }) });
  relate(Book, { shelf: BelongsTo(() => Shelf, { localKey: "shelf_id" }) });

  freshTables(Author, Post, Tag, PostTag, Shelf, Book);

  it("HasMany and BelongsTo load lazily on access", async () => {
    const ann = await Author.objects.create({ name: "Ann" });
    const bob = await Author.objects.create({ name: "Bob" });
    await Post.objects.create({ author_id: ann.id, title: "one" });
    await Post.objects.create({ author_id: bob.id, title: "two" });
    await Post.objects.create({ author_id: ann.id, title: "three" });
    const orphan = await Post.objects.create({ author_id: null, title: "orphan" });
    assert.deepEqual(
      (await ann.posts).map((p) => p.title),
      ["one", "three"],
    );
    assert.ok((await ann.posts).every((p) => p instanceof Post));
    const first = await Post.objects.require(1);
    const author = await first.author;
    assert.ok(author instanceof Author);
    assert.equal(author.name, "Ann");
    assert.equal(await orphan.author, null);
    await Post.objects.create({ author_id: ann.id, title: "four" });
    assert.equal((await ann.posts).length, 3, "each access runs a fresh query");
    assert.deepEqual(Object.keys(ann), ["id", "name"]);
    assert.deepEqual(ann.toJSON(), { id: 1, name: "Ann" });
  });

  it("HasManyThrough de-duplicates and skips deleted targets", async () => {
    const post = await Post.objects.create({ author_id: null, title: "p" });
    const red = await Tag.objects.create({ name: "red" });
    const blue = await Tag.objects.create({ name: "blue" });
    const gone = await Tag.objects.create({ name: "gone" });
    for (const tag of [blue, red, blue, gone])
      await PostTag.objects.create({ post_id: post.id as number, tag_id: tag.id as number });
    await gone.delete();
    assert.deepEqual(
      (await post.tags).map((t) => t.name),
      ["blue", "red"],
    );
    const other = await Post.objects.create({ author_id: null, title: "q" });
    assert.deepEqual(await other.tags, []);
  });

  it("relationships are read-only", async () => {
    const ann = await Author.objects.create({ name: "Ann" });
    assert.throws(() => {
      (ann as unknown as { posts: unknown }).posts = Promise.resolve([]);
    }, RelationshipError);
    const shelf = await Shelf.objects.create({ label: "s" });
    assert.throws(() => {
      (shelf as unknown as { books: unknown }).books = [];
    }, RelationshipError);
  });

  it("a key that is not a field of the model it names is a RelationshipError listing the fields", async () => {
    const ann = await Author.objects.create({ name: "Ann" });
    const error = await ann.broken.catch((e: unknown) => e);
    assert.ok(error instanceof RelationshipError);
    assert.match(error.message, /"writer"/);
    assert.match(error.message, /id, author_id, title/);
  });

  it("relate() declares relationships without decorators", async () => {
    const shelf = await Shelf.objects.create({ label: "fiction" });
    await Book.objects.create({ shelf_id: shelf.id, title: "Dune" });
    const loose = await Book.objects.create({ shelf_id: null, title: "Loose" });
    const books = await (shelf as unknown as { books: Promise<Array<{ title: string }>> }).books;
    assert.deepEqual(
      books.map((b) => b.title),
      ["Dune"],
    );
    const book = await Book.objects.require(1);
    const owner = await (book as unknown as { shelf: Promise<{ label: string } | null> }).shelf;
    assert.equal(owner?.label, "fiction");
    assert.equal(await (loose as unknown as { shelf: Promise<unknown> }).shelf, null);
    assert.throws(
      () => relate(Book, { title: HasMany(() => Shelf, { foreignKey: "id" }) }),
      RelationshipError,
    );
  });
});
