// registers/db: the models below are all the user writes; `Model.objects` does the rest. The same
// definitions serve the PostgreSQL runner (only the URL differs).
import { databaseRegistry, disposeAll, HasMany, Model } from "registers/db";
import { z } from "zod";
import type { Runner } from "../harness/ops.ts";

export function registersRunner(url: string): Runner {
  @databaseRegistry(url, { tableName: "users", uniqueFields: ["email"] })
  class User extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    email: z.string(),
    age: z.int(),
  }) {
    @HasMany(() => Post, { foreignKey: "user_id" }) accessor posts!: Promise<Post[]>;
  }

  @databaseRegistry(url, { tableName: "posts" })
  class Post extends Model({ id: z.int().nullable().default(null), user_id: z.int(), title: z.string() }) {}

  const users = (User as any).objects;
  const hasBulk = typeof users.bulkCreate === "function";
  const hasInclude = typeof users.prefetch === "function";
  const unsupported: Runner["unsupported"] = {};
  if (!hasInclude)
    unsupported.include = "registers/db has no eager loading (`filter(..., { include })`) in this build";

  return {
    name: "registers",
    packages: ["registers", "zod", "better-sqlite3"],
    unsupported,
    open: () => users.count(), // opens the engine and checks the tables
    get: (id) => users.get(id),
    filter: (age) => users.filter({ age }),
    count: (age) => users.count({ age }),
    insert: async (u) => (await users.create(u)).id,
    // the count-returning form: one UPDATE, as the peers run it (updateWhere also returns the rows)
    update: (id, name) => users.updateCount({ id }, { name }),
    bulk: hasBulk
      ? (rows) => users.bulkCreate(rows)
      : (rows) =>
          users.transaction(async () => {
            for (const u of rows) await users.create(u);
          }),
    async lazy(age) {
      const parents: User[] = await users.filter({ age });
      const out = [];
      for (const user of parents) out.push({ user, posts: await user.posts });
      return out;
    },
    async include(age) {
      const parents: User[] = await users.filter({ age }, { include: ["posts"] });
      return Promise.all(parents.map(async (user) => ({ user, posts: await user.posts })));
    },
    close: () => disposeAll(),
  };
}

export default function create(file: string): Runner {
  return registersRunner(file);
}
