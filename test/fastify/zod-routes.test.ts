import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import { databaseRegistry, Model } from "../../src/db/index.js";
import {
  hiddenFields,
  isZodSchema,
  modelComponents,
  modelJsonSchema,
  registersErrorHandler,
  registersPlugin,
  zodSerializerCompiler,
  zodToJsonSchema,
  zodValidatorCompiler,
} from "../../src/fastify/index.js";
import { http, listen } from "./_http.js";

@databaseRegistry(":memory:", { tableName: "zr_accounts", uniqueFields: ["email"] })
class Account extends Model({
  id: z.int().nullable().default(null),
  email: z.email(),
  token: z.string().meta({ writeOnly: true }),
  joined: z.date(),
  visits: z.bigint(),
  role: z.enum(["admin", "member"]).default("member"),
}) {}

describe("JSON Schema from models", () => {
  it("z.toJSONSchema with dates, bigints, no $schema", () => {
    const json = zodToJsonSchema(z.object({ at: z.date(), n: z.bigint(), s: z.string() }));
    assert.equal(json.$schema, undefined);
    const props = json.properties as Record<string, Record<string, unknown>>;
    assert.deepEqual(props.at, { type: "string", format: "date-time" });
    assert.deepEqual(props.n, { type: "string", format: "int64" });
  });

  it("responses leave out writeOnly (and extra hidden) fields; create leaves out the managed key", () => {
    assert.deepEqual(hiddenFields(Account), ["token"]);
    assert.deepEqual(hiddenFields(Account, ["email"]).sort(), ["email", "token"]);
    assert.throws(() => hiddenFields(Account, ["nope"]), /not a field of Account/);
    const { record, create, patch } = modelJsonSchema(Account);
    assert.deepEqual(Object.keys(record.properties as object), ["id", "email", "joined", "visits", "role"]);
    assert.deepEqual(Object.keys(create.properties as object), [
      "email",
      "token",
      "joined",
      "visits",
      "role",
    ]);
    assert.equal(create.additionalProperties, false);
    assert.deepEqual(create.required, ["email", "token", "joined", "visits"]);
    assert.equal(patch.required, undefined);
    assert.deepEqual(Object.keys(modelComponents([Account])), ["Account", "AccountCreate", "AccountPatch"]);
  });
});

describe("Zod compilers in Fastify routes", () => {
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    app = Fastify();
    app.setValidatorCompiler(zodValidatorCompiler);
    app.setSerializerCompiler(zodSerializerCompiler);
    app.setErrorHandler(registersErrorHandler);
    const bodySchema = Account.schema.omit({ id: true, joined: true, visits: true });
    app.post(
      "/direct",
      { schema: { body: bodySchema, response: { 200: Account.schema.omit({ token: true }) } } },
      async (request) => {
        const body = request.body as z.output<typeof bodySchema>;
        return new Account({ ...body, id: 1, joined: new Date(0), visits: 7n });
      },
    );
    app.get(
      "/query",
      {
        schema: { querystring: z.object({ n: z.int(), flag: z.boolean(), big: z.bigint(), s: z.string() }) },
      },
      async (request) => {
        const q = request.query as { n: number; flag: boolean; big: bigint; s: string };
        return { types: [typeof q.n, typeof q.flag, typeof q.big, typeof q.s] };
      },
    );
    app.get("/broken", { schema: { response: { 200: z.object({ n: z.int() }) } } }, async () => ({
      n: "oops",
    }));
    base = await listen(app);
  });
  after(() => app.close());

  it("validates a body with the model schema and serializes an instance without hidden fields", async () => {
    const ok = await http(base, "POST", "/direct", { email: "a@example.com", token: "t0p" });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json, {
      id: 1,
      email: "a@example.com",
      joined: "1970-01-01T00:00:00.000Z",
      visits: "7",
      role: "member",
    });
    const bad = await http(base, "POST", "/direct", {
      email: "a@example.com",
      token: 5,
      joined: "2024-01-01",
    });
    assert.equal(bad.status, 400);
    // A plain z.object strips unknown keys (Zod's default); crudRoutes uses strict objects.
    assert.deepEqual(
      bad.json.issues.map((i: { path: string; in: string }) => `${i.in}: ${i.path}`),
      ["body: token"],
    );
  });

  it("converts query strings to the numbers and booleans the schema expects, and no further", async () => {
    const ok = await http(base, "GET", "/query?n=5&flag=true&big=12345678901234567890&s=7");
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(ok.json.types, ["number", "boolean", "bigint", "string"]);
    for (const bad of [
      "n=5.5&flag=true&big=1&s=x",
      "n=&flag=true&big=1&s=x",
      "n=1&flag=yes&big=1&s=x",
      "n=0x10&flag=true&big=1&s=x",
    ]) {
      assert.equal((await http(base, "GET", `/query?${bad}`)).status, 400, bad);
    }
  });

  it("a response that breaks its schema is a 500, not malformed output", async () => {
    const r = await http(base, "GET", "/broken");
    assert.equal(r.status, 500);
  });

  it("isZodSchema recognises Zod schemas structurally", () => {
    assert.equal(isZodSchema(Account.schema), true);
    assert.equal(isZodSchema({ type: "object" }), false);
    assert.equal(isZodSchema(null), false);
  });
});

describe("registersPlugin lets routes use Zod and JSON Schema side by side", () => {
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    app = Fastify();
    await app.register(registersPlugin, { models: [Account] });
    app.post(
      "/accounts",
      {
        schema: {
          body: Account.schema.omit({ id: true, joined: true, visits: true }),
          querystring: {
            type: "object",
            properties: { dry: { type: "boolean" } },
            additionalProperties: false,
          },
          response: { 201: Account.schema.omit({ token: true }) },
        },
      },
      async (request, reply) => {
        const body = request.body as { email: string; token: string };
        const created = await Account.objects.create({ ...body, joined: new Date(0), visits: 2n ** 60n });
        return reply.code(201).send(created);
      },
    );
    app.get(
      "/plain",
      { schema: { querystring: { type: "object", properties: { n: { type: "integer" } } } } },
      async (r) => r.query,
    );
    base = await listen(app);
  });
  after(() => app.close());

  it("serializes dates as ISO strings and bigints as exact decimal strings, without the hidden field", async () => {
    const r = await http(base, "POST", "/accounts", { email: "b@example.com", token: "secret" });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json, {
      id: 1,
      email: "b@example.com",
      joined: "1970-01-01T00:00:00.000Z",
      visits: "1152921504606846976",
      role: "member",
    });
    assert.equal(
      (await http(base, "POST", "/accounts?dry=maybe", { email: "c@example.com", token: "x" })).status,
      400,
    );
    assert.equal((await http(base, "POST", "/accounts", { email: "nope", token: "x" })).status, 400);
  });

  it("leaves routes without Zod to Fastify's own compilers", async () => {
    const r = await http(base, "GET", "/plain?n=4");
    assert.deepEqual(r.json, { n: 4 });
    assert.equal((await http(base, "GET", "/plain?n=x")).status, 400);
  });
});
