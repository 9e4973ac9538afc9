import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { FastifyInstance } from "fastify";
import { assertNoLeak, http, listen } from "./_http.js";

const dir = mkdtempSync(join(tmpdir(), "registers-shop-"));
process.env.SHOP_DB = join(dir, "shop.db");
delete process.env.DATABASE_URL;
const { buildApp } = await import("../../examples/shop/app.js");
const { Product, User } = await import("../../examples/shop/models.js");

let app: FastifyInstance;
let base: string;

before(async () => {
  app = await buildApp();
  base = await listen(app);
});
after(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("shop over HTTP: the user lifecycle of the seed's integration test", () => {
  it("creates, refuses a duplicate email, logs in, reads, patches, deletes, then 404s", async () => {
    const created = await http(base, "POST", "/users", {
      name: "Alice",
      email: "alice@example.com",
      password: "correct horse",
    });
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.name, "Alice");
    assert.equal(typeof created.json.id, "number");
    assert.equal("password" in created.json, false, "the password never goes back to the client");
    const id = created.json.id as number;

    const stored = await User.objects.require(id);
    assert.notEqual(stored.password, "correct horse", "the stored value is a hash");
    assert.match(stored.password, /^\$scrypt\$/);

    const duplicate = await http(base, "POST", "/users", {
      name: "Alice 2",
      email: "alice@example.com",
      password: "another one",
    });
    assert.equal(duplicate.status, 409, duplicate.text);
    assert.equal(duplicate.json.code, "REGISTERS_UNIQUE_CONSTRAINT");
    assert.deepEqual(duplicate.json.fields, ["email"]);
    assertNoLeak(duplicate.text);

    const login = await http(base, "POST", "/login", {
      email: "alice@example.com",
      password: "correct horse",
    });
    assert.equal(login.status, 200, login.text);
    assert.deepEqual(login.json, { id, name: "Alice", email: "alice@example.com" });

    const wrong = await http(base, "POST", "/login", { email: "alice@example.com", password: "wrong horse" });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.json.code, "INVALID_CREDENTIALS");
    const nobody = await http(base, "POST", "/login", {
      email: "nobody@example.com",
      password: "correct horse",
    });
    assert.equal(nobody.status, 401);
    assert.equal(nobody.json.message, wrong.json.message, "unknown email and wrong password look the same");

    const got = await http(base, "GET", `/users/${id}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json, { id, name: "Alice", email: "alice@example.com" });

    const patched = await http(base, "PATCH", `/users/${id}`, { name: "Alicia", password: "new password" });
    assert.equal(patched.status, 200, patched.text);
    assert.deepEqual(patched.json, { id, name: "Alicia", email: "alice@example.com" });
    assert.equal(
      (await http(base, "POST", "/login", { email: "alice@example.com", password: "new password" })).status,
      200,
    );
    assert.equal(
      (await http(base, "POST", "/login", { email: "alice@example.com", password: "correct horse" })).status,
      401,
    );

    const deleted = await http(base, "DELETE", `/users/${id}`);
    assert.equal(deleted.status, 204);
    assert.equal(deleted.text, "");
    const gone = await http(base, "GET", `/users/${id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.code, "REGISTERS_RECORD_NOT_FOUND");
    assert.equal((await http(base, "DELETE", `/users/${id}`)).status, 404);
    assert.equal((await http(base, "PATCH", `/users/${id}`, { name: "x" })).status, 404);
  });

  it("orders belong to users and products, and a user's orders are listed", async () => {
    const user = (
      await http(base, "POST", "/users", { name: "Bob", email: "bob@example.com", password: "bob's secret" })
    ).json;
    const product = await http(base, "POST", "/products", { name: "Tea", price: 4.5 });
    assert.equal(product.status, 201);
    assert.deepEqual(product.json, { id: product.json.id, name: "Tea", price: 4.5, stock: 0 });
    const order = await http(base, "POST", "/orders", {
      user_id: user.id,
      product_id: product.json.id,
      quantity: 2,
    });
    assert.equal(order.status, 201, order.text);
    assert.equal(order.json.status, "pending");
    const missing = await http(base, "POST", "/orders", { user_id: 999_999, product_id: product.json.id });
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.json.issues.map((i: { path: string }) => i.path),
      ["user_id"],
    );
    const orders = await http(base, "GET", `/users/${user.id}/orders`);
    assert.equal(orders.status, 200);
    assert.deepEqual(orders.json, [order.json]);
    assert.equal((await http(base, "GET", "/users/999999/orders")).status, 404);
  });
});

