// The floor: better-sqlite3 with every statement prepared once and reused.
import Database from "better-sqlite3";
import type { NewUser, Runner } from "../harness/ops.ts";

export default function create(file: string): Runner {
  let db: Database.Database;
  let s: Record<string, Database.Statement>;
  let insertMany: (users: NewUser[]) => void;
  const inCache = new Map<number, Database.Statement>();
  const inStatement = (n: number) => {
    let stmt = inCache.get(n);
    if (!stmt) {
      stmt = db.prepare(`SELECT id, user_id, title FROM posts WHERE user_id IN (${"?,".repeat(n - 1)}?)`);
      inCache.set(n, stmt);
    }
    return stmt;
  };
  return {
    name: "raw better-sqlite3",
    packages: ["better-sqlite3"],
    open() {
      db = new Database(file);
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      s = {
        get: db.prepare("SELECT id, name, email, age FROM users WHERE id = ?"),
        filter: db.prepare("SELECT id, name, email, age FROM users WHERE age = ?"),
        count: db.prepare("SELECT COUNT(*) AS n FROM users WHERE age = ?").pluck(),
        insert: db.prepare("INSERT INTO users (name, email, age) VALUES (@name, @email, @age)"),
        update: db.prepare("UPDATE users SET name = ? WHERE id = ?"),
        posts: db.prepare("SELECT id, user_id, title FROM posts WHERE user_id = ?"),
      };
      insertMany = db.transaction((users: NewUser[]) => {
        for (const u of users) s.insert.run(u);
      });
    },
    get: (id) => s.get.get(id) ?? null,
    filter: (age) => s.filter.all(age),
    count: (age) => s.count.get(age),
    insert: (u) => s.insert.run(u).lastInsertRowid,
    update: (id, name) => s.update.run(name, id).changes,
    bulk: (users) => insertMany(users),
    lazy(age) {
      const users = s.filter.all(age) as any[];
      return users.map((user) => ({ user, posts: s.posts.all(user.id) }));
    },
    include(age) {
      // what an ORM's include does: the parents, then all their children in one IN (...) query
      const users = s.filter.all(age) as any[];
      const ids = users.map((u) => u.id);
      const children = inStatement(ids.length).all(...ids) as any[];
      const byUser = new Map<number, any[]>(ids.map((id) => [id, []]));
      for (const c of children) byUser.get(c.user_id)!.push(c);
      return users.map((user) => ({ user, posts: byUser.get(user.id) }));
    },
    close: () => db.close(),
  };
}
