// Declarations of issue 18's settings that are wrong fail at registration, with a stable code and
// a message saying what to write instead; and the output formatter's csv, empty-table and
// terminal defaults, tested directly.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { CommandRegistry, formatResult, NO_ROWS } from "../../src/cli/index.js";
import { runCaptured } from "./_support.js";

const refuse = (args: Record<string, unknown>, message: RegExp) =>
  assert.throws(() => new CommandRegistry().register({ name: "x", args: args as never }, () => 1), {
    code: "E_ARGUMENT_DEFINITION",
    message,
  });

describe("issue 18 declarations", () => {
  it("short names: one letter, not -h, unique, and only for options and flags", () => {
    refuse({ v: { type: Boolean, short: "vv" } }, /short must be one letter, such as "v", got "vv"/);
    refuse({ v: { type: Boolean, short: "1" } }, /short must be one letter/);
    refuse({ v: { type: Boolean, short: "h" } }, /-h is reserved for help/);
    refuse(
      { a: { type: Boolean, short: "v" }, b: z.boolean().meta({ short: "v" }) },
      /'a' and 'b' both use -v/,
    );
    refuse({ name: { type: String, short: "n" } }, /a positional argument has no short name/);
  });

  it("arrays: one element type, an array default, the variadic positional last, no boolean arrays", () => {
    refuse({ files: { type: [String, Number] } }, /an array type holds one type/);
    refuse({ tags: { type: [String], default: "a" } }, /the default of an array argument is an array/);
    refuse({ tags: { type: String, default: ["a"] } }, /an array default needs an array type/);
    refuse(
      { files: { type: [String] }, last: String },
      /'files' takes many values, so it must be the last positional/,
    );
    refuse({ flags: { type: [Boolean] } }, /\[Boolean\] is not supported/);
    refuse({ flags: z.array(z.boolean()) }, /an array of booleans cannot be read/);
    refuse(
      { tags: { type: [String], choices: ["a"], default: ["b"] } },
      /default b is not one of its choices/,
    );
    refuse({ port: { type: Number, env: "" } }, /env must be a variable name/);
    refuse({ e: { schema: "nope" } }, /schema must be a Zod schema/);
  });

  it("a command's default output and confirm are checked", () => {
    const cli = new CommandRegistry();
    assert.throws(() => cli.register({ name: "x", output: "xml" as never }, () => 1), {
      code: "E_OUTPUT_FORMAT",
    });
    assert.throws(() => cli.register({ name: "y", confirm: 3 as never }, () => 1), { code: "E_CONFIRM" });
  });

  it("enableShell adds one `shell` command (or the name given); piped, it is a usage error", async () => {
    const cli = new CommandRegistry({ name: "app" }).enableShell({ name: "repl" });
    assert.equal(cli.get("repl").fullName, "repl");
    const r = await runCaptured(cli, ["repl"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: 'repl' needs a terminal/);
  });

  it("a default is an answer: an argument that has one is never asked for", async () => {
    const cli = new CommandRegistry({ name: "app" });
    cli.register({ name: "go", args: { n: { type: Number, prompt: true, default: 1 } } }, ({ n }) => n * 2);
    assert.equal((await runCaptured(cli, ["go"], { interactive: true })).stdout, "2\n");
  });
});

describe("formatResult: csv, empty tables, terminals", () => {
  const rows = [
    { id: 1, title: "milk, oat", at: new Date("2024-01-02T03:04:05Z"), tags: ["a"], n: null },
    { id: 2, title: 'say "hi"\nbye', big: 12n },
  ];

  it("csv: a header from the union of keys, RFC 4180 quoting, dates as ISO, objects as JSON", () => {
    assert.equal(
      formatResult(rows, "csv"),
      'id,title,at,tags,n,big\n1,"milk, oat",2024-01-02T03:04:05.000Z,"[""a""]",,\n2,"say ""hi""\nbye",,,,12\n',
    );
    assert.equal(formatResult({ a: 1 }, "csv"), "a\n1\n");
    assert.equal(formatResult(["x", "y,z"], "csv"), 'x\n"y,z"\n');
    assert.equal(formatResult([], "csv"), "");
  });

  it("an empty table says so; an array of records is a table on a terminal, JSON elsewhere", () => {
    assert.equal(formatResult([], "table"), NO_ROWS);
    assert.equal(formatResult([], undefined, { tty: true }), NO_ROWS);
    assert.equal(formatResult([{ id: 1 }], undefined, { tty: true }), "id\n--\n1");
    assert.equal(formatResult([{ id: 1 }], undefined, { tty: false }), '[\n  {\n    "id": 1\n  }\n]');
    assert.equal(formatResult(["a"], undefined, { tty: true }), '[\n  "a"\n]');
  });
});
