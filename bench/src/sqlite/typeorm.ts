// TypeORM repository API on its better-sqlite3 driver. Entities are declared with EntitySchema
// (TypeORM's decorator-free form; the decorators need emitDecoratorMetadata, which esbuild lacks).
import "reflect-metadata";
import { DataSource, EntitySchema, type Repository } from "typeorm";
import type { Runner } from "../harness/ops.ts";

interface User {
  id: number;
  name: string;
  email: string;
  age: number;
  posts?: Post[];
}
interface Post {
  id: number;
  userId: number;
  title: string;
  user?: User;
}

export const UserEntity = new EntitySchema<User>({
  name: "User",
  tableName: "users",
  columns: {
    id: { type: Number, primary: true, generated: "increment" },
    name: { type: String },
    email: { type: String, unique: true },
    age: { type: Number },
  },
  indices: [{ name: "users_age_idx", columns: ["age"] }],
  relations: { posts: { type: "one-to-many", target: "Post", inverseSide: "user" } },
});

export const PostEntity = new EntitySchema<Post>({
  name: "Post",
  tableName: "posts",
  columns: {
    id: { type: Number, primary: true, generated: "increment" },
    userId: { type: Number, name: "user_id" },
    title: { type: String },
  },
  relations: {
    user: { type: "many-to-one", target: "User", joinColumn: { name: "user_id" }, inverseSide: "posts" },
  },
});

export function typeormSqliteOptions(file: string) {
  return {
    type: "better-sqlite3" as const,
    database: file,
    entities: [UserEntity, PostEntity],
    synchronize: false,
    logging: false,
    prepareDatabase: (db: any) => {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
    },
  };
}

export default function create(file: string): Runner {
  let ds: DataSource;
  let users: Repository<User>;
  let posts: Repository<Post>;
  return {
    name: "TypeORM",
    packages: ["typeorm", "better-sqlite3"],
    async open() {
      ds = await new DataSource(typeormSqliteOptions(file)).initialize();
      users = ds.getRepository(UserEntity);
      posts = ds.getRepository(PostEntity);
    },
    get: (id) => users.findOneBy({ id }),
    filter: (age) => users.findBy({ age }),
    count: (age) => users.countBy({ age }),
    insert: async (u) => (await users.insert(u)).identifiers[0].id,
    update: (id, name) => users.update({ id }, { name }),
    bulk: (rows) => ds.transaction((m) => m.getRepository(UserEntity).insert(rows)),
    async lazy(age) {
      const parents = await users.findBy({ age });
      const out = [];
      for (const user of parents) out.push({ user, posts: await posts.findBy({ userId: user.id }) });
      return out;
    },
    include: (age) => users.find({ where: { age }, relations: { posts: true } }),
    close: () => ds.destroy(),
  };
}
