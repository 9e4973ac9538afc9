// Drizzle ORM on node-postgres, every query built once and `.prepare(name)`d (named statements).
import { count, eq, sql } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Runner } from "../harness/ops.ts";
import { posts, schema, users } from "./drizzle-schema.ts";

function prepare(db: NodePgDatabase<typeof schema>) {
  return {
    get: db
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .prepare("d_get"),
    filter: db
      .select()
      .from(users)
      .where(eq(users.age, sql.placeholder("age")))
      .prepare("d_filter"),
    count: db
      .select({ n: count() })
      .from(users)
      .where(eq(users.age, sql.placeholder("age")))
      .prepare("d_count"),
    insert: db
      .insert(users)
      .values({ name: sql.placeholder("name"), email: sql.placeholder("email"), age: sql.placeholder("age") })
      .returning({ id: users.id })
      .prepare("d_insert"),
    update: db
      .update(users)
      .set({ name: sql.placeholder("name") as any })
      .where(eq(users.id, sql.placeholder("id")))
      .prepare("d_update"),
    posts: db
      .select()
      .from(posts)
      .where(eq(posts.userId, sql.placeholder("userId")))
      .prepare("d_posts"),
    include: db.query.users
      .findMany({ where: eq(users.age, sql.placeholder("age")), with: { posts: true } })
      .prepare("d_include"),
  };
}

export default function create(url: string): Runner {
  let pool: pg.Pool;
  let db: NodePgDatabase<typeof schema>;
  let q: ReturnType<typeof prepare>;
  return {
    name: "Drizzle .prepare()",
    packages: ["drizzle-orm", "pg"],
    open() {
      pool = new pg.Pool({ connectionString: url, max: 10 });
      db = drizzle({ client: pool, schema });
      q = prepare(db);
    },
    get: async (id) => (await q.get.execute({ id }))[0] ?? null,
    filter: (age) => q.filter.execute({ age }),
    count: async (age) => (await q.count.execute({ age }))[0].n,
    insert: async (u) => (await q.insert.execute(u))[0].id,
    update: (id, name) => q.update.execute({ id, name }),
    // one multi-row insert (a prepared statement cannot take a variable number of rows)
    bulk: (rows) => db.transaction(async (tx) => void (await tx.insert(users).values(rows))),
    async lazy(age) {
      const parents = await q.filter.execute({ age });
      const out = [];
      for (const user of parents) out.push({ user, posts: await q.posts.execute({ userId: user.id }) });
      return out;
    },
    include: (age) => q.include.execute({ age }),
    close: () => pool.end(),
  };
}
