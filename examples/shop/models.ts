import { z } from "zod";
import { BelongsTo, databaseRegistry, HasMany, type ManagerOf, Model } from "../../src/db/index.js";
import { shopDatabaseUrl } from "./database.js";

const url = shopDatabaseUrl();

/**
 * A customer. `email` is stored in lower case, so `ANN@example.com` and `ann@example.com` are one
 * user (the unique constraint sees the normalised value). `password` holds a scrypt hash (never the
 * plain text) and is never sent back; a client that sends a ready-made hash instead of a password
 * gets a 400 on `password` (`crudRoutes` refuses hashes for `hashedFields`), so `min(8)` always
 * applies to what the user types.
 */
@databaseRegistry(url, { tableName: "users", uniqueFields: ["email"], hashedFields: ["password"] })
export class User extends Model({
  id: z.int().nullable().default(null),
  name: z.string().min(1).max(200),
  email: z.email().max(320).toLowerCase(),
  password: z.string().min(8).max(1024).meta({ writeOnly: true }),
}) {
  declare static readonly objects: ManagerOf<typeof User>;
  @HasMany(() => Order, { foreignKey: "user_id" }) accessor orders!: Promise<Order[]>;
}

/** Something to buy. */
@databaseRegistry(url, { tableName: "products" })
export class Product extends Model({
  id: z.int().nullable().default(null),
  name: z.string().min(1).max(200),
  price: z.number().nonnegative(),
  stock: z.int().min(0).default(0),
}) {
  declare static readonly objects: ManagerOf<typeof Product>;
  @HasMany(() => Order, { foreignKey: "product_id" }) accessor orders!: Promise<Order[]>;
}

/** A user's order of one product. The tables are made by the migrations in ./migrations (see README.md). */
@databaseRegistry(url, { tableName: "orders" })
export class Order extends Model({
  id: z.int().nullable().default(null),
  user_id: z.int(),
  product_id: z.int(),
  quantity: z.int().positive().default(1),
  status: z.enum(["pending", "paid", "shipped"]).default("pending"),
}) {
  declare static readonly objects: ManagerOf<typeof Order>;
  // Real foreign keys: a user or a product that has orders cannot be deleted (ForeignKeyError, a 409).
  @BelongsTo(() => User, { localKey: "user_id", onDelete: "restrict" }) accessor user!: Promise<User | null>;
  @BelongsTo(() => Product, { localKey: "product_id", onDelete: "restrict" })
  accessor product!: Promise<Product | null>;
}

export const models = [User, Product, Order];
