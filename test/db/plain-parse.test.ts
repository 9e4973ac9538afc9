/**
 * The compiled parses of `plain-parse.ts` against Zod itself, as properties over random data: when
 * the compiled input parse answers, Zod accepts the data and returns a deep-equal object (same keys,
 * same order); when Zod rejects, the compiled parse does not answer. The row check answers `true`
 * only for rows Zod returns unchanged. Non-plain schemas compile to `null`.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import { compileInputParse, compileRowCheck } from "../../src/db/plain-parse.js";

const schemas = {
  users: z.object({
    id: z.int().nullable().default(null),
    name: z.string(),
    email: z.string(),
    age: z.int(),
  }),
  mixed: z.object({
    id: z.int().nullable().default(null),
    score: z.number().default(1.5),
    active: z.boolean().default(true),
    nick: z.string().optional(),
    note: z.string().nullable(),
    level: z.int().nullable().optional(),
  }),
};

const anyValue = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(2 ** 60),
  fc.constant(Number.NaN),
  fc.constant(Number.POSITIVE_INFINITY),
  fc.constant("12"),
);

function record(schema: z.ZodObject) {
  const keys = Object.keys(schema.shape);
  return fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: keys.length });
}

describe("compileInputParse", () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: answers exactly what Zod returns, never for data Zod rejects`, () => {
      const parse = compileInputParse(schema);
      assert.notEqual(parse, null);
      fc.assert(
        fc.property(record(schema), (data) => {
          const fast = parse?.(data);
          const zod = schema.safeParse(data);
          if (fast === undefined) return;
          assert.equal(zod.success, true);
          assert.deepStrictEqual(fast, zod.data);
          assert.deepEqual(Object.keys(fast), Object.keys(zod.data as object));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it("proves ordinary valid data (the fast path is taken)", () => {
    const parse = compileInputParse(schemas.users);
    assert.deepEqual(parse?.({ name: "Ann", email: "a@x", age: 3 }), {
      id: null,
      name: "Ann",
      email: "a@x",
      age: 3,
    });
  });

  it("reads function defaults on every call, as Zod does", () => {
    let n = 0;
    const schema = z.object({ id: z.int().default(() => ++n) });
    const parse = compileInputParse(schema);
    assert.deepEqual([parse?.({}), parse?.({})], [{ id: 1 }, { id: 2 }]);
  });

  it("compiles to null for fields with checks, formats, enums, dates or transforms", () => {
    for (const field of [
      z.string().max(3),
      z.email(),
      z.enum(["a", "b"]),
      z.date(),
      z.string().transform((s) => s.trim()),
      z.int().min(0),
    ]) {
      assert.equal(compileInputParse(z.object({ id: z.int(), field })), null);
    }
    assert.equal(compileInputParse(z.object({ id: z.int() }).refine(() => true) as never), null);
    assert.equal(compileInputParse(z.object({ id: z.int() }).catchall(z.string())), null);
  });
});

describe("compileRowCheck", () => {
  it("answers true only for rows Zod returns unchanged", () => {
    const schema = schemas.mixed;
    const columns = Object.keys(schema.shape);
    const check = compileRowCheck(schema, columns);
    assert.notEqual(check, null);
    fc.assert(
      fc.property(record(schema), (data) => {
        const row = { ...data };
        if (check?.(row) !== true) return;
        const zod = schema.safeParse(data);
        assert.equal(zod.success, true);
        assert.deepStrictEqual(row, zod.data);
      }),
      { numRuns: 2000 },
    );
  });

  it("parses non-plain fields with their own schema and writes back only when all pass", () => {
    const schema = z.object({ id: z.int(), when: z.date(), label: z.string().max(3) });
    const check = compileRowCheck(schema, ["id", "when", "label"]);
    const when = new Date(0);
    const good = { id: 1, when, label: "abc" };
    assert.equal(check?.(good), true);
    assert.deepStrictEqual(good, schema.parse({ id: 1, when, label: "abc" }));
    const bad = { id: 1, when, label: "abcd" };
    assert.equal(check?.(bad), false);
    assert.equal(bad.label, "abcd");
  });
});
