// The floor on PostgreSQL: node-postgres with named prepared statements (parsed once per pooled
// connection), bulk insert as one unnest() statement.
import pg from "pg";
import type { Runner } from "../harness/ops.ts";
import { PG_SCHEMA } from "../harness/paths.ts";

const T = `${PG_SCHEMA}.users`;
const P = `${PG_SCHEMA}.posts`;
const Q = {
  get: { name: "raw_get", text: `SELECT id, name, email, age FROM ${T} WHERE id = $1` },
  filter: { name: "raw_filter", text: `SELECT id, name, email, age FROM ${T} WHERE age = $1` },
  count: { name: "raw_count", text: `SELECT COUNT(*)::int AS n FROM ${T} WHERE age = $1` },
  insert: {
    name: "raw_insert",
    text: `INSERT INTO ${T} (name, email, age) VALUES ($1, $2, $3) RETURNING id`,
  },
  update: { name: "raw_update", text: `UPDATE ${T} SET name = $1 WHERE id = $2` },
  bulk: {
    name: "raw_bulk",
    text: `INSERT INTO ${T} (name, email, age) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`,
  },
  posts: { name: "raw_posts", text: `SELECT id, user_id, title FROM ${P} WHERE user_id = $1` },
  postsIn: {
    name: "raw_posts_in",
    text: `SELECT id, user_id, title FROM ${P} WHERE user_id = ANY($1::int[])`,
  },
};

export default function create(url: string): Runner {
  let pool: pg.Pool;
  const q = async (query: { name: string; text: string }, values: unknown[]) =>
    (await pool.query({ ...query, values })).rows;
  return {
    name: "raw pg",
    packages: ["pg"],
    open() {
      pool = new pg.Pool({ connectionString: url, max: 10 });
    },
    get: async (id) => (await q(Q.get, [id]))[0] ?? null,
    filter: (age) => q(Q.filter, [age]),
    count: async (age) => (await q(Q.count, [age]))[0].n,
    insert: async (u) => (await q(Q.insert, [u.name, u.email, u.age]))[0].id,
    update: (id, name) => q(Q.update, [name, id]),
    async bulk(rows) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query({
          ...Q.bulk,
          values: [rows.map((r) => r.name), rows.map((r) => r.email), rows.map((r) => r.age)],
        });
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw error;
      } finally {
        client.release();
      }
    },
    async lazy(age) {
      const users = await q(Q.filter, [age]);
      const out = [];
      for (const user of users) out.push({ user, posts: await q(Q.posts, [user.id]) });
      return out;
    },
    async include(age) {
      const users = await q(Q.filter, [age]);
      const children = await q(Q.postsIn, [users.map((u) => u.id)]);
      const byUser = new Map<number, any[]>(users.map((u) => [u.id, []]));
      for (const c of children) byUser.get(c.user_id)!.push(c);
      return users.map((user) => ({ user, posts: byUser.get(user.id) }));
    },
    close: () => pool.end(),
  };
}
