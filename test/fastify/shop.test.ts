import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { assertNoLeak, http, listen } from "./_http.js";

const dir = mkdtempSync(join(tmpdir(), "registers-shop-"));
process.env.SHOP_DB = join(dir, "shop.db");
delete process.env.DATABASE_URL;
const { buildApp } = await import("../../examples/shop/app.js");
const { Product, User } = await import("../../examples/shop/models.js");
const { hashPassword } = await import("../../src/db/index.js");

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
    assert.deepEqual(
      [...new Set(r.json.issues.map((i: { path: string; in: string }) => `${i.in}: ${i.path}`))].sort(),
      ["body: email", "body: name", "body: password"],
    );
    const q = await http(base, "GET", "/products?limit=ten");
    assert.equal(q.status, 400);
    assert.deepEqual([q.json.issues[0].in, q.json.issues[0].path], ["querystring", "limit"]);
    const p = await http(base, "GET", "/products/abc");
    assert.equal(p.status, 400);
    assert.deepEqual([p.json.issues[0].in, p.json.issues[0].path], ["params", "id"]);
  });

  it("unknown fields are a 400, in bodies and query strings", async () => {
    const r = await http(base, "POST", "/products", { name: "Pen", price: 1, is_admin: true });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json.issues, [
      { path: "is_admin", message: 'unknown field "is_admin"', code: "unrecognized_keys", in: "body" },
    ]);
    const q = await http(base, "GET", "/products?drop=table");
    assert.equal(q.status, 400);
    assert.deepEqual([q.json.issues[0].in, q.json.issues[0].path], ["querystring", "drop"]);
    const k = await http(base, "PATCH", "/products/1", { id: 5 });
    assert.equal(k.status, 400, "the key cannot be patched");
    const f = await http(base, "GET", "/users?password=x");
    assert.equal(f.status, 400, "hidden fields are not filters");
  });

  it("a database-managed key cannot be chosen by the client", async () => {
    const r = await http(base, "POST", "/products", { id: 1, name: "Pen", price: 1 });
    assert.equal(r.status, 400);
    assert.deepEqual([r.json.issues[0].in, r.json.issues[0].path], ["body", "id"]);
  });

  it("an oversized body is a 413 and the server keeps serving", async () => {
    const r = await http(base, "POST", "/products", { name: "x".repeat(100 * 1024), price: 1 });
    assert.equal(r.status, 413);
    assert.equal(r.json.code, "FST_ERR_CTP_BODY_TOO_LARGE");
    assert.equal((await http(base, "GET", "/products")).status, 200);
  });

  it("a database failure is a generic 500: no SQL, no stack, no driver message", async () => {
    // Behind registers' back (dropSchema() would have the next use create the table again).
    const raw = new Database(process.env.SHOP_DB as string);
    raw.exec("PRAGMA foreign_keys = OFF"); // orders reference products (onDelete: "restrict")
    raw.exec("DROP TABLE products");
    raw.close();
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

describe("shop: passwords and emails", () => {
  it("refuses a ready-made password hash as a password, on create and on patch", async () => {
    const hash = await hashPassword("a");
    const r = await http(base, "POST", "/users", {
      name: "Mallory",
      email: "mallory@example.com",
      password: hash,
    });
    assert.equal(r.status, 400, r.text);
    assert.equal(typeof r.json.code, "string");
    assert.deepEqual(
      r.json.issues.map((i: { path: string }) => i.path),
      ["password"],
    );
    assert.equal(await User.objects.exists({ email: "mallory@example.com" }), false);
    const login = await http(base, "POST", "/login", { email: "mallory@example.com", password: "a" });
    assert.equal(login.status, 401);

    const user = await http(base, "POST", "/users", {
      name: "Trent",
      email: "trent@example.com",
      password: "trent's secret",
    });
    assert.equal(user.status, 201);
    const patched = await http(base, "PATCH", `/users/${user.json.id}`, { password: hash });
    assert.equal(patched.status, 400, patched.text);
    assert.deepEqual(
      patched.json.issues.map((i: { path: string }) => i.path),
      ["password"],
    );
    assert.equal(
      (await http(base, "POST", "/login", { email: "trent@example.com", password: "a" })).status,
      401,
    );
    assert.equal(
      (await http(base, "POST", "/login", { email: "trent@example.com", password: "trent's secret" })).status,
      200,
    );
  });

  it("ANN@example.com and ann@example.com are one user", async () => {
    const first = await http(base, "POST", "/users", {
      name: "Ann",
      email: "ANN@Example.com",
      password: "ann's secret",
    });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.email, "ann@example.com");
    const again = await http(base, "POST", "/users", {
      name: "Ann 2",
      email: "ann@example.com",
      password: "other one",
    });
    assert.equal(again.status, 409);
    assert.deepEqual(again.json.fields, ["email"]);
    const login = await http(base, "POST", "/login", { email: "Ann@EXAMPLE.com", password: "ann's secret" });
    assert.equal(login.status, 200, login.text);
    assert.equal(login.json.id, first.json.id);
    const found = await http(base, "GET", "/users?email=ANN%40example.com");
    assert.deepEqual(
      found.json.map((u: { id: number }) => u.id),
      [first.json.id],
    );
  });

  it("a missing user reads the same on every route", async () => {
    const answers = [
      await http(base, "GET", "/users/999999"),
      await http(base, "PATCH", "/users/999999", { name: "x" }),
      await http(base, "DELETE", "/users/999999"),
      await http(base, "GET", "/users/999999/orders"),
    ];
    for (const r of answers) {
      assert.equal(r.status, 404);
      assert.deepEqual(r.json, answers[0].json);
    }
    assert.doesNotMatch(answers[0].text, /"users"|\busers\b/);
  });
});

describe("shop: OpenAPI", () => {
  type Spec = {
    paths: Record<string, Record<string, any>>;
    components: { schemas: Record<string, any> };
  };
  const resolve = (spec: Spec, schema: { $ref?: string }) =>
    schema.$ref === undefined
      ? schema
      : spec.components.schemas[schema.$ref.replace("#/components/schemas/", "")];
  const json = (part: any) => part.content["application/json"].schema;

  it("is served as JSON at GET /openapi.json, with a docs page that loads nothing else", async () => {
    const r = await http(base, "GET", "/openapi.json");
    assert.equal(r.status, 200);
    assert.match(r.headers.get("content-type") ?? "", /application\/json/);
    assert.equal(r.json.openapi, "3.0.3");
    assert.deepEqual(r.json, JSON.parse(JSON.stringify(app.swagger())));
    assert.equal(r.json.paths["/openapi.json"], undefined, "the document route is not documented");
    const docs = await http(base, "GET", "/docs");
    assert.equal(docs.status, 200);
    assert.match(docs.headers.get("content-type") ?? "", /text\/html/);
    assert.match(docs.text, /fetch\("\/openapi\.json"\)/);
    assert.doesNotMatch(docs.text, /https?:\/\/|src=/, "no CDN, no external script");
  });

  it("documents every CRUD route, with model components and no password in responses", () => {
    const spec = app.swagger() as unknown as Spec;
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
    const response = resolve(spec, json(spec.paths["/users/{id}"].get.responses["200"]));
    assert.equal("password" in response.properties, false);
    const request = resolve(spec, json(spec.paths["/users"].post.requestBody));
    assert.ok("password" in request.properties);
  });

  it("refers to the model components by $ref instead of inlining copies", () => {
    const spec = app.swagger() as unknown as Spec;
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    assert.deepEqual(json(spec.paths["/users"].post.requestBody), ref("UserCreate"));
    assert.deepEqual(json(spec.paths["/users"].post.responses["201"]), ref("User"));
    assert.deepEqual(json(spec.paths["/users"].get.responses["200"]), { type: "array", items: ref("User") });
    assert.deepEqual(json(spec.paths["/products/{id}"].patch.requestBody), ref("ProductPatch"));
    assert.deepEqual(json(spec.paths["/users/{id}/orders"].get.responses["200"]), {
      type: "array",
      items: ref("Order"),
    });
    assert.deepEqual(json(spec.paths["/login"].post.responses["200"]), ref("User"));
    const text = JSON.stringify(spec);
    for (const name of Object.keys(spec.components.schemas))
      assert.ok(text.includes(`"#/components/schemas/${name}"`), name);
  });

  it("gives every route an operationId, its 4xx answers, and records a non-null id", () => {
    const spec = app.swagger() as unknown as Spec;
    const ids: string[] = [];
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        assert.equal(typeof operation.operationId, "string", `${method} ${path} has an operationId`);
        ids.push(operation.operationId);
        const errors = Object.keys(operation.responses).filter((status) => status.startsWith("4"));
        assert.ok(errors.includes("400"), `${method} ${path} documents its 400`);
        for (const status of errors)
          assert.deepEqual(json(operation.responses[status]), { $ref: "#/components/schemas/HttpError" });
      }
    }
    assert.equal(new Set(ids).size, ids.length, "operationIds are unique");
    assert.ok(ids.includes("login") && ids.includes("listUserOrders"));
    const statuses = (path: string, method: string) => Object.keys(spec.paths[path][method].responses).sort();
    assert.deepEqual(statuses("/users", "post"), ["201", "400", "409", "413", "415"]);
    assert.deepEqual(statuses("/users/{id}", "patch"), ["200", "400", "404", "409", "413", "415"]);
    assert.deepEqual(statuses("/login", "post"), ["200", "400", "401"]);
    assert.deepEqual(statuses("/users/{id}/orders", "get"), ["200", "400", "404"]);
    assert.equal(spec.paths["/users/{id}"].get.responses["404"].description, "Not Found");
    assert.deepEqual(spec.components.schemas.HttpError.required, ["statusCode", "error", "code", "message"]);
    for (const model of ["User", "Product", "Order"]) {
      const record = spec.components.schemas[model];
      assert.ok(record.required.includes("id"), `${model}.id is required`);
      assert.equal(record.properties.id.type, "integer", `${model}.id is an integer`);
      assert.equal(record.properties.id.nullable, undefined, `${model}.id is not nullable`);
    }
  });
});
