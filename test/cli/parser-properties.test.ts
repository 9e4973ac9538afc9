// Property tests (fast-check) for the parser's short flags, clusters, repeatable options, variadic
// positionals and environment variables: whatever the spelling, the same values come out, and a
// repeated single-value option is always a usage error.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import { parseCommandArgs, toArgSpecs, UsageError } from "../../src/cli/index.js";

const specs = toArgSpecs({
  verbose: { type: Boolean, short: "v" },
  force: { type: Boolean, short: "f" },
  all: z.boolean().meta({ short: "a" }),
  out: { type: String, short: "o", optional: true },
  tag: { type: [String], short: "t", optional: true },
  n: { type: Number, integer: true, short: "n", optional: true, env: "N" },
  files: { type: [String] },
});
const parse = (argv: string[], env: Record<string, string> = {}) =>
  parseCommandArgs(specs, argv, "t", { env }).values;

/** A value that never reads as an option (no leading dash) and survives as a token. */
const value = fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !s.startsWith("-"));
const flags = fc.subarray(["v", "f", "a"] as const, { minLength: 1 });

describe("parser properties: short flags, arrays, variadic, env (fast-check)", () => {
  it("a cluster of short flags equals the flags given one by one, in any order", () => {
    fc.assert(
      fc.property(flags, fc.array(value, { minLength: 1, maxLength: 3 }), (letters, files) => {
        const cluster = parse([`-${letters.join("")}`, ...files]);
        const apart = parse([...letters.map((l) => `-${l}`), ...files]);
        const long = parse([
          ...letters.map((l) => ({ v: "--verbose", f: "--force", a: "--all" })[l]),
          ...files,
        ]);
        assert.deepEqual(cluster, apart);
        assert.deepEqual(cluster, long);
        for (const l of ["v", "f", "a"] as const)
          assert.equal(cluster[{ v: "verbose", f: "force", a: "all" }[l]], letters.includes(l));
      }),
    );
  });

  it("a short option takes its value attached, after =, or as the next token; a cluster may end with it", () => {
    fc.assert(
      fc.property(flags, value, (letters, out) => {
        const expected = parse([...letters.map((l) => `-${l}`), "-o", out, "x"]);
        assert.equal(expected.out, out);
        // (an attached value loses one leading "=": `-o=x` and `-ox` both give "x")
        const attached = out.startsWith("=") ? `=${out}` : out;
        assert.deepEqual(parse([`-${letters.join("")}o${attached}`, "x"]), expected);
        assert.deepEqual(parse([`-${letters.join("")}o`, out, "x"]), expected);
        if (!out.startsWith("="))
          assert.deepEqual(parse([`-o=${out}`, "x", ...letters.map((l) => `-${l}`)]), expected);
      }),
    );
  });

  it("a repeatable option keeps every value in order, whatever the spelling of each", () => {
    const spelling = fc.constantFrom("--tag", "--tag=", "-t", "-t=", "-t+");
    fc.assert(
      fc.property(fc.array(fc.tuple(spelling, value), { maxLength: 6 }), (given) => {
        const argv: string[] = [];
        for (const [how, v] of given) {
          if (how === "--tag" || how === "-t") argv.push(how, v);
          else if (how === "-t+") argv.push(`-t${v}`);
          else argv.push(`${how}${v}`);
        }
        const values = parse([...argv, "f"]);
        assert.deepEqual(
          values.tag,
          given.map(([how, v]) => (how === "-t+" && v.startsWith("=") ? v.slice(1) : v)),
        );
      }),
    );
  });

  it("a single-value option given twice is always a usage error", () => {
    const spelling = fc.constantFrom("--out", "-o", "--out=", "-o=");
    fc.assert(
      fc.property(spelling, spelling, value, value, (a, b, x, y) => {
        const token = (how: string, v: string) => (how.endsWith("=") ? [`${how}${v}`] : [how, v]);
        assert.throws(() => parse([...token(a, x), "f", ...token(b, y)]), UsageError);
      }),
    );
  });

  it("the variadic last positional takes every loose token, in order, around options", () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 6 }), fc.nat({ max: 6 }), (files, at) => {
        const argv = [...files];
        argv.splice(Math.min(at, argv.length), 0, "-v");
        const values = parse(argv);
        assert.deepEqual(values.files, files);
        assert.equal(values.verbose, true);
      }),
    );
  });

  it("an environment variable fills an option only when the command line leaves it out", () => {
    fc.assert(
      fc.property(fc.option(fc.integer(), { nil: undefined }), fc.integer(), (argv, env) => {
        const values = parse([...(argv === undefined ? [] : ["-n", String(argv)]), "f"], { N: String(env) });
        assert.equal(values.n, argv ?? env);
      }),
    );
  });
});
