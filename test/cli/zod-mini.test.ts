/**
 * `zod/mini` schemas as command arguments: registers/cli reads Zod 4's core definitions, which
 * `zod/mini` shares with `zod`, so the same command declared with either parses, validates,
 * defaults and documents its arguments identically.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import * as zm from "zod/mini";
import { CommandRegistry } from "../../src/cli/index.js";
import { runCaptured } from "./_support.js";

function app(flavour: "zod" | "mini") {
  const cli = new CommandRegistry({ name: "app" });
  const args =
    flavour === "zod"
      ? {
          name: z.string(),
          kind: z.enum(["a", "b"]),
          times: z.number().optional(),
          loud: z.boolean().default(false),
          pages: z.int().check(z.positive()),
        }
      : {
          name: zm.string(),
          kind: zm.enum(["a", "b"]),
          times: zm.optional(zm.number()),
          loud: zm._default(zm.boolean(), false),
          pages: zm.int().check(zm.positive()),
        };
  cli.register({ name: "greet", description: "Greet", args }, (parsed) => parsed);
  return cli;
}

describe("zod/mini arguments", () => {
  for (const argv of [
    ["greet", "Ann", "b", "2"],
    ["greet", "Ann", "a", "1", "--times", "3", "--loud"],
    ["greet", "Ann", "c", "1"],
    ["greet", "Ann", "a", "1", "--times", "x"],
    ["greet", "Ann", "a", "0"],
    ["greet", "--help"],
  ]) {
    it(`behaves as zod for ${argv.join(" ")}`, async () => {
      const full = await runCaptured(app("zod"), argv);
      const mini = await runCaptured(app("mini"), argv);
      assert.deepEqual(mini, full);
    });
  }

  it("parses and defaults with zod/mini", async () => {
    const { result, code } = await runCaptured(app("mini"), ["greet", "Ann", "b", "2", "--times", "1.5"]);
    assert.equal(code ?? 0, 0);
    assert.deepEqual(result, { name: "Ann", kind: "b", pages: 2, times: 1.5, loud: false });
  });
});
