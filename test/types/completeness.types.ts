// Type-level tests of issue 19's query forms: raw SQL templates (a plain string is a compile-time
// error), `between`, grouped aggregates (typed rows), relationship filters typed by the related
// model, getOrCreate / updateOrCreate and registers/db/testing. Compiled by `tsc -p tsconfig.json`
// (part of `npm test`); nothing here runs.
import { z } from "zod";
import {
  type AggregateRow,
  BelongsTo,
  type Database,
  database,
  databaseRegistry,
  type GetOrCreateResult,
  HasMany,
  type ManagerOf,
  Model,
  type SqlFragment,
  sql,
} from "../../src/db/index.js";
import {
  expectQueries,
  type IsolatedDatabase,
  isolatedDatabase,
  withRollback,
} from "../../src/db/testing.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry(":memory:", { tableName: "c_authors", uniqueFields: ["email"] })
class Author extends Model({
  id: z.int().nullable().default(null),
  name: z.string(),
  email: z.string(),
  age: z.int().nullable().default(null),
  joined: z.date(),
  role: z.enum(["admin", "member"]).nullable(),
  big: z.bigint(),
  meta: z.record(z.string(), z.string()),
}) {
  declare static readonly objects: ManagerOf<typeof Author>;
  @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
}

@databaseRegistry(":memory:", { tableName: "c_posts" })
class Post extends Model({
  id: z.int().nullable().default(null),
  author_id: z.int().nullable(),
  published: z.boolean(),
  score: z.number(),
}) {
  declare static readonly objects: ManagerOf<typeof Post>;
  @BelongsTo(() => Author, { localKey: "author_id" }) accessor author!: Promise<Author | null>;
}

async function rawChecks() {
  const n = 18;
  const authors = await Author.objects.raw`SELECT * FROM ${sql.id("c_authors")} WHERE age > ${n}`;
  expectType<Equal<typeof authors, Author[]>>(true);
  const fragment: SqlFragment = sql`age > ${n} AND joined < ${new Date()} AND big = ${1n} AND ${sql.id("x")} IN (${sql.join([1, 2])})`;
  await Author.objects.raw(sql`SELECT * FROM c_authors WHERE ${fragment}`);
  const db: Database = database(Author);
  const rows = await db.query`SELECT 1 AS one`;
  expectType<Equal<typeof rows, Record<string, unknown>[]>>(true);
  const typed = await db.query<{ one: number }>`SELECT 1 AS one`;
  expectType<Equal<typeof typed, { one: number }[]>>(true);
  const { changes } = await database("app.db").execute`DELETE FROM ${sql.id("c_posts")}`;
  expectType<Equal<typeof changes, number>>(true);

  const userInput = "1; DROP TABLE c_authors";
  // @ts-expect-error a plain string is not a template: values would become SQL text
  await Author.objects.raw(`SELECT * FROM c_authors WHERE id = ${userInput}`);
  // @ts-expect-error the same for plain rows
  await db.query(`SELECT * FROM c_authors WHERE id = ${userInput}`);
  // @ts-expect-error and for statements returning nothing
  await db.execute("DELETE FROM c_authors");
  // @ts-expect-error an object cannot be a parameter (bind JSON as text)
  await db.query`SELECT ${{ a: 1 }}`;
  // @ts-expect-error sql.id takes names only
  sql.id(1);
}
void rawChecks;

async function betweenChecks() {
  await Author.objects.filter({ age: { between: [18, 65] }, joined: { between: [new Date(0), new Date()] } });
  await Author.objects.count({ name: { between: ["a", "m"] }, or: [{ age: { between: [1, 2] } }] });
  // @ts-expect-error between takes two bounds
  await Author.objects.filter({ age: { between: [18] } });
  // @ts-expect-error bounds have the field's type
  await Author.objects.filter({ name: { between: ["a", 1] } });
}
void betweenChecks;

