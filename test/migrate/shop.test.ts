// The shop example's committed migrations (examples/shop/migrations/<database>/) on SQLite,
// PostgreSQL and MariaDB: `registers db migrate` run in examples/shop applies them, `db check` is clean
// (they match the models), and on SQLite the foreign keys hold over HTTP: a user or a product with
// orders cannot be deleted (409 REGISTERS_FOREIGN_KEY) until the orders are gone.
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { cli, ensureBuilt, freshDatabase, repo, targets } from "./_support.js";

ensureBuilt();

const shop = join(repo, "examples", "shop");

for (const target of targets) {
  describe(`${target.name}: the shop's migrations`, { skip: target.skip }, () => {
    const drops: (() => Promise<void>)[] = [];
    after(async () => {
      for (const drop of drops) await drop();
    });

    it("apply with registers db migrate, and db check is clean", async () => {
      const { url, drop } = await freshDatabase(target.name);
      drops.push(drop);
      const migrated = cli(shop, ["db", "migrate", "--output", "json"], { DATABASE_URL: url });
      assert.equal(migrated.code, 0, migrated.stderr);
      const applied = JSON.parse(migrated.stdout).applied;
      assert.ok(applied.length >= 1);
      assert.match(applied[0].name, /^\d{14}_init$/);
      const check = cli(shop, ["db", "check"], { DATABASE_URL: url });
      assert.equal(check.code, 0, check.stderr);
      assert.match(check.stdout, /^The database matches the models;/);
    });
  });
}

describe("shop over HTTP on its migrated SQLite database: foreign keys", () => {
  it("deleting a user or a product that has orders is a 409 naming the foreign key; without orders it works", async () => {
    const { url, drop } = await freshDatabase("sqlite");
    assert.equal(cli(shop, ["db", "migrate"], { DATABASE_URL: url }).code, 0);
    process.env.SHOP_DB = url;
    delete process.env.DATABASE_URL;
    const { buildApp } = await import("../../examples/shop/app.js");
    const { listen, http } = await import("../fastify/_http.js");
    const app = await buildApp();
    try {
      const base = await listen(app);
      const user = await http(base, "POST", "/users", {
        name: "Ann",
        email: "ann@example.com",
        password: "long enough",
      });
      const product = await http(base, "POST", "/products", { name: "Tea", price: 3 });
      const order = await http(base, "POST", "/orders", {
        user_id: user.json.id,
        product_id: product.json.id,
      });
      assert.equal(order.status, 201, order.text);
      for (const path of [`/users/${user.json.id}`, `/products/${product.json.id}`]) {
        const refused = await http(base, "DELETE", path);
        assert.equal(refused.status, 409, refused.text);
        assert.equal(refused.json.code, "REGISTERS_FOREIGN_KEY");
      }
      assert.equal((await http(base, "DELETE", `/orders/${order.json.id}`)).status, 204);
      assert.equal((await http(base, "DELETE", `/users/${user.json.id}`)).status, 204);
      assert.equal((await http(base, "DELETE", `/products/${product.json.id}`)).status, 204);
    } finally {
      await app.close();
      await drop();
    }
  });
});
