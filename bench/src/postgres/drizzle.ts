// Drizzle ORM on node-postgres, ordinary query API (queries built per call).
import { count, eq } from "drizzle-orm";
import { drizzle, type NodePgDatabase } from "drizzle-orm/node-postgres";
import pg from "pg";
import type { Runner } from "../harness/ops.ts";
import { posts, schema, users } from "./drizzle-schema.ts";

export default function create(url: string): Runner {
  let pool: pg.Pool;
  let db: NodePgDatabase<typeof schema>;
  return {
    name: "Drizzle query API",
    packages: ["drizzle-orm", "pg"],
    open() {
      pool = new pg.Pool({ connectionString: url, max: 10 });
      db = drizzle({ client: pool, schema });
    },
    get: async (id) => (await db.select().from(users).where(eq(users.id, id)))[0] ?? null,
    filter: (age) => db.select().from(users).where(eq(users.age, age)),
    count: async (age) => (await db.select({ n: count() }).from(users).where(eq(users.age, age)))[0].n,
    insert: async (u) => (await db.insert(users).values(u).returning({ id: users.id }))[0].id,
    update: (id, name) => db.update(users).set({ name }).where(eq(users.id, id)),
    bulk: (rows) => db.transaction(async (tx) => void (await tx.insert(users).values(rows))),
    async lazy(age) {
      const parents = await db.select().from(users).where(eq(users.age, age));
      const out = [];
      for (const user of parents)
        out.push({ user, posts: await db.select().from(posts).where(eq(posts.userId, user.id)) });
      return out;
    },
    include: (age) => db.query.users.findMany({ where: eq(users.age, age), with: { posts: true } }),
    close: () => pool.end(),
  };
}
