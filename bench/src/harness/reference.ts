// Reference connections with the raw drivers, used only to check the libraries' answers.
import Database from "better-sqlite3";
import pg from "pg";
import type { PostRow, UserRow } from "./ops.ts";
import { PG_SCHEMA } from "./paths.ts";
import type { Reference } from "./suite.ts";

export function sqliteReference(file: string): Reference {
  const db = new Database(file);
  const one = (sql: string, ...args: unknown[]) =>
    (db.prepare(sql).get(...args) as UserRow | undefined) ?? null;
  return {
    get: async (id) => one("SELECT id, name, email, age FROM users WHERE id = ?", id),
    byEmail: async (email) => one("SELECT id, name, email, age FROM users WHERE email = ?", email),
    filter: async (age) =>
      db.prepare("SELECT id, name, email, age FROM users WHERE age = ? ORDER BY id").all(age) as UserRow[],
    count: async (age) => (db.prepare("SELECT COUNT(*) AS n FROM users WHERE age = ?").get(age) as any).n,
    countAll: async () => (db.prepare("SELECT COUNT(*) AS n FROM users").get() as any).n,
    postsOf: async (ids) =>
      db
        .prepare(
          `SELECT id, user_id AS userId, title FROM posts WHERE user_id IN (${ids.map(() => "?").join(",")}) ORDER BY id`,
        )
        .all(...ids) as PostRow[],
    close: async () => void db.close(),
  };
}

export async function postgresReference(url: string): Promise<Reference> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const t = (name: string) => `${PG_SCHEMA}.${name}`;
  const one = async (sql: string, args: unknown[]) =>
    ((await client.query(sql, args)).rows[0] as UserRow) ?? null;
  return {
    get: (id) => one(`SELECT id, name, email, age FROM ${t("users")} WHERE id = $1`, [id]),
    byEmail: (email) => one(`SELECT id, name, email, age FROM ${t("users")} WHERE email = $1`, [email]),
    filter: async (age) =>
      (await client.query(`SELECT id, name, email, age FROM ${t("users")} WHERE age = $1 ORDER BY id`, [age]))
        .rows,
    count: async (age) =>
      Number((await client.query(`SELECT COUNT(*) AS n FROM ${t("users")} WHERE age = $1`, [age])).rows[0].n),
    countAll: async () => Number((await client.query(`SELECT COUNT(*) AS n FROM ${t("users")}`)).rows[0].n),
    postsOf: async (ids) =>
      (
        await client.query(
          `SELECT id, user_id AS "userId", title FROM ${t("posts")} WHERE user_id = ANY($1::int[]) ORDER BY id`,
          [ids],
        )
      ).rows,
    close: () => client.end(),
  };
}
