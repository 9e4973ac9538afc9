// Sequelize 6 on its SQLite dialect (the `sqlite3` driver, which Sequelize 6 requires). Lazy
// loading is the association accessor `user.getPosts()`; include is `include: [{ model }]`.
import { DataTypes, Model, Sequelize } from "sequelize";
import type { Runner } from "../harness/ops.ts";

export function defineModels(sequelize: Sequelize) {
  class User extends Model {}
  class Post extends Model {}
  User.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      name: { type: DataTypes.TEXT, allowNull: false },
      email: { type: DataTypes.TEXT, allowNull: false, unique: true },
      age: { type: DataTypes.INTEGER, allowNull: false },
    },
    { sequelize, tableName: "users", timestamps: false },
  );
  Post.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      userId: { type: DataTypes.INTEGER, allowNull: false, field: "user_id" },
      title: { type: DataTypes.TEXT, allowNull: false },
    },
    { sequelize, tableName: "posts", timestamps: false },
  );
  User.hasMany(Post, { foreignKey: "userId", as: "posts" });
  return { User: User as any, Post: Post as any };
}

export default function create(file: string): Runner {
  let sequelize: Sequelize;
  let User: any;
  let Post: any;
  return {
    name: "Sequelize 6",
    packages: ["sequelize", "sqlite3"],
    async open() {
      sequelize = new Sequelize({ dialect: "sqlite", storage: file, logging: false });
      ({ User, Post } = defineModels(sequelize));
      await sequelize.query("PRAGMA journal_mode = WAL");
      await sequelize.query("PRAGMA synchronous = NORMAL");
    },
    get: (id) => User.findByPk(id),
    filter: (age) => User.findAll({ where: { age } }),
    count: (age) => User.count({ where: { age } }),
    insert: async (u) => (await User.create(u)).id,
    update: (id, name) => User.update({ name }, { where: { id } }),
    bulk: (rows) => sequelize.transaction((transaction) => User.bulkCreate(rows, { transaction })),
    async lazy(age) {
      const parents = await User.findAll({ where: { age } });
      const out = [];
      for (const user of parents) out.push({ user, posts: await user.getPosts() });
      return out;
    },
    include: (age) => User.findAll({ where: { age }, include: [{ model: Post, as: "posts" }] }),
    close: () => sequelize.close(),
  };
}
