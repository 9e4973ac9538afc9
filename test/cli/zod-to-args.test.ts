import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { type ArgSpec, isZodSchema, toArgSpecs, zodToArg } from "../../src/cli/index.js";

const map = (schema: unknown): ArgSpec => zodToArg("value", "--value", schema as never);
const pick = (s: ArgSpec) => ({ kind: s.kind, type: s.type, hasDefault: s.hasDefault });

describe("zodToArg", () => {
  it("maps each Zod kind to an argument kind", () => {
    assert.deepEqual(pick(map(z.string())), { kind: "positional", type: "string", hasDefault: false });
    assert.deepEqual(pick(map(z.int())), { kind: "positional", type: "int", hasDefault: false });
    assert.deepEqual(pick(map(z.number().int())), { kind: "positional", type: "int", hasDefault: false });
    assert.deepEqual(pick(map(z.number())), { kind: "positional", type: "number", hasDefault: false });
    assert.deepEqual(pick(map(z.bigint())), { kind: "positional", type: "bigint", hasDefault: false });
    assert.deepEqual(pick(map(z.boolean())), { kind: "flag", type: "boolean", hasDefault: false });
    assert.deepEqual(pick(map(z.string().optional())), { kind: "option", type: "string", hasDefault: false });
    assert.deepEqual(pick(map(z.string().nullable())), { kind: "option", type: "string", hasDefault: false });
    assert.deepEqual(pick(map(z.int().default(10))), { kind: "option", type: "int", hasDefault: true });
    assert.deepEqual(pick(map(z.email())), { kind: "positional", type: "string", hasDefault: false });
    assert.deepEqual(pick(map(z.string().transform((s) => s.length))), {
      kind: "positional",
      type: "string",
      hasDefault: false,
    });
  });

  it("reads defaults, choices, descriptions and the absent value", () => {
    assert.equal(map(z.int().default(10)).defaultValue, 10);
    const e = map(z.enum(["low", "high"]).default("low"));
    assert.deepEqual(
      [e.kind, e.type, e.choices, e.defaultValue],
      ["option", "choice", ["low", "high"], "low"],
    );
    const required = map(z.enum(["a", "b"]));
    assert.equal(required.kind, "positional");
    const lit = map(z.union([z.literal("x"), z.literal(2)]));
    assert.deepEqual(lit.choices, ["x", 2]);
    assert.equal(map(z.string().describe("who to greet")).description, "who to greet");
    assert.equal(map(z.string().describe("inner").optional()).description, "inner");
    assert.equal(map(z.string().nullable()).absent, null);
    assert.equal(map(z.string().nullable().optional()).absent, undefined);
  });

  it("validates through the schema (checks and transforms)", () => {
    const s = map(z.int().positive());
    assert.deepEqual(s.validate?.(3), { ok: true, value: 3 });
    const bad = s.validate?.(-1);
    assert.equal(bad?.ok, false);
    assert.deepEqual(map(z.string().transform((x) => x.length)).validate?.("abc"), { ok: true, value: 3 });
  });

  it("refuses schemas the command line cannot express", () => {
    for (const s of [
      z.array(z.object({ a: z.string() })),
      z.array(z.boolean()),
      z.object({ a: z.string() }),
      z.date(),
      z.union([z.string(), z.number()]),
    ])
      assert.throws(() => map(s), { code: "E_ARGUMENT_DEFINITION" });
  });

  it("isZodSchema is structural", () => {
    assert.equal(isZodSchema(z.string()), true);
    assert.equal(isZodSchema(String), false);
    assert.equal(isZodSchema({ type: String }), false);
    assert.equal(isZodSchema(null), false);
  });
});

describe("toArgSpecs with plain descriptors", () => {
  class Service {}
  it("maps String, Number, Boolean, descriptor objects and dependency classes", () => {
    const specs = toArgSpecs({
      name: String,
      pages: Number,
      verbose: Boolean,
      limit: { type: Number, integer: true, default: 10 },
      ratio: { default: 0.5 },
      tag: { type: String, optional: true, description: "a tag" },
      level: { choices: ["low", "high"], default: "low" },
      mode: { choices: ["a", "b"] },
      dryRun: { type: Boolean },
      service: Service,
    });
    const view = Object.fromEntries(specs.map((s) => [s.key, [s.flag, s.kind, s.type]]));
    assert.deepEqual(view, {
      name: ["--name", "positional", "string"],
      pages: ["--pages", "positional", "number"],
      verbose: ["--verbose", "flag", "boolean"],
      limit: ["--limit", "option", "int"],
      ratio: ["--ratio", "option", "number"],
      tag: ["--tag", "option", "string"],
      level: ["--level", "option", "choice"],
      mode: ["--mode", "positional", "choice"],
      dryRun: ["--dry-run", "flag", "boolean"],
      service: ["--service", "dependency", "string"],
    });
    assert.equal(specs.find((s) => s.key === "service")?.dependency, Service);
    assert.equal(specs.find((s) => s.key === "tag")?.description, "a tag");
  });

  it("refuses bad descriptors", () => {
    assert.throws(() => toArgSpecs({ x: { type: Date as never } }), { code: "E_ARGUMENT_DEFINITION" });
    assert.throws(() => toArgSpecs({ x: { choices: [] } }), { code: "E_ARGUMENT_DEFINITION" });
    assert.throws(
      () => toArgSpecs({ x: { choices: ["a"], default: "b" as never } }),
      /not one of its choices/,
    );
    assert.throws(() => toArgSpecs({ x: 5 as never }), { code: "E_ARGUMENT_DEFINITION" });
  });
});
