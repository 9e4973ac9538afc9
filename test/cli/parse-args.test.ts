import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { z } from "zod";
import {
  buildParser,
  CommandRegistry,
  DIContainer,
  OUTPUT_FORMATS,
  type OutputFormat,
  SHELLS,
  type Shell,
  UsageError,
} from "../../src/cli/index.js";
import { runCaptured } from "./_support.js";

class Service {}

/** An app with every argument kind, in Zod and in plain descriptors. */
function app() {
  const cli = new CommandRegistry({ name: "app" });
  cli.register(
    {
      name: "report",
      ops: ["-r"],
      args: {
        title: z.string(),
        pages: z.int(),
        ratio: z.number().optional(),
        verbose: z.boolean(),
        output: z.string().optional(),
        note: z.string().nullable(),
        limit: z.int().default(10),
        level: z.enum(["low", "high"]).default("low"),
        dryRun: z.boolean(),
        count: z.int().positive().optional(),
        service: Service,
      },
    },
    (a) => a,
  );
  cli.register(
    {
      name: "plain",
      args: {
        name: String,
        size: Number,
        loud: Boolean,
        limit: { type: Number, integer: true, default: 5 },
        tag: { optional: true },
        mode: { choices: ["a", "b"] },
      },
    },
    (a) => a,
  );
  cli.group("db").register({ name: "migrate", args: { steps: z.int().default(1) } }, (a) => a);
  return cli;
}

const parse = (argv: string[]) => buildParser(app()).parse(argv);
function usage(argv: string[], message: RegExp, command?: string) {
  assert.throws(
    () => parse(argv),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `UsageError for ${JSON.stringify(argv)}, got ${err}`);
      assert.match(err.message, message);
      assert.equal(err.command, command);
      return true;
    },
  );
}

