/**
 * The studio's test data: the shop example (`examples/shop`) on a fresh SQLite file, with enough
 * products for three pages, and a `Coupon` model beside it for the field types the shop lacks
 * (boolean, date, JSON, a nullable field). Import it first in a test file: it sets `SHOP_DB`
 * before the shop's models read it.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";

const dir = mkdtempSync(join(tmpdir(), "registers-studio-"));
process.env.SHOP_DB = join(dir, "shop.db");

const db = await import("../../src/db/index.js");
const shop = await import("../../examples/shop/models.js");

/** A discount code: the field types the shop has not (boolean, date, JSON, nullable). */
export const Coupon = db.databaseRegistry(process.env.SHOP_DB, {
  tableName: "coupons",
  uniqueFields: ["code"],
})(
  class Coupon extends db.Model({
    id: z.int().nullable().default(null),
    code: z.string().min(3).max(40),
    percent: z.int().min(1).max(100),
    active: z.boolean().default(true),
    expires: z.date(),
    rules: z.object({ minTotal: z.number().optional(), products: z.array(z.int()).optional() }).default({}),
    note: z.string().nullable().default(null),
    kind: z.enum(["public", "private"]).default("public"),
  }) {},
);

/** A use of a coupon: a real foreign key (`onDelete: "restrict"`), so deleting a used coupon is refused. */
export const Redemption = db.databaseRegistry(process.env.SHOP_DB, { tableName: "redemptions" })(
  class Redemption extends db.Model({
    id: z.int().nullable().default(null),
    coupon_id: z.int(),
    order_id: z.int(),
  }) {},
);
db.relate(Redemption, {
  coupon: db.BelongsTo(() => Coupon, { localKey: "coupon_id", onDelete: "restrict" }),
});
db.relate(Coupon, { redemptions: db.HasMany(() => Redemption, { foreignKey: "coupon_id" }) });

export const { User, Product, Order } = shop;
/** The models the studio shows, in its order (parents first: tables are created in this order). */
export const studioModels = [shop.User, shop.Product, shop.Order, Coupon, Redemption];

/** Products seeded: 45, so three pages of 20. */
export const PRODUCT_COUNT = 45;

/** Drops and re-creates the tables, then seeds 3 users, 45 products, 6 orders, 2 coupons and a redemption of the first. */
export async function seedShop(): Promise<void> {
  for (const model of [...studioModels].reverse()) await model.objects.dropSchema();
  for (const model of studioModels) await model.objects.createSchema();
  const users = [];
  for (const [name, email] of [
    ["Ann", "ann@example.com"],
    ["Bob", "bob@example.com"],
    ["Cy", "cy@example.com"],
  ]) {
    users.push(await shop.User.objects.create({ name, email, password: `${name}-password-1` }));
  }
  const products = [];
  for (let i = 1; i <= PRODUCT_COUNT; i++) {
    const name = `Product ${String(i).padStart(2, "0")}`;
    // Prices not in key order, so sorting by price visibly reorders the table.
    products.push(await shop.Product.objects.create({ name, price: ((i * 37) % 100) + 0.5, stock: i % 7 }));
  }
  for (let i = 0; i < 6; i++) {
    await shop.Order.objects.create({
      user_id: users[i % 2].id as number,
      product_id: products[i].id as number,
      quantity: i + 1,
      status: (["pending", "paid", "shipped"] as const)[i % 3],
    });
  }
  await Coupon.objects.create({
    code: "WELCOME",
    percent: 10,
    expires: new Date("2030-01-01T00:00:00.000Z"),
    rules: { minTotal: 20 },
  });
  await Redemption.objects.create({ coupon_id: 1, order_id: 1 });
  await Coupon.objects.create({
    code: "STAFF",
    percent: 30,
    active: false,
    expires: new Date("2029-06-30T12:00:00.000Z"),
    kind: "private",
  });
}