describe("shop over HTTP: hostile and broken requests", () => {
  it("malformed JSON is a 400 that does not echo the parser", async () => {
    const r = await http(base, "POST", "/users", '{"name": "A", "email": ', {
      "content-type": "application/json",
    });
    assert.equal(r.status, 400);
    assert.equal(r.json.code, "FST_ERR_CTP_INVALID_JSON_BODY");
    assertNoLeak(r.text);
    assert.doesNotMatch(r.text, /Unexpected|position/);
  });

  it("wrong types are a 400 naming each field", async () => {
    const r = await http(base, "POST", "/users", { name: 42, email: "not an email", password: ["x"] });
    assert.equal(r.status, 400);
    assert.deepEqual([...new Set(r.json.issues.map((i: { path: string }) => i.path))].sort(), [
      "body.email",
      "body.name",
      "body.password",
    ]);
    const q = await http(base, "GET", "/products?limit=ten");
    assert.equal(q.status, 400);
    assert.equal(q.json.issues[0].path, "querystring.limit");
    const p = await http(base, "GET", "/products/abc");
    assert.equal(p.status, 400);
    assert.equal(p.json.issues[0].path, "params.id");
  });

  it("unknown fields are a 400, in bodies and query strings", async () => {
    const r = await http(base, "POST", "/products", { name: "Pen", price: 1, is_admin: true });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.issues, [
      { path: "body.is_admin", message: 'unknown field "is_admin"', code: "unrecognized_keys" },
    ]);
    const q = await http(base, "GET", "/products?drop=table");
    assert.equal(q.status, 400);
    assert.equal(q.json.issues[0].path, "querystring.drop");
    const k = await http(base, "PATCH", "/products/1", { id: 5 });
    assert.equal(k.status, 400, "the key cannot be patched");
    const f = await http(base, "GET", "/users?password=x");
    assert.equal(f.status, 400, "hidden fields are not filters");
  });

  it("a database-managed key cannot be chosen by the client", async () => {
    const r = await http(base, "POST", "/products", { id: 1, name: "Pen", price: 1 });
    assert.equal(r.status, 400);
    assert.equal(r.json.issues[0].path, "body.id");
  });

  it("an oversized body is a 413 and the server keeps serving", async () => {
    const r = await http(base, "POST", "/products", { name: "x".repeat(100 * 1024), price: 1 });
    assert.equal(r.status, 413);
    assert.equal(r.json.code, "FST_ERR_CTP_BODY_TOO_LARGE");
    assert.equal((await http(base, "GET", "/products")).status, 200);
  });

  it("a database failure is a generic 500: no SQL, no stack, no driver message", async () => {
    await Product.dropSchema();
    try {
      const r = await http(base, "GET", "/products?name=Tea");
      assert.equal(r.status, 500, r.text);
      assert.deepEqual(Object.keys(r.json).sort(), ["code", "error", "message", "statusCode"]);
      assert.equal(r.json.code, "INTERNAL_SERVER_ERROR");
      assertNoLeak(r.text);
    } finally {
      await Product.createSchema();
    }
  });

  it("SQL-looking input is data, not SQL", async () => {
    const name = "'; DROP TABLE products; --";
    const r = await http(base, "POST", "/products", { name, price: 1 });
    assert.equal(r.status, 201);
    const found = await http(base, "GET", `/products?name=${encodeURIComponent(name)}`);
    assert.deepEqual(
      found.json.map((p: { name: string }) => p.name),
      [name],
    );
    assert.equal(await Product.schemaExists(), true);
  });
});

describe("shop: OpenAPI", () => {
  it("documents every CRUD route, with model components and no password in responses", () => {
    const spec = app.swagger() as any;
    for (const path of [
      "/users",
      "/users/{id}",
      "/products",
      "/products/{id}",
      "/orders",
      "/orders/{id}",
      "/login",
    ])
      assert.ok(spec.paths[path], `documents ${path}`);
    assert.deepEqual(Object.keys(spec.paths["/users/{id}"]).sort(), ["delete", "get", "patch"]);
    assert.ok(spec.components.schemas.User);
    assert.equal("password" in spec.components.schemas.User.properties, false);
    const response = spec.paths["/users/{id}"].get.responses["200"].content["application/json"].schema;
    assert.equal("password" in response.properties, false);
    const request = spec.paths["/users"].post.requestBody.content["application/json"].schema;
    assert.ok("password" in request.properties);
  });
});