async function aggregateChecks() {
  const byRole = await Author.objects.countBy("role");
  expectType<Equal<typeof byRole, { role: "admin" | "member" | null; count: number }[]>>(true);
  const rows = await Author.objects.aggregate({
    by: ["role"],
    count: true,
    sum: ["age", "big"],
    avg: "age",
    min: "joined",
    countDistinct: "email",
    where: { age: { gte: 18 } },
  });
  expectType<
    Equal<
      (typeof rows)[number],
      {
        role: "admin" | "member" | null;
        count: number;
        countDistinct: { email: number };
        sum: { age: number | null; big: bigint | null };
        avg: { age: number | null };
        min: { joined: Date | null };
      }
    >
  >(true);
  const total = await Author.objects.aggregate({ max: "age" });
  expectType<Equal<(typeof total)[number], { max: { age: number | null } }>>(true);
  type R = AggregateRow<{ role: string; amount: number }, { by: ["role"]; count: true; sum: "amount" }>;
  expectType<Equal<R, { role: string; count: number; sum: { amount: number | null } }>>(true);
  const distinct: number = await Author.objects.countDistinct("email", { age: null });
  void distinct;

  // @ts-expect-error sum takes numeric fields
  await Author.objects.aggregate({ sum: "name" });
  // @ts-expect-error by takes fields of the model
  await Author.objects.aggregate({ by: ["nope"], count: true });
  // @ts-expect-error a JSON field cannot group
  await Author.objects.countBy("meta");
  // @ts-expect-error min / max take comparable fields, not JSON
  await Author.objects.aggregate({ min: "meta" });
}
void aggregateChecks;

async function relationFilterChecks() {
  await Author.objects.filter({ posts: { some: { published: true } } });
  await Author.objects.count({ posts: { none: { score: { gt: 3 } }, every: { published: true } } });
  await Author.objects.filter({ or: [{ posts: { some: {} } }, { name: "x" }], not: { posts: { none: {} } } });
  await Post.objects.filter({
    author: { some: { name: { startsWith: "A" }, posts: { some: { published: false } } } },
  });
  await Post.objects.updateWhere({ author: { some: { role: "admin" } } }, { published: false });
  // @ts-expect-error criteria of the related model: Post has no "name"
  await Author.objects.filter({ posts: { some: { name: "x" } } });
  // @ts-expect-error the modes are some, none and every
  await Author.objects.filter({ posts: { any: {} } });
  // @ts-expect-error values typed by the related model's fields
  await Author.objects.filter({ posts: { some: { published: "yes" } } });
}
void relationFilterChecks;

async function getOrCreateChecks() {
  const result = await Author.objects.getOrCreate(
    { email: "a@x" },
    { name: "A", joined: new Date(), big: 1n, meta: {} },
  );
  expectType<Equal<typeof result, GetOrCreateResult<Author>>>(true);
  expectType<Equal<typeof result.created, boolean>>(true);
  const updated = await Author.objects.updateOrCreate({ email: "a@x" }, { age: 3 });
  expectType<Equal<typeof updated.instance, Author>>(true);
  // @ts-expect-error criteria values are typed by the field
  await Author.objects.getOrCreate({ email: 1 });
  // @ts-expect-error unknown field in the values
  await Author.objects.updateOrCreate({ email: "a@x" }, { nope: 1 });
}
void getOrCreateChecks;

async function testingChecks() {
  const name = await withRollback(
    Author,
    async () =>
      (
        await Author.objects.create({
          name: "A",
          email: "e",
          joined: new Date(),
          role: null,
          big: 1n,
          meta: {},
        })
      ).name,
  );
  expectType<Equal<typeof name, string>>(true);
  const posts = await expectQueries(Post, 1, () => Post.objects.all());
  expectType<Equal<typeof posts, Post[]>>(true);
  await expectQueries("app.db", { atMost: 2 }, () => undefined, { all: true });
  const db: IsolatedDatabase = await isolatedDatabase({ baseUrl: "postgres://localhost/app" });
  await db.dispose();
  // @ts-expect-error expected is a count or { atMost }
  await expectQueries(Post, "1", () => undefined);
}
void testingChecks;
