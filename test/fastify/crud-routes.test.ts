import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { databaseRegistry, hashPassword, Model } from "../../src/db/index.js";
import { crudRoutes, modelSchemas, registersPlugin } from "../../src/fastify/index.js";
import { http, listen } from "./_http.js";

const dir = mkdtempSync(join(tmpdir(), "registers-crud-"));
const url = join(dir, "crud.db");

@databaseRegistry(url, { tableName: "people", autoCreate: false })
class Person extends Model({
  id: z.int().nullable().default(null),
  name: z.string(),
  role: z.enum(["admin", "member"]),
  age: z.int(),
  active: z.boolean().default(true),
}) {}

@databaseRegistry(url, { tableName: "codes", keyField: "code", autoCreate: false })
class Code extends Model({ code: z.string().min(1), label: z.string() }) {}

@databaseRegistry(url, { tableName: "logins", hashedFields: ["secret"], autoCreate: false })
class Login extends Model({ id: z.int().nullable().default(null), secret: z.string().min(8) }) {}

after(() => rmSync(dir, { recursive: true, force: true }));

describe("modelSchemas", () => {
  it("create and patch refuse a ready-made hash for a hashed field, before registers/db sees it", async () => {
    const { create, patch, record } = modelSchemas(Login);
    const hash = await hashPassword("a");
    for (const schema of [create, patch]) {
      const result = schema.safeParse({ secret: hash });
      assert.equal(result.success, false);
      assert.deepEqual(
        result.error?.issues.map((i) => [i.path.join("."), i.code]),
        [["secret", "custom"]],
      );
      assert.equal(schema.safeParse({ secret: "long enough" }).success, true);
    }
    assert.equal(record.safeParse({ id: null }).success, false, "a stored record has its key");
    assert.equal(modelSchemas(Login).create, create, "the same schema objects, so OpenAPI can $ref them");
  });
});

describe("registersPlugin lifecycle", () => {
  it("schema: 'check' refuses to start while a table is missing, naming it", async () => {
    const app = Fastify();
    await app.register(registersPlugin, { models: [Person, Code], schema: "check" });
    await assert.rejects(async () => app.ready(), /missing tables: Person \("people"\), Code \("codes"\)/);
    await app.close();
  });

  it("schema: 'create' creates missing tables on ready, and close disposes the engine", async () => {
    const app = Fastify();
    await app.register(registersPlugin, { models: [Person, Code] });
    assert.equal(await Person.schemaExists(), false);
    await app.ready();
    assert.equal(await Person.schemaExists(), true);
    assert.equal(await Code.schemaExists(), true);
    const manager = Person.objects as unknown as { engine: { driver: unknown } };
    assert.notEqual(manager.engine.driver, null, "open while serving");
    await app.close();
    assert.equal(manager.engine.driver, null, "closed by onClose");
    const checked = Fastify();
    await checked.register(registersPlugin, { models: [Person, Code], schema: "check" });
    await checked.ready();
    await checked.close();
  });

  it("rejects an unregistered model and a bad schema mode at registration", async () => {
    class Loose extends Model({ id: z.int() }) {}
    await assert.rejects(
      async () =>
        Fastify()
          .register(registersPlugin, { models: [Loose] })
          .ready(),
      /Loose is not registered/,
    );
    await assert.rejects(
      async () =>
        Fastify()
          .register(registersPlugin, { models: [], schema: "drop" as "create" })
          .ready(),
      /schema must be/,
    );
  });
});

