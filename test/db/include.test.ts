import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import { loadRelations } from "../../src/db/eager.js";
import {
  BelongsTo,
  databaseRegistry,
  HasMany,
  HasManyThrough,
  type ManagerOf,
  Model,
  type QueryEvent,
  type Relation,
  RelationshipError,
  relate,
} from "../../src/db/index.js";
import { relationsOf } from "../../src/db/relations.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const json = (rows: readonly { toJSON(): Record<string, unknown> }[]) => rows.map((r) => r.toJSON());

eachDatabase("include", (target) => {
  @databaseRegistry(target.url, { tableName: "inc_authors" })
  class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
  }

  @databaseRegistry(target.url, { tableName: "inc_posts" })
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

  @databaseRegistry(target.url, { tableName: "inc_tags" })
  class Tag extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Tag>;
  }

  @databaseRegistry(target.url, { tableName: "inc_post_tags" })
  class PostTag extends Model({
    id: z.int().nullable().default(null),
    post_id: z.int(),
    tag_id: z.int(),
  }) {
    declare static readonly objects: ManagerOf<typeof PostTag>;
  }

  // JavaScript style: relate() instead of decorators.
  const Shelf = databaseRegistry(target.url, { tableName: "inc_shelves" })(
    class Shelf extends Model({ id: z.int().nullable().default(null), label: z.string() }) {},
  );
  const Book = databaseRegistry(target.url, { tableName: "inc_books" })(
    class Book extends Model({
      id: z.int().nullable().default(null),
      shelf_id: z.int().nullable(),
      title: z.string(),
    }) {},
  );
  relate(Shelf, { books: HasMany(() => Book, { foreignKey: "shelf_id" }) });
  relate(Book, { shelf: BelongsTo(() => Shelf, { localKey: "shelf_id" }) });
  // A hand-written relation (no loadMany): eager loading falls back to one load() per owner.
  const tagline: Relation<string> = {
    kind: "belongsTo",
    load: async (owner) => `shelf ${(owner as unknown as { label: string }).label}`,
  };
  relate(Shelf, { tagline });
  type ShelfRow = InstanceType<typeof Shelf> & {
    readonly books: Promise<InstanceType<typeof Book>[]>;
    readonly tagline: Promise<string>;
  };
  type BookRow = InstanceType<typeof Book> & { readonly shelf: Promise<InstanceType<typeof Shelf> | null> };

  const models = [Author, Post, Tag, PostTag, Shelf, Book];

  freshTables(...models);

  /** Records the SQL of every statement run on the database until `stop()`. */
  function record(): { readonly events: QueryEvent[]; stop(): void } {
    const events: QueryEvent[] = [];
    const stop = Author.objects.onQuery((event) => events.push(event));
    return { events, stop };
  }

  /** 100 authors x 10 posts; every post gets 3 tag links (one repeated, some to a deleted tag). */
  async function seed(): Promise<void> {
    const authors = await Author.objects.bulkCreate(
      Array.from({ length: 100 }, (_, i) => ({ name: `author ${i}` })),
    );
    const posts = await Post.objects.bulkCreate(
      authors.flatMap((a, i) =>
        Array.from({ length: 10 }, (_, j) => ({ author_id: a.id, title: `post ${i}.${j}` })),
      ),
    );
    const tags = await Tag.objects.bulkCreate(Array.from({ length: 20 }, (_, i) => ({ name: `tag ${i}` })));
    await PostTag.objects.bulkCreate(
      posts.flatMap((p, i) => [
        { post_id: p.id as number, tag_id: tags[(i * 7) % 20].id as number },
        { post_id: p.id as number, tag_id: tags[(i * 3) % 20].id as number },
        { post_id: p.id as number, tag_id: tags[(i * 7) % 20].id as number },
      ]),
    );
    await tags[5].delete();
    // Posts without an author, and one whose author is gone.
    await Post.objects.create({ author_id: null, title: "orphan" });
    const gone = await Author.objects.create({ name: "gone" });
    await Post.objects.create({ author_id: gone.id, title: "dangling" });
    await gone.delete();
    // Touch every model so one-time setup statements are not counted below.
    for (const model of models) await model.objects.count();
  }

  it("include: ['posts'] loads 100 authors x 10 posts in 2 statements, then reads issue none", async () => {
    await seed();
    const log = record();
    const authors = await Author.objects.filter({}, { include: ["posts"] });
    assert.equal(log.events.length, 2, log.events.map((e) => e.sql).join("\n"));
    assert.equal(authors.length, 100);
    for (const author of authors) {
      const posts = await author.posts;
      assert.equal(posts.length, 10);
      assert.ok(posts.every((p) => p instanceof Post && p.author_id === author.id));
    }
    assert.equal(log.events.length, 2, "reading preloaded relations runs no statement");
    log.stop();
  });

  it("batched results equal lazy loading (HasMany, BelongsTo, HasManyThrough)", async () => {
    await seed();
    const authors = await Author.objects.all({ include: ["posts"], orderBy: "id" });
    for (const author of authors) {
      const lazy = await (await Author.objects.require(author.id as number)).posts;
      assert.deepEqual(json(await author.posts), json(lazy));
    }
    const posts = await Post.objects.all({ include: ["author", "tags"], orderBy: "id" });
    assert.equal(posts.length, 1002);
    let withTags = 0;
    for (const post of posts.slice(0, 60).concat(posts.slice(-2))) {
      const fresh = await Post.objects.require(post.id as number);
      const author = await post.author;
      const lazyAuthor = await fresh.author;
      assert.deepEqual(author?.toJSON() ?? null, lazyAuthor?.toJSON() ?? null);
      const tags = await post.tags;
      assert.deepEqual(json(tags), json(await fresh.tags));
      if (tags.length > 0) withTags++;
    }
    assert.ok(withTags > 50);
    const [orphan, dangling] = posts.slice(-2);
    assert.equal(await orphan.author, null);
    assert.equal(await dangling.author, null);
    assert.deepEqual(await orphan.tags, []);
  });

  it("nested include 'posts.tags' issues a constant number of statements", async () => {
    await seed();
    const log = record();
    const authors = await Author.objects.filter({}, { include: ["posts", "posts.tags"] });
    // authors, posts, join rows, tags
    assert.equal(log.events.length, 4, log.events.map((e) => e.sql).join("\n"));
    let tagged = 0;
    for (const author of authors) {
      for (const post of await author.posts) tagged += (await post.tags).length;
    }
    assert.equal(log.events.length, 4, "reading nested preloaded relations runs no statement");
    assert.ok(tagged > 1000);
    // "posts.tags" alone loads posts too (once).
    log.events.length = 0;
    const again = await Author.objects.filter({ id: { lte: 10 } }, { include: ["posts.tags"] });
    assert.equal(log.events.length, 4);
    const first = (await again[0].posts)[0];
    const lazy = await (await Post.objects.require(first.id as number)).tags;
    assert.deepEqual(json(await first.tags), json(lazy));
    log.stop();
  });

  it("BelongsTo include: one statement for any number of rows, null for missing targets", async () => {
    await seed();
    const log = record();
    const posts = await Post.objects.all({ include: ["author"] });
    assert.equal(log.events.length, 2);
    const names = new Set<string>();
    let nulls = 0;
    for (const post of posts) {
      const author = await post.author;
      if (author === null) nulls++;
      else {
        assert.equal(author.id, post.author_id);
        names.add(author.name);
      }
    }
    assert.equal(log.events.length, 2);
    assert.equal(nulls, 2);
    assert.equal(names.size, 100);
    log.stop();
  });

  it("prefetch loads relations for rows already loaded and returns the same rows", async () => {
    await seed();
    const authors = await Author.objects.filter({ id: { lte: 5 } });
    const log = record();
    const out = await Author.objects.prefetch(authors, "posts", "posts.author");
    assert.equal(out, authors);
    assert.equal(log.events.length, 2, "posts, then their authors");
    for (const author of authors) {
      for (const post of await author.posts) assert.equal((await post.author)?.id, author.id);
    }
    assert.equal(log.events.length, 2);
    // A later prefetch replaces the stored value.
    await Post.objects.create({ author_id: authors[0].id, title: "new" });
    assert.equal((await authors[0].posts).length, 10, "still the preloaded value");
    await Author.objects.prefetch(authors, "posts");
    assert.equal((await authors[0].posts).length, 11);
    log.stop();
  });

  it("each read of a preloaded list returns a fresh array", async () => {
    await seed();
    const [author] = await Author.objects.filter({ id: 1 }, { include: ["posts"] });
    const posts = await author.posts;
    posts.length = 0;
    assert.equal((await author.posts).length, 10);
  });

  it("relate() relationships (JavaScript style) load eagerly too", async () => {
    const shelves = await Shelf.objects.bulkCreate([{ label: "a" }, { label: "b" }, { label: "c" }]);
    await Book.objects.bulkCreate([
      { shelf_id: shelves[0].id, title: "1" },
      { shelf_id: shelves[1].id, title: "2" },
      { shelf_id: shelves[0].id, title: "3" },
      { shelf_id: null, title: "4" },
    ]);
    for (const model of models) await model.objects.count();
    const log = record();
    const loaded = (await Shelf.objects.all({ include: ["books"], orderBy: "id" })) as ShelfRow[];
    const books = (await Book.objects.all({ include: ["shelf"], orderBy: "id" })) as BookRow[];
    assert.equal(log.events.length, 4);
    assert.deepEqual(
      (await loaded[0].books).map((b) => b.title),
      ["1", "3"],
    );
    assert.deepEqual(await loaded[2].books, []);
    assert.equal((await books[1].shelf)?.label, "b");
    assert.equal(await books[3].shelf, null);
    assert.equal(log.events.length, 4);
    await Shelf.objects.prefetch(loaded, "tagline");
    assert.equal(await loaded[1].tagline, "shelf b");
    log.stop();
  });

  it("an unknown relationship is a RelationshipError naming those that exist, before any query", async () => {
    await seed();
    await assert.rejects(Author.objects.filter({}, { include: ["postz"] as never[] }), (error) => {
      assert.ok(error instanceof RelationshipError);
      assert.match(error.message, /"postz"/);
      assert.match(error.message, /posts/);
      return true;
    });
    const authors = await Author.objects.filter({ id: { lte: 3 } });
    const log = record();
    await assert.rejects(loadRelations(Author, authors, ["posts", "posts.tagz"]), (error) => {
      assert.ok(error instanceof RelationshipError);
      assert.match(error.message, /Post has no relationship "tagz" \(in "posts\.tagz"\)/);
      assert.match(error.message, /author, tags/);
      return true;
    });
    await assert.rejects(Author.objects.prefetch(authors, "posts."), RelationshipError);
    await assert.rejects(Tag.objects.prefetch(await Tag.objects.all(), "posts"), /declares no relationships/);
    assert.equal(log.events.length, 1, "only Tag.objects.all() ran");
    log.stop();
  });

  it("relationships are found by name on subclasses (inherited accessors)", () => {
    class Special extends Author {}
    assert.deepEqual([...relationsOf(Special).keys()], ["posts"]);
    assert.deepEqual([...relationsOf(Post).keys()].sort(), ["author", "tags"]);
    assert.deepEqual([...relationsOf(Shelf).keys()], ["books", "tagline"]);
    assert.equal(relationsOf(Tag).size, 0);
  });

  it("more than 10,000 keys are split into chunks", async () => {
    await seed();
    const owners = Array.from({ length: 10_050 }, (_, i) => new Author({ id: i + 1, name: `x${i}` }));
    const log = record();
    await loadRelations(Author, owners, ["posts"]);
    assert.equal(log.events.length, 2);
    assert.ok(log.events.every((e) => e.params.length <= 10_000));
    assert.equal((await owners[0].posts).length, 10);
    assert.deepEqual(await owners[10_049].posts, []);
    assert.equal(log.events.length, 2);
    log.stop();
  });

  it("unsaved owners (null keys) get [] / null without a query", async () => {
    await seed();
    const draft = new Author({ name: "draft" });
    const post = new Post({ author_id: null, title: "draft" });
    const log = record();
    await loadRelations(Author, [draft], ["posts"]);
    await loadRelations(Post, [post], ["author", "tags"]);
    assert.equal(log.events.length, 0);
    assert.deepEqual(await draft.posts, []);
    assert.equal(await post.author, null);
    assert.deepEqual(await post.tags, []);
    log.stop();
  });

  it("include inside a transaction runs on the transaction's connection", async () => {
    await seed();
    await Author.objects.transaction(async () => {
      await Post.objects.create({ author_id: 1, title: "in tx" });
      const [author] = await Author.objects.filter({ id: 1 }, { include: ["posts"] });
      assert.equal((await author.posts).length, 11);
    });
  });
});
