// Kysely on better-sqlite3: query builder, compiled per call. Include is Kysely's documented
// relation pattern: a JSON subquery (`jsonArrayFrom`) parsed by ParseJSONResultsPlugin.
import Database from "better-sqlite3";
import { Kysely, ParseJSONResultsPlugin, SqliteDialect } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/sqlite";
import type { Runner } from "../harness/ops.ts";

interface DB {
  users: { id: import("kysely").Generated<number>; name: string; email: string; age: number };
  posts: { id: import("kysely").Generated<number>; user_id: number; title: string };
}

export default function create(file: string): Runner {
  let db: Kysely<DB>;
  const json = new ParseJSONResultsPlugin();
  return {
    name: "Kysely",
    packages: ["kysely", "better-sqlite3"],
    open() {
      const sqlite = new Database(file);
      sqlite.pragma("journal_mode = WAL");
      sqlite.pragma("synchronous = NORMAL");
      db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
    },
    get: (id) => db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst(),
    filter: (age) => db.selectFrom("users").selectAll().where("age", "=", age).execute(),
    count: async (age) => {
      const row = await db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("age", "=", age)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    insert: async (u) => (await db.insertInto("users").values(u).executeTakeFirstOrThrow()).insertId,
    update: (id, name) => db.updateTable("users").set({ name }).where("id", "=", id).execute(),
    bulk: (rows) => db.transaction().execute((trx) => trx.insertInto("users").values(rows).execute()),
    async lazy(age) {
      const parents = await db.selectFrom("users").selectAll().where("age", "=", age).execute();
      const out = [];
      for (const user of parents) {
        out.push({
          user,
          posts: await db.selectFrom("posts").selectAll().where("user_id", "=", user.id).execute(),
        });
      }
      return out;
    },
    include: (age) =>
      db
        .withPlugin(json)
        .selectFrom("users")
        .selectAll("users")
        .select((eb) =>
          jsonArrayFrom(
            eb
              .selectFrom("posts")
              .select(["posts.id", "posts.user_id", "posts.title"])
              .whereRef("posts.user_id", "=", "users.id"),
          ).as("posts"),
        )
        .where("age", "=", age)
        .execute(),
    close: () => db.destroy(),
  };
}