describe("crudRoutes", () => {
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    app = Fastify();
    await app.register(swagger, { openapi: { info: { title: "t", version: "1" } } });
    await app.register(registersPlugin, { models: [Person, Code] });
    await app.register(crudRoutes(Person, { prefix: "/people/", defaultLimit: 3, maxLimit: 50 }));
    await app.register(crudRoutes(Code, { prefix: "/codes", only: ["get", "create"] }));
    base = await listen(app);
    await Person.truncate();
    const people = [
      ["Ann", "admin", 40],
      ["Bob", "member", 25],
      ["Cid", "member", 31],
      ["Dee", "admin", 25],
      ["Eve", "member", 52],
    ] as const;
    for (const [name, role, age] of people)
      await Person.objects.create({ name, role, age, active: name !== "Bob" });
  });
  after(() => app.close());

  const names = (body: Array<{ name: string }>) => body.map((p) => p.name);

  it("lists with limit, offset, orderBy and a default limit", async () => {
    assert.deepEqual(names((await http(base, "GET", "/people")).json), ["Ann", "Bob", "Cid"]);
    assert.deepEqual(names((await http(base, "GET", "/people?orderBy=-age&limit=2")).json), ["Eve", "Ann"]);
    assert.deepEqual(names((await http(base, "GET", "/people?orderBy=name&offset=3&limit=10")).json), [
      "Dee",
      "Eve",
    ]);
    assert.equal((await http(base, "GET", "/people?limit=51")).status, 400);
    assert.equal((await http(base, "GET", "/people?limit=-1")).status, 400);
    assert.equal((await http(base, "GET", "/people?orderBy=password")).status, 400);
  });

  it("filters by equality on fields, with values checked against the model", async () => {
    assert.deepEqual(names((await http(base, "GET", "/people?role=admin&orderBy=name")).json), [
      "Ann",
      "Dee",
    ]);
    assert.deepEqual(names((await http(base, "GET", "/people?age=25&orderBy=name")).json), ["Bob", "Dee"]);
    assert.deepEqual(names((await http(base, "GET", "/people?active=false")).json), ["Bob"]);
    const bad = await http(base, "GET", "/people?role=root");
    assert.equal(bad.status, 400);
    assert.equal(bad.json.issues[0].path, "role");
    assert.equal(bad.json.issues[0].in, "querystring");
    assert.equal((await http(base, "GET", "/people?age=old")).status, 400);
  });

  it("creates, gets, patches and deletes by key; string keys work", async () => {
    const created = await http(base, "POST", "/people", { name: "Fay", role: "member", age: 19 });
    assert.equal(created.status, 201);
    const id = created.json.id;
    assert.deepEqual((await http(base, "GET", `/people/${id}`)).json, {
      id,
      name: "Fay",
      role: "member",
      age: 19,
      active: true,
    });
    const patched = await http(base, "PATCH", `/people/${id}`, { age: 20, active: false });
    assert.deepEqual(patched.json, { id, name: "Fay", role: "member", age: 20, active: false });
    assert.equal(
      (await http(base, "PATCH", `/people/${id}`, {})).json.age,
      20,
      "an empty patch changes nothing",
    );
    assert.equal((await http(base, "PATCH", `/people/${id}`, { age: "twenty" })).status, 400);
    assert.equal((await http(base, "DELETE", `/people/${id}`)).status, 204);
    assert.equal((await http(base, "GET", `/people/${id}`)).status, 404);

    assert.equal((await http(base, "POST", "/codes", { code: "eu-1", label: "Europe" })).status, 201);
    assert.deepEqual((await http(base, "GET", "/codes/eu-1")).json, { code: "eu-1", label: "Europe" });
    const dup = await http(base, "POST", "/codes", { code: "eu-1", label: "Again" });
    assert.equal(dup.status, 409);
    assert.equal(dup.json.code, "REGISTERS_DUPLICATE_KEY");
    assert.equal(
      (await http(base, "POST", "/codes", { label: "no key" })).status,
      400,
      "a manual key is required",
    );
  });

  it("registers only the routes asked for, and documents each in the OpenAPI output", async () => {
    assert.equal((await http(base, "GET", "/codes")).status, 404);
    assert.equal((await http(base, "DELETE", "/codes/eu-1")).status, 404);
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, { tags: string[] }>> };
    assert.deepEqual(Object.keys(spec.paths["/people"]).sort(), ["get", "post"]);
    assert.deepEqual(Object.keys(spec.paths["/people/{id}"]).sort(), ["delete", "get", "patch"]);
    assert.deepEqual(Object.keys(spec.paths["/codes/{code}"]), ["get"]);
    assert.deepEqual(spec.paths["/people"].get.tags, ["Person"]);
  });

  it("a missing record reads the same on GET, PATCH and DELETE, without the table name", async () => {
    const answers = [
      await http(base, "GET", "/people/99999"),
      await http(base, "PATCH", "/people/99999", { age: 1 }),
      await http(base, "PATCH", "/people/99999", {}),
      await http(base, "DELETE", "/people/99999"),
      await http(base, "GET", "/codes/nowhere"),
    ];
    for (const r of answers) {
      assert.equal(r.status, 404, r.text);
      assert.deepEqual(r.json, answers[0].json);
    }
    assert.equal(answers[0].json.code, "REGISTERS_RECORD_NOT_FOUND");
    assert.doesNotMatch(answers[0].text, /people|codes/);
  });

  it("gives each route an operationId, its 4xx answers and a record with a non-null key", async () => {
    type Operation = { operationId: string; responses: Record<string, { content?: Record<string, any> }> };
    const spec = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> };
    const operations = Object.values(spec.paths).flatMap((methods) => Object.values(methods));
    assert.deepEqual(operations.map((o) => o.operationId).sort(), [
      "createCode",
      "createPerson",
      "deletePerson",
      "getCode",
      "getPerson",
      "listPerson",
      "patchPerson",
    ]);
    const statuses = (path: string, method: string) => Object.keys(spec.paths[path][method].responses).sort();
    assert.deepEqual(statuses("/people", "get"), ["200", "400"]);
    assert.deepEqual(statuses("/people", "post"), ["201", "400", "413", "415"]);
    assert.deepEqual(
      statuses("/codes", "post"),
      ["201", "400", "409", "413", "415"],
      "a client-chosen key can collide",
    );
    assert.deepEqual(statuses("/people/{id}", "get"), ["200", "400", "404"]);
    assert.deepEqual(statuses("/people/{id}", "patch"), ["200", "400", "404", "413", "415"]);
    assert.deepEqual(statuses("/people/{id}", "delete"), ["204", "400", "404"]);
    const notFound = spec.paths["/people/{id}"].get.responses["404"].content?.["application/json"].schema;
    assert.deepEqual(notFound.required, ["statusCode", "error", "code", "message"]);
    const record = spec.paths["/people/{id}"].get.responses["200"].content?.["application/json"].schema;
    assert.deepEqual(record.properties.id, {
      type: "integer",
      minimum: -9007199254740991,
      maximum: 9007199254740991,
    });
    assert.ok(record.required.includes("id"));
  });

  it("rejects an unknown route name", () => {
    assert.throws(() => crudRoutes(Person, { only: ["list", "purge" as "list"] }), /unknown route "purge"/);
  });
});
