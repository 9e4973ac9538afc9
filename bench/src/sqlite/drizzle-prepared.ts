// Drizzle ORM with every query built once and `.prepare()`d, called with placeholders.
import Database from "better-sqlite3";
import { count, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/better-sqlite3";
import type { Runner } from "../harness/ops.ts";
import { posts, schema, users } from "./drizzle-schema.ts";

export default function create(file: string): Runner {
  let sqlite: Database.Database;
  let q: ReturnType<typeof prepare>;
  let db: ReturnType<typeof drizzle<typeof schema>>;
  const prepare = (db: ReturnType<typeof drizzle<typeof schema>>) => ({
    get: db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .prepare(),
    filter: db
      .select()
      .from(users)
      .where(eq(users.age, sql.placeholder("age")))
      .prepare(),
    count: db
      .select({ n: count() })
      .from(users)
      .where(eq(users.age, sql.placeholder("age")))
      .prepare(),
    insert: db
      .insert(users)
      .values({ name: sql.placeholder("name"), email: sql.placeholder("email"), age: sql.placeholder("age") })
      .prepare(),
    update: db
      .update(users)
      .set({ name: sql.placeholder("name") as any })
      .where(eq(users.id, sql.placeholder("id")))
      .prepare(),
    posts: db
      .select()
      .from(posts)
      .where(eq(posts.userId, sql.placeholder("userId")))
      .prepare(),
    include: db.query.users
      .findMany({ where: eq(users.age, sql.placeholder("age")), with: { posts: true } })
      .prepare(),
  });
  return {
    name: "Drizzle .prepare()",
    packages: ["drizzle-orm", "better-sqlite3"],
    open() {
      sqlite = new Database(file);
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
      db = drizzle({ client: sqlite, schema });
      q = prepare(db);
    },
    get: (id) => q.get.get({ id }) ?? null,
    filter: (age) => q.filter.all({ age }),
    count: (age) => q.count.get({ age })!.n,
    insert: (u) => q.insert.run(u).lastInsertRowid,
    update: (id, name) => q.update.run({ id, name }),
    // a prepared statement per row inside one transaction: the prepared counterpart of the raw loop
    bulk: (rows) =>
      db.transaction(() => {
        for (const u of rows) q.insert.run(u);
      }),
    lazy(age) {
      const parents = q.filter.all({ age });
      return parents.map((user) => ({ user, posts: q.posts.all({ userId: user.id }) }));
    },
    include: (age) => q.include.all({ age }),
    close: () => sqlite.close(),
  };
}