describe("buildParser(...).parse", () => {
  it("parses positionals, options, flags and defaults", () => {
    assert.deepEqual(parse(["report", "Q3", "12"]), {
      kind: "command",
      command: "report",
      verbose: false,
      args: {
        title: "Q3",
        pages: 12,
        ratio: undefined,
        verbose: false,
        output: undefined,
        note: null,
        limit: 10,
        level: "low",
        dryRun: false,
        count: undefined,
      },
    });
    const r = parse([
      "-r",
      "--dry-run",
      "Q3",
      "--limit=3",
      "-12",
      "--level",
      "high",
      "--verbose",
      "--ratio",
      "-0.5",
      "--output",
      "out.txt",
      "--note",
      "n",
      "--count",
      "2",
    ]);
    assert.equal(r.kind, "command");
    if (r.kind !== "command") return;
    assert.deepEqual(r.args, {
      title: "Q3",
      pages: -12,
      ratio: -0.5,
      verbose: true,
      output: "out.txt",
      note: "n",
      limit: 3,
      level: "high",
      dryRun: true,
      count: 2,
    });
    assert.equal(r.verbose, false, "--verbose after a command that declares it is the command's flag");
    assert.equal(r.output, undefined, "--output declared by the command is the command's option");
  });

  it("parses plain descriptors the same way", () => {
    const r = parse(["plain", "Ann", "1.5", "b", "--loud", "--tag", "x"]);
    assert.deepEqual(r.kind === "command" && r.args, {
      name: "Ann",
      size: 1.5,
      loud: true,
      limit: 5,
      tag: "x",
      mode: "b",
    });
    const d = parse(["plain", "Ann", "2", "a", "--no-loud", "--limit", "7"]);
    assert.deepEqual(d.kind === "command" && d.args, {
      name: "Ann",
      size: 2,
      loud: false,
      limit: 7,
      tag: undefined,
      mode: "a",
    });
  });

  it("`--` ends the options, so a positional may start with a dash", () => {
    const r = parse(["plain", "--", "--odd", "3", "a"]);
    assert.equal(r.kind === "command" && r.args.name, "--odd");
  });

  it("recognises help, version, completion, groups and global options", () => {
    assert.deepEqual(parse([]), { kind: "none", group: "", verbose: false });
    assert.deepEqual(parse(["--help"]), { kind: "help", command: "", verbose: false });
    assert.deepEqual(parse(["-h"]), { kind: "help", command: "", verbose: false });
    assert.deepEqual(parse(["--version"]), { kind: "version", verbose: false });
    assert.deepEqual(parse(["report", "-h"]), { kind: "help", command: "report", verbose: false });
    assert.deepEqual(parse(["report", "--bogus", "--help"]), {
      kind: "help",
      command: "report",
      verbose: false,
    });
    assert.deepEqual(parse(["db"]), { kind: "none", group: "db", verbose: false });
    assert.deepEqual(parse(["db", "--help"]), { kind: "help", command: "db", verbose: false });
    assert.deepEqual(parse(["completion", "zsh"]), { kind: "completion", shell: "zsh", verbose: false });
    const m = parse(["--verbose", "--output", "json", "db", "migrate", "--steps", "4"]);
    assert.deepEqual(m, {
      kind: "command",
      command: "db migrate",
      args: { steps: 4 },
      verbose: true,
      output: "json",
    });
    const after = parse(["plain", "a", "1", "a", "--verbose", "--output=table"]);
    assert.equal(after.verbose, true);
    assert.equal(after.kind === "command" && after.output, "table");
  });

  it("reports every usage error with a typed UsageError naming the command", () => {
    usage(["report"], /missing required argument <title>/, "report");
    usage(["report", "Q3"], /missing required argument <pages>/, "report");
    usage(["report", "Q3", "x"], /invalid value 'x' for <pages>: expected an integer/, "report");
    usage(["report", "Q3", "1.5"], /expected an integer/, "report");
    usage(["report", "Q3", "99999999999999999999"], /expected an integer/, "report");
    usage(["plain", "a", "NaN", "a"], /expected a number/, "plain");
    usage(["plain", "a", "1e999", "a"], /expected a number/, "plain");
    usage(["plain", "a", "0x10", "a"], /expected a number/, "plain");
    usage(["plain", "a", "", "a"], /expected a number/, "plain");
    usage(["report", "Q3", "1", "extra"], /unexpected argument 'extra'/, "report");
    usage(["report", "Q3", "1", "--nope"], /unknown option --nope/, "report");
    usage(["report", "Q3", "1", "--limt", "3"], /unknown option --limt \(did you mean --limit\?\)/, "report");
    usage(["report", "Q3", "1", "-x"], /unknown option -x/, "report");
    usage(["report", "Q3", "1", "--limit"], /option --limit needs a value/, "report");
    usage(["report", "Q3", "1", "--limit", "--verbose"], /option --limit needs a value/, "report");
    usage(["report", "Q3", "1", "--limit", "ten"], /invalid value 'ten' for --limit/, "report");
    usage(["report", "Q3", "1", "--verbose", "false"], /--verbose takes no value/, "report");
    usage(["report", "Q3", "1", "--verbose=true"], /--verbose takes no value/, "report");
    usage(["report", "Q3", "1", "--no-verbose=1"], /takes no value/, "report");
    usage(["report", "Q3", "1", "--level", "mid"], /expected one of low, high/, "report");
    usage(["report", "Q3", "1", "--count", "0"], /invalid value '0' for --count: Too small/, "report");
    usage(["report", "Q3", "1", "--service", "x"], /unknown option --service/, "report");
    usage(["plain", "a", "1", "c"], /invalid value 'c' for <mode>: expected one of a, b/, "plain");
    usage(["db", "migrate", "--steps"], /needs a value/, "db migrate");
    usage(["completion"], /completion needs a shell/, "completion");
    usage(["completion", "tcsh"], /unknown shell 'tcsh'/, "completion");
    usage(["--output", "yaml", "report"], /invalid value 'yaml' for --output/);
    usage(["--output"], /--output needs a value/);
    usage(["--nope"], /unknown option --nope/);
    usage(["--verbos"], /did you mean --verbose/);
  });

  it("an unknown command is an UnknownCommandError (a UsageError) with suggestions", () => {
    assert.throws(() => parse(["reprot"]), { code: "E_UNKNOWN_COMMAND", suggestions: ["report"] });
    assert.throws(() => parse(["db", "migrat"]), {
      code: "E_UNKNOWN_COMMAND",
      suggestions: ["migrate"],
      command: "db",
    });
  });

  it("with a container, every dependency must be bound when the parser is built", () => {
    assert.throws(() => buildParser(app(), new DIContainer()), { code: "E_DEPENDENCY_NOT_FOUND" });
    const container = new DIContainer().register(Service, new Service());
    assert.equal(buildParser(app(), container).parse(["plain", "a", "1", "a"]).kind, "command");
  });
});

