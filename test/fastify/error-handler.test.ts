import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import { z } from "zod";
import {
  ConnectionError,
  DatabaseError,
  DuplicateKeyError,
  InvalidQueryError,
  RecordNotFoundError,
  UniqueConstraintError,
  ValidationError,
} from "../../src/db/index.js";
import {
  ForbiddenJsonKeyError,
  parseJsonBody,
  registersPlugin,
  toHttpError,
} from "../../src/fastify/index.js";
import { assertNoLeak, http, listen } from "./_http.js";

const driverError = Object.assign(new Error("SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email"), {
  code: "SQLITE_CONSTRAINT_UNIQUE",
});

describe("toHttpError", () => {
  it("maps each registry error to its status, with registers' own message", () => {
    assert.equal(toHttpError(new RecordNotFoundError("no User where id = 7")).statusCode, 404);
    assert.equal(
      toHttpError(new DuplicateKeyError("dup", "users", 1, { cause: driverError })).statusCode,
      409,
    );
    const unique = toHttpError(new UniqueConstraintError("x", "users", ["email"], { cause: driverError }));
    assert.equal(unique.statusCode, 409);
    assert.deepEqual(unique.body.fields, ["email"]);
    assert.doesNotMatch(JSON.stringify(unique.body), /SQLITE|constraint failed/);
    const invalid = toHttpError(
      new ValidationError("User: invalid", [
        { path: ["email"], message: "Invalid email", code: "invalid_format" },
      ]),
    );
    assert.equal(invalid.statusCode, 400);
    assert.deepEqual(invalid.body.issues, [
      { path: "email", message: "Invalid email", code: "invalid_format" },
    ]);
    assert.equal(toHttpError(new InvalidQueryError('unknown field "x"')).statusCode, 400);
  });

  it("a lost connection is a 503 without the driver's message; anything else a generic 500", () => {
    const down = toHttpError(
      new ConnectionError(
        "lost the database connection: connect ECONNREFUSED 10.0.0.5:5432 password=hunter2",
      ),
    );
    assert.equal(down.statusCode, 503);
    assert.equal(down.serverFault, true);
    assert.doesNotMatch(JSON.stringify(down.body), /ECONNREFUSED|hunter2|10\.0\.0\.5/);
    for (const error of [
      new DatabaseError('near "FROM": syntax error in SELECT * FROM users', { cause: driverError }),
      new TypeError("Cannot read properties of undefined"),
      "a string",
      null,
      Object.assign(new Error("upstream"), { statusCode: 502 }),
    ]) {
      const answer = toHttpError(error);
      assert.equal(answer.statusCode, 500);
      assert.equal(answer.serverFault, true);
      assert.equal(answer.body.code, "INTERNAL_SERVER_ERROR");
      assert.doesNotMatch(JSON.stringify(answer.body), /SELECT|syntax|Cannot read|upstream/);
    }
  });

  it("answers a missing record with one wording, never registers/db's message naming the table", () => {
    const fromRequire = toHttpError(new RecordNotFoundError('no User in "users" where id = 99'));
    const fromRoute = toHttpError(new RecordNotFoundError("no User with id = 99"));
    assert.equal(fromRequire.statusCode, 404);
    assert.deepEqual(fromRequire.body, fromRoute.body);
    assert.doesNotMatch(fromRequire.body.message, /users/);
  });

  it("gives a client error without a code one made from its status", () => {
    const answer = toHttpError(Object.assign(new Error("slow down"), { statusCode: 429 }));
    assert.equal(answer.body.code, "TOO_MANY_REQUESTS");
    assert.equal(answer.body.message, "slow down");
  });

  it("keeps a deliberate client error's status and message", () => {
    const answer = toHttpError(
      Object.assign(new Error("wrong email or password"), { statusCode: 401, code: "BAD_LOGIN" }),
    );
    assert.deepEqual(answer.body, {
      statusCode: 401,
      error: "Unauthorized",
      code: "BAD_LOGIN",
      message: "wrong email or password",
    });
  });
});

