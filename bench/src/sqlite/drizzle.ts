// Drizzle ORM, its ordinary query API: each call builds its query (select builder; the relational
// query API `db.query.users.findMany({ with })` for include).
import Database from "better-sqlite3";
import { count, eq } from "drizzle-orm";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import type { Runner } from "../harness/ops.ts";
import { posts, schema, users } from "./drizzle-schema.ts";

export default function create(file: string): Runner {
  let sqlite: Database.Database;
  let db: BetterSQLite3Database<typeof schema>;
  return {
    name: "Drizzle query API",
    packages: ["drizzle-orm", "better-sqlite3"],
    open() {
      sqlite = new Database(file);
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
      db = drizzle({ client: sqlite, schema });
    },
    get: (id) => db.select().from(users).where(eq(users.id, id)).get() ?? null,
    filter: (age) => db.select().from(users).where(eq(users.age, age)).all(),
    count: (age) => db.select({ n: count() }).from(users).where(eq(users.age, age)).get()!.n,
    insert: (u) => db.insert(users).values(u).run().lastInsertRowid,
    update: (id, name) => db.update(users).set({ name }).where(eq(users.id, id)).run(),
    bulk: (rows) => db.transaction((tx) => void tx.insert(users).values(rows).run()),
    lazy(age) {
      const parents = db.select().from(users).where(eq(users.age, age)).all();
      return parents.map((user) => ({
        user,
        posts: db.select().from(posts).where(eq(posts.userId, user.id)).all(),
      }));
    },
    include: (age) => db.query.users.findMany({ where: eq(users.age, age), with: { posts: true } }),
    close: () => sqlite.close(),
  };
}
