import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { ConfigurationError } from "../../src/db/index.js";
import { describeField, describeShape } from "../../src/db/zod-to-columns.js";

describe("zod-to-columns", () => {
  it("maps scalar types to column kinds", () => {
    const kinds = describeShape(
      z.object({
        a: z.int(),
        b: z.number().int(),
        c: z.number(),
        d: z.boolean(),
        e: z.string(),
        f: z.uuid(),
        g: z.date(),
        h: z.bigint(),
        i: z.enum(["x", "y"]),
        j: z.literal("only"),
        k: z.object({ x: z.int() }),
        l: z.array(z.string()),
        m: z.record(z.string(), z.int()),
        n: z.int32(),
        o: z.string().uuid(),
      }),
    ).map((f) => [f.name, f.kind]);
    assert.deepEqual(Object.fromEntries(kinds), {
      a: "integer",
      b: "integer",
      c: "float",
      d: "boolean",
      e: "string",
      f: "uuid",
      g: "date",
      h: "bigint",
      i: "enum",
      j: "enum",
      k: "json",
      l: "json",
      m: "json",
      n: "integer",
      o: "uuid",
    });
  });

  it("unwraps nullable, optional, default, readonly and pipes", () => {
    const id = describeField("id", z.int().nullable().default(null));
    assert.deepEqual(
      [id.kind, id.nullable, id.optional, id.hasDefault, id.defaultValue],
      ["integer", true, true, true, null],
    );
    const opt = describeField("o", z.string().optional());
    assert.deepEqual([opt.kind, opt.nullable, opt.optional], ["string", false, true]);
    const score = describeField("s", z.int().default(3));
    assert.deepEqual([score.nullable, score.defaultValue], [false, 3]);
    assert.equal(
      describeField(
        "t",
        z.string().transform((s) => s.length),
      ).kind,
      "string",
    );
    assert.equal(describeField("r", z.date().readonly()).kind, "date");
    assert.deepEqual(describeField("e", z.enum(["a", "b"])).enumValues, ["a", "b"]);
  });

  it("refuses types a column cannot hold", () => {
    assert.throws(() => describeField("f", z.function() as never), ConfigurationError);
    assert.throws(() => describeField("m", z.map(z.string(), z.int())), ConfigurationError);
    assert.throws(() => describeShape(z.string()), ConfigurationError);
  });
});
