// The studio's JSON API on every database (SQLite file, PostgreSQL, MariaDB): model list with
// counts, keyset pages with sorting and criteria, a record with its relationships, create / edit /
// delete through the manager (validation issues per field, unique conflicts, a foreign key refusing
// a delete, hashing), all over real HTTP on loopback. The page itself is tested in chromium
// (browser.test.ts); this is the same API it calls.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { BelongsTo, databaseRegistry, HasMany, Model } from "../../src/db/index.js";
import { adminRoutes } from "../../src/studio/index.js";
import { http, listen } from "../fastify/_http.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const TOKEN = "studio-test-token-0123456789";
const auth = { "x-registers-studio-token": TOKEN };
const write = { ...auth, "x-registers-studio": "1" };

eachDatabase("studio API", { only: ["sqlite-file", "postgres", "mysql"] }, (target) => {
  class Author extends Model({
    id: z.int().nullable().default(null),
    name: z.string().min(1).max(100),
    email: z.string().max(200),
    password: z.string().min(8).max(200),
    active: z.boolean().default(true),
    joined: z.date(),
    profile: z.object({ bio: z.string().optional() }).default({}),
    role: z.enum(["admin", "writer"]).default("writer"),
  }) {
    @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
  }
  databaseRegistry(target.url, {
    tableName: "studio_authors",
    uniqueFields: ["email"],
    hashedFields: ["password"],
  })(Author);
  class Post extends Model({
    id: z.int().nullable().default(null),
    author_id: z.int(),
    title: z.string().min(1).max(200),
    published: z.date().nullable().default(null),
  }) {
    @BelongsTo(() => Author, { localKey: "author_id", onDelete: "restrict" })
    accessor author!: Promise<Author | null>;
  }
  databaseRegistry(target.url, { tableName: "studio_posts" })(Post);
  freshTables(Author, Post);

  let app: FastifyInstance;
  let base: string;
  before(async () => {
    app = Fastify();
    await app.register(adminRoutes([Author, Post], { prefix: "/studio", token: TOKEN }));
    base = `${await listen(app)}/studio/api`;
  });
  after(() => app.close());

  async function seed() {
    const authors = [];
    for (let i = 0; i < 5; i++) {
      authors.push(
        await Author.objects.create({
          name: `Author ${i}`,
          email: `a${i}@example.com`,
          password: `password-${i}-long`,
          active: i % 2 === 0,
          joined: new Date(Date.UTC(2024, 0, 1 + i)),
          role: i === 0 ? "admin" : "writer",
        }),
      );
    }
    for (let i = 0; i < 3; i++)
      await Post.objects.create({ author_id: authors[1].id as number, title: `Post ${i}` });
    return authors;
  }

  it("lists the models with counts, field types and relationships", async () => {
    await seed();
    const r = await http(base, "GET", "/models", undefined, auth);
    assert.equal(r.status, 200);
    const [author, post] = r.json.models;
    assert.equal(author.count, 5);
    assert.equal(post.count, 3);
    const input = (model: { fields: { name: string; input: string }[] }, name: string) =>
      model.fields.find((f) => f.name === name)?.input;
    assert.equal(input(author, "active"), "checkbox");
    assert.equal(input(author, "joined"), "datetime");
    assert.equal(input(author, "profile"), "json");
    assert.equal(input(author, "role"), "select");
    assert.equal(input(author, "password"), "password");
    assert.deepEqual(author.relations, [
      { name: "posts", kind: "hasMany", target: "Post", foreignField: "author_id", targetField: "id" },
    ]);
    assert.deepEqual(post.relations, [
      { name: "author", kind: "belongsTo", target: "Author", localField: "author_id", targetField: "id" },
    ]);
    assert.equal(
      post.fields.find((f: { name: string }) => f.name === "published").sortable,
      false,
      "nullable: page() cannot order by it",
    );
  });

  it("pages with a sort, criteria and cursors, and never sends a hash", async () => {
    await seed();
    const where = encodeURIComponent(
      JSON.stringify({ joined: { gte: "2024-01-02T00:00:00.000Z" }, role: { in: ["writer"] } }),
    );
    const first = await http(
      base,
      "GET",
      `/models/Author/rows?limit=3&orderBy=-joined&where=${where}`,
      undefined,
      auth,
    );
    assert.equal(first.status, 200, first.text);
    assert.equal(first.json.count, 4);
    assert.deepEqual(
      first.json.items.map((a: { name: string }) => a.name),
      ["Author 4", "Author 3", "Author 2"],
    );
    assert.equal(first.json.items[0].joined, "2024-01-05T00:00:00.000Z");
    assert.ok(!first.text.includes("password") && !first.text.includes("$scrypt"));
    const next = await http(
      base,
      "GET",
      `/models/Author/rows?limit=3&orderBy=-joined&where=${where}&after=${encodeURIComponent(first.json.nextCursor)}`,
      undefined,
      auth,
    );
    assert.deepEqual(
      next.json.items.map((a: { name: string }) => a.name),
      ["Author 1"],
    );
    assert.equal(next.json.nextCursor, null);
    const bad = await http(base, "GET", "/models/Author/rows?orderBy=password", undefined, auth);
    assert.equal(bad.status, 400);
    const probe = await http(
      base,
      "GET",
      `/models/Author/rows?where=${encodeURIComponent('{"password":{"startsWith":"$"}}')}`,
      undefined,
      auth,
    );
    assert.equal(probe.status, 400, "a hash cannot be probed through criteria");
  });

  it("shows a record with its relationships", async () => {
    const authors = await seed();
    const post = await http(base, "GET", "/models/Post/rows/1", undefined, auth);
    assert.equal(post.status, 200);
    assert.equal(post.json.related[0].value, authors[1].id);
    const author = await http(base, "GET", `/models/Author/rows/${authors[1].id}`, undefined, auth);
    assert.equal(author.json.related[0].count, 3);
    assert.equal(author.json.record.profile && typeof author.json.record.profile, "object");
    assert.equal((await http(base, "GET", "/models/Author/rows/999", undefined, auth)).status, 404);
    assert.equal((await http(base, "GET", "/models/Nope/rows", undefined, auth)).status, 404);
  });

  it("creates through the manager: issues per field, unique conflicts, hashing", async () => {
    await seed();
    const invalid = await http(
      base,
      "POST",
      "/models/Author/rows",
      { name: "", email: "x@example.com", password: "short", joined: "2024-05-01T00:00:00.000Z" },
      write,
    );
    assert.equal(invalid.status, 400);
    const paths = invalid.json.issues.map((i: { path: string }) => i.path).sort();
    assert.deepEqual(paths, ["name", "password"]);
    const taken = await http(
      base,
      "POST",
      "/models/Author/rows",
      { name: "Dup", email: "a0@example.com", password: "long-enough-1", joined: "2024-05-01T00:00:00.000Z" },
      write,
    );
    assert.equal(taken.status, 409);
    assert.deepEqual(taken.json.fields, ["email"]);
    const created = await http(
      base,
      "POST",
      "/models/Author/rows",
      {
        name: "New",
        email: "new@example.com",
        password: "long-enough-1",
        active: false,
        joined: "2024-05-01T10:20:30.123Z",
        profile: { bio: "hi" },
        role: "admin",
      },
      write,
    );
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.record.password, undefined);
    const stored = await Author.objects.require(created.json.record.id);
    assert.equal(stored.joined.toISOString(), "2024-05-01T10:20:30.123Z");
    assert.deepEqual(stored.profile, { bio: "hi" });
    assert.equal(stored.active, false);
    assert.match(stored.toJSON({ includeHidden: true }).password as string, /^\$scrypt\$/);
    const hash = stored.toJSON({ includeHidden: true }).password;
    const smuggled = await http(
      base,
      "POST",
      "/models/Author/rows",
      { name: "H", email: "h@example.com", password: hash, joined: "2024-05-01T00:00:00.000Z" },
      write,
    );
    assert.equal(smuggled.status, 400);
  });

  it("edits changed fields, sets a password, and refuses a changed key", async () => {
    const [ann] = await seed();
    const edited = await http(
      base,
      "PATCH",
      `/models/Author/rows/${ann.id}`,
      { name: "Ann", profile: { bio: "edited" } },
      write,
    );
    assert.equal(edited.status, 200, edited.text);
    assert.equal((await Author.objects.require(ann.id as number)).name, "Ann");
    const bad = await http(base, "PATCH", `/models/Author/rows/${ann.id}`, { role: "owner" }, write);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.issues[0].path, "role");
    const hidden = await http(
      base,
      "PATCH",
      `/models/Author/rows/${ann.id}`,
      { password: "new-password-1" },
      write,
    );
    assert.equal(hidden.status, 400, "a hashed field changes only through its own action");
    const key = await http(base, "PATCH", `/models/Author/rows/${ann.id}`, { id: 77 }, write);
    assert.equal(key.status, 400);
    const secret = await http(
      base,
      "PUT",
      `/models/Author/rows/${ann.id}/secrets/password`,
      { value: "brand-new-password" },
      write,
    );
    assert.equal(secret.status, 200, secret.text);
    const { verifyPassword } = await import("../../src/db/index.js");
    const stored = (await Author.objects.require(ann.id as number)).toJSON({ includeHidden: true })
      .password as string;
    assert.equal(await verifyPassword("brand-new-password", stored), true);
    const notHashed = await http(
      base,
      "PUT",
      `/models/Author/rows/${ann.id}/secrets/name`,
      { value: "x" },
      write,
    );
    assert.equal(notHashed.status, 400);
  });

  it("deletes through the manager; a foreign key refusing it is a 409 message", async () => {
    const authors = await seed();
    const refused = await http(base, "DELETE", `/models/Author/rows/${authors[1].id}`, undefined, write);
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.code, "REGISTERS_FOREIGN_KEY");
    assert.match(refused.json.message, /other records refer to this one/);
    assert.ok(await Author.objects.get(authors[1].id as number));
    assert.equal(
      (await http(base, "DELETE", `/models/Author/rows/${authors[0].id}`, undefined, write)).status,
      204,
    );
    assert.equal(await Author.objects.get(authors[0].id as number), null);
  });
});