describe("parser properties (fast-check)", () => {
  const tokens = fc.oneof(
    fc.constantFrom(
      "report",
      "-r",
      "plain",
      "db",
      "migrate",
      "completion",
      "bash",
      "--",
      "-",
      "",
      "--help",
      "-h",
      "--version",
      "--verbose",
      "--output",
      "--output=json",
      "--limit",
      "--limit=",
      "--level",
      "high",
      "--no-loud",
      "--loud",
      "--dry-run",
      "--tag",
      "--count",
      "true",
      "false",
      "NaN",
      "-0",
      "1e308",
      "1e309",
      "99999999999999999999",
      "-12",
      "3",
      "a",
      "b",
      "Ωmega",
      "🙂",
      "\u0000",
      "--=",
      "---",
    ),
    fc.string(),
    fc.string({ unit: "grapheme" }),
    fc.integer().map(String),
    fc.double().map(String),
  );

  it("random argv gives a parse result or a UsageError, never anything else", () => {
    const parser = buildParser(app());
    fc.assert(
      fc.property(fc.array(tokens, { maxLength: 12 }), (argv) => {
        try {
          const r = parser.parse(argv);
          assert.ok(["command", "help", "version", "none", "completion"].includes(r.kind));
          if (r.kind === "command") assert.ok(typeof r.command === "string" && typeof r.args === "object");
        } catch (err) {
          if (!(err instanceof UsageError)) throw err;
          assert.ok(err.message.length > 0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it("numbers and strings round-trip through positionals", () => {
    const parser = buildParser(app());
    fc.assert(
      fc.property(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), (name, size) => {
        const r = parser.parse(["plain", "--", name, String(size), "a"]);
        assert.equal(r.kind, "command");
        if (r.kind !== "command") return;
        assert.equal(r.args.name, name);
        assert.ok(r.args.size === size, `${r.args.size} === ${size}`);
      }),
      { numRuns: 500 },
    );
  });

  it("run() on random argv exits 0, 1 or 2 and never prints a stack trace", async () => {
    const container = new DIContainer().register(Service, new Service());
    await fc.assert(
      fc.asyncProperty(fc.array(tokens, { maxLength: 10 }), async (argv) => {
        const r = await runCaptured(app(), argv, { container });
        assert.ok(r.code === 0 || r.code === 1 || r.code === 2, `exit ${r.code} for ${JSON.stringify(argv)}`);
        assert.doesNotMatch(r.stderr, /\n\s+at /);
        if (r.code === 2) assert.match(r.stderr, /^error: [^\n]+\n/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("value lists", () => {
  it("SHELLS and OUTPUT_FORMATS list every value of Shell and OutputFormat (types.ts declares the unions)", () => {
    // Compile-time: a value of the union missing from its list makes the `true` below a type error.
    const everyShell: [Exclude<Shell, (typeof SHELLS)[number]>] extends [never] ? true : false = true;
    const everyFormat: [Exclude<OutputFormat, (typeof OUTPUT_FORMATS)[number]>] extends [never]
      ? true
      : false = true;
    assert.ok(everyShell && everyFormat);
    assert.deepEqual([...SHELLS], ["bash", "zsh", "fish"]);
    assert.deepEqual([...OUTPUT_FORMATS], ["json", "table", "plain", "csv"]);
  });
});
