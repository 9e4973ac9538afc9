import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import Fastify, { type FastifyInstance } from "fastify";
import {
  ConnectionError,
  DatabaseError,
  DuplicateKeyError,
  InvalidQueryError,
  RecordNotFoundError,
  UniqueConstraintError,
  ValidationError,
} from "../../src/db/index.js";
import { registersPlugin, toHttpError } from "../../src/fastify/index.js";
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
