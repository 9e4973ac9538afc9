// Kysely on node-postgres. Include is Kysely's relation helper `jsonArrayFrom` (a json_agg subquery).
import { type Generated, Kysely, PostgresDialect } from "kysely";
import { jsonArrayFrom } from "kysely/helpers/postgres";
import pg from "pg";
import type { Runner } from "../harness/ops.ts";
import { PG_SCHEMA } from "../harness/paths.ts";

interface DB {
  users: { id: Generated<number>; name: string; email: string; age: number };
  posts: { id: Generated<number>; user_id: number; title: string };
}

export default function create(url: string): Runner {
  let db: Kysely<DB>;
  return {
    name: "Kysely",
    packages: ["kysely", "pg"],
    open() {
      const pool = new pg.Pool({ connectionString: url, max: 10 });
      db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }).withSchema(PG_SCHEMA);
    },
    get: (id) => db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst(),
    filter: (age) => db.selectFrom("users").selectAll().where("age", "=", age).execute(),
    count: async (age) => {
      const row = await db
        .selectFrom("users")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("age", "=", age)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    insert: async (u) =>
      (await db.insertInto("users").values(u).returning("id").executeTakeFirstOrThrow()).id,
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