describe("registersErrorHandler over HTTP", () => {
  let app: FastifyInstance;
  let base: string;
  const logged: Array<Record<string, any>> = [];

  before(async () => {
    const stream = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split("\n")) if (line) logged.push(JSON.parse(line));
        done();
      },
    });
    app = Fastify({ logger: { level: "info", stream } });
    await app.register(registersPlugin, { models: [] });
    const failures: Record<string, () => unknown> = {
      "not-found": () => new RecordNotFoundError("no User where id = 7"),
      duplicate: () => new UniqueConstraintError("dup", "users", ["email"], { cause: driverError }),
      connection: () => new ConnectionError("connect ECONNREFUSED 127.0.0.1:5432"),
      database: () => new DatabaseError("SELECT secret FROM users failed", { cause: driverError }),
      bug: () => new Error("internal detail: /srv/app/secret.ts:12"),
    };
    app.get("/fail/:kind", async (request) => {
      throw failures[(request.params as { kind: string }).kind]();
    });
    base = await listen(app);
  });
  after(() => app.close());

  it("answers each error with its status and a JSON body", async () => {
    const expected: Record<string, number> = {
      "not-found": 404,
      duplicate: 409,
      connection: 503,
      database: 500,
      bug: 500,
    };
    for (const [kind, status] of Object.entries(expected)) {
      const r = await http(base, "GET", `/fail/${kind}`);
      assert.equal(r.status, status, kind);
      assert.match(r.headers.get("content-type") ?? "", /application\/json/);
      assertNoLeak(r.text);
      assert.doesNotMatch(r.text, /ECONNREFUSED|secret|internal detail|SQLITE/);
    }
  });

  it("logs the full error of a server fault", async () => {
    await http(base, "GET", "/fail/database");
    const entry = logged.find(
      (l) => l.msg === "request failed" && /SELECT secret/.test(l.err?.message ?? ""),
    );
    assert.ok(entry, "the full error is in the log");
    assert.equal(entry.level, 50);
    assert.match(entry.err.stack, /DatabaseError/);
  });
});

describe("every error body has a code, and issues have one path format", () => {
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    app = Fastify();
    await app.register(registersPlugin, { models: [] });
    app.post(
      "/orders",
      { schema: { body: z.strictObject({ user_id: z.int(), note: z.string().optional() }) } },
      async function createOrder(request) {
        const body = request.body as { user_id: number };
        // Like a beforeWrite hook that checks a reference: a ValidationError naming the field.
        throw new ValidationError("the order refers to a missing user", [
          { path: ["user_id"], message: `no user ${body.user_id}`, code: "not_found" },
        ]);
      },
    );
    app.get("/denied", async function denied() {
      throw Object.assign(new Error("log in first"), { statusCode: 401 });
    });
    base = await listen(app);
  });
  after(() => app.close());

  it("an unknown route is a 404 with a code, in the same body shape as every other error", async () => {
    const r = await http(base, "GET", "/no/such/route?secret=1");
    assert.equal(r.status, 404);
    assert.match(r.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(r.json, {
      statusCode: 404,
      error: "Not Found",
      code: "FST_ERR_NOT_FOUND",
      message: "no route GET /no/such/route",
    });
    const method = await http(base, "DELETE", "/orders");
    assert.equal(method.status, 404);
    assert.equal(method.json.code, "FST_ERR_NOT_FOUND");
  });

  it("Fastify's own request errors and a client error without a code all carry a code", async () => {
    const answers = [
      await http(base, "POST", "/orders", "user_id=1", {
        "content-type": "application/x-www-form-urlencoded",
      }),
      await http(base, "POST", "/orders", "", { "content-type": "application/json" }),
      await http(base, "POST", "/orders", "{", { "content-type": "application/json" }),
      await http(base, "GET", "/denied"),
    ];
    assert.deepEqual(
      answers.map((r) => [r.status, r.json.code]),
      [
        [415, "FST_ERR_CTP_INVALID_MEDIA_TYPE"],
        [400, "FST_ERR_CTP_EMPTY_JSON_BODY"],
        [400, "FST_ERR_CTP_INVALID_JSON_BODY"],
        [401, "UNAUTHORIZED"],
      ],
    );
  });

  it("Fastify's validation and a ValidationError from the handler name the field the same way", async () => {
    const invalid = await http(base, "POST", "/orders", { user_id: "seven" });
    assert.equal(invalid.status, 400);
    assert.deepEqual(
      invalid.json.issues.map((i: { path: string; in?: string }) => [i.path, i.in]),
      [["user_id", "body"]],
    );
    const missing = await http(base, "POST", "/orders", { user_id: 7 });
    assert.equal(missing.status, 400);
    assert.equal(missing.json.code, "REGISTERS_VALIDATION");
    assert.deepEqual(
      missing.json.issues.map((i: { path: string }) => i.path),
      ["user_id"],
    );
  });
});

describe('a JSON body with a "__proto__" key', () => {
  let app: FastifyInstance;
  let base: string;
  let received: unknown[] = [];

  before(async () => {
    app = Fastify();
    await app.register(registersPlugin, { models: [] });
    app.post("/echo", async function echo(request) {
      received.push(request.body);
      return { ok: true };
    });
    base = await listen(app);
  });
  after(() => app.close());

  it("is refused with a 400 that says why, however the key is spelt", async () => {
    received = [];
    for (const body of [
      '{"name": "x", "__proto__": {"isAdmin": true}}',
      '{"nested": [{"\\u005f\\u005fproto\\u005f\\u005f": {"isAdmin": true}}]}',
    ]) {
      const r = await http(base, "POST", "/echo", body, { "content-type": "application/json" });
      assert.equal(r.status, 400, body);
      assert.equal(r.json.code, "REGISTERS_FORBIDDEN_JSON_KEY");
      assert.match(r.json.message, /"__proto__" key/);
      assert.doesNotMatch(r.json.message, /not valid JSON/);
    }
    const ctor = await http(base, "POST", "/echo", '{"constructor": {"prototype": {"isAdmin": true}}}', {
      "content-type": "application/json",
    });
    assert.equal(ctor.status, 400);
    assert.match(ctor.json.message, /"constructor" key holding a "prototype" key/);
    assert.deepEqual(received, [], "the handler never ran");
    assert.equal(({} as Record<string, unknown>).isAdmin, undefined);
  });

  it("keeps ordinary bodies, a plain constructor field and malformed JSON as before", async () => {
    received = [];
    const ok = await http(base, "POST", "/echo", { constructor: "Ann", proto: 1 });
    assert.equal(ok.status, 200, ok.text);
    assert.deepEqual(received, [{ constructor: "Ann", proto: 1 }]);
    const broken = await http(base, "POST", "/echo", '{"__proto__": ', {
      "content-type": "application/json",
    });
    assert.equal(broken.status, 400);
    assert.equal(broken.json.code, "FST_ERR_CTP_INVALID_JSON_BODY");
  });

  it("follows Fastify's onProtoPoisoning option", async () => {
    const lenient = Fastify({ onProtoPoisoning: "remove" });
    await lenient.register(registersPlugin, { models: [] });
    lenient.post("/echo", async (request) => ({ keys: Object.keys(request.body as object) }));
    const r = await lenient.inject({
      method: "POST",
      url: "/echo",
      headers: { "content-type": "application/json" },
      payload: '{"name": "x", "__proto__": {"isAdmin": true}}',
    });
    assert.equal(r.statusCode, 200);
    assert.deepEqual(r.json(), { keys: ["name"] });
    await lenient.close();
  });

  it("parseJsonBody names the key it refuses", () => {
    assert.throws(
      () => parseJsonBody('{"a": {"__proto__": null}}'),
      (error: unknown) => error instanceof ForbiddenJsonKeyError && error.key === "__proto__",
    );
    assert.deepEqual(parseJsonBody('{"a": 1}'), { a: 1 });
    assert.throws(() => parseJsonBody("{"), SyntaxError);
  });
});
