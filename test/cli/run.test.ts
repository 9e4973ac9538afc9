import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import { CommandRegistry, DIContainer, FrameworkError, MiddlewareChain } from "../../src/cli/index.js";
import { runCaptured } from "./_support.js";

function app() {
  const cli = new CommandRegistry({ name: "app", version: "9.8.7", description: "A test app" });
  cli.register(
    {
      name: "greet",
      description: "Greet someone by name",
      ops: ["-g", "--greet"],
      args: { name: z.string() },
    },
    ({ name }) => `Hello, ${name}!`,
  );
  cli.register(
    {
      name: "create-report",
      description: "Generate a report",
      args: {
        title: z.string().describe("report title"),
        pages: z.int(),
        verbose: z.boolean(),
        output: z.string().optional(),
        limit: z.int().default(10),
        level: z.enum(["low", "high"]).default("low"),
      },
    },
    (args) => args,
  );
  cli.register({ name: "rows" }, () => [
    { id: 1, title: "milk", done: false },
    { id: 2, title: "bread", done: true },
  ]);
  cli.register({ name: "nothing" }, () => undefined);
  cli.register({ name: "nil" }, () => null);
  cli.register({ name: "slow", args: { ms: Number } }, async ({ ms }) => {
    await new Promise((r) => setTimeout(r, ms));
    return `waited ${ms}`;
  });
  cli.register({ name: "boom" }, () => {
    throw new Error("disk full");
  });
  cli.register({ name: "reject" }, async () => {
    throw new TypeError("bad thing");
  });
  cli.register({ name: "throw-string" }, () => {
    throw "plain string";
  });
  cli
    .group("db", { description: "Database tasks" })
    .register({ name: "migrate", ops: ["m"] }, () => "migrated");
  return cli;
}

describe("run(): success", () => {
  it("every alias form runs the command and prints its string result as is", async () => {
    for (const argv of [
      ["greet", "Alice"],
      ["--greet", "Alice"],
      ["-g", "Alice"],
      ["g", "Alice"],
    ]) {
      const r = await runCaptured(app(), argv);
      assert.deepEqual(
        [r.stdout, r.stderr, r.code, r.result],
        ["Hello, Alice!\n", "", 0, "Hello, Alice!"],
        argv.join(" "),
      );
    }
  });

  it("prints other values as pretty JSON and resolves to the result", async () => {
    const r = await runCaptured(app(), ["create-report", "Q3", "12", "--verbose"]);
    const expected = { title: "Q3", pages: 12, verbose: true, limit: 10, level: "low" };
    assert.deepEqual(JSON.parse(r.stdout), expected);
    assert.match(r.stdout, /^\{\n {2}"title": "Q3",/);
    assert.deepEqual(r.result, { ...expected, output: undefined });
    assert.equal(r.code, 0);
  });

  it("prints nothing for undefined or null, or with printResult: false", async () => {
    for (const cmd of ["nothing", "nil"]) {
      const r = await runCaptured(app(), [cmd]);
      assert.deepEqual([r.stdout, r.code], ["", 0]);
    }
    const quiet = await runCaptured(app(), ["greet", "Bo"], { printResult: false });
    assert.deepEqual([quiet.stdout, quiet.result, quiet.code], ["", "Hello, Bo!", 0]);
  });

  it("awaits async handlers", async () => {
    const r = await runCaptured(app(), ["slow", "20"]);
    assert.deepEqual([r.stdout, r.code], ["waited 20\n", 0]);
  });

  it("runs commands of nested groups", async () => {
    assert.equal((await runCaptured(app(), ["db", "migrate"])).stdout, "migrated\n");
    assert.equal((await runCaptured(app(), ["db", "m"])).stdout, "migrated\n");
  });

  it("--output json|table|plain", async () => {
    const table = await runCaptured(app(), ["rows", "--output", "table"]);
    assert.equal(table.stdout, "id  title  done\n--  -----  -----\n1   milk   false\n2   bread  true\n");
    const plain = await runCaptured(app(), ["--output", "plain", "rows"]);
    assert.equal(plain.stdout, "1\tmilk\tfalse\n2\tbread\ttrue\n");
    const json = await runCaptured(app(), ["greet", "A", "--output=json"]);
    assert.equal(json.stdout, '"Hello, A!"\n');
    const own = await runCaptured(app(), ["create-report", "T", "1", "--output", "x.txt"]);
    assert.equal(JSON.parse(own.stdout).output, "x.txt", "a command's own --output option wins");
  });
});

describe("run(): help and version", () => {
  it("--help and -h print the top-level help to stdout, exit 0", async () => {
    for (const flag of ["--help", "-h"]) {
      const r = await runCaptured(app(), [flag]);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, "");
      assert.match(r.stdout, /^Usage: app <command> \[options\]\n\nA test app\n/);
      assert.match(r.stdout, /greet \(-g, --greet\) +Greet someone by name/);
      assert.match(r.stdout, /db <command> +Database tasks/);
      assert.match(r.stdout, /completion <shell>/);
      assert.match(r.stdout, /--output <format> +json, table, plain or csv/);
    }
  });

  it("per-command help shows usage, argument types, defaults, choices and aliases", async () => {
    const r = await runCaptured(app(), ["create-report", "--help"]);
    assert.equal(r.code, 0);
    assert.equal(
      r.stdout,
      [
        "Usage: app create-report <title> <pages> [options]",
        "",
        "Generate a report",
        "",
        "Arguments:",
        "  <title>  report title, string",
        "  <pages>  integer",
        "",
        "Options:",
        "  --verbose           flag",
        "  --output <string>   string, optional",
        "  --limit <integer>   integer, default: 10",
        '  --level <low|high>  low|high, default: "low"',
        "  -h, --help          show this help",
        "",
      ].join("\n"),
    );
    const g = await runCaptured(app(), ["-g", "-h"]);
    assert.match(g.stdout, /^Usage: app greet <name>\n/);
    assert.match(g.stdout, /Aliases: -g, --greet/);
  });

  it("group help", async () => {
    const r = await runCaptured(app(), ["db", "--help"]);
    assert.match(r.stdout, /^Usage: app db <command> \[options\]\n\nDatabase tasks\n/);
    assert.match(r.stdout, /migrate \(m\)/);
    assert.equal(r.code, 0);
  });

  it("--version prints the registry's version", async () => {
    const r = await runCaptured(app(), ["--version"]);
    assert.deepEqual([r.stdout, r.code], ["9.8.7\n", 0]);
  });

  it("colour only on a TTY and never with NO_COLOR", async () => {
    const tty = await runCaptured(app(), ["--help"], { tty: true });
    assert.match(tty.stdout, /\x1b\[1mUsage/);
    const noColor = await runCaptured(app(), ["--help"], { tty: true, env: { NO_COLOR: "1" } });
    assert.doesNotMatch(noColor.stdout, /\x1b\[/);
    const piped = await runCaptured(app(), ["--help"], { tty: false });
    assert.doesNotMatch(piped.stdout, /\x1b\[/);
    const err = await runCaptured(app(), ["gret"], { tty: true });
    assert.match(err.stderr, /\x1b\[31merror:/);
  });

  it("completion bash|zsh|fish prints a script with commands, aliases and options", async () => {
    const bash = await runCaptured(app(), ["completion", "bash"]);
    assert.equal(bash.code, 0);
    assert.match(bash.stdout, /complete -F _app_completion app/);
    assert.match(bash.stdout, /"\|greet"\|"\|-g"\|"\|--greet"\) state="greet"/);
    assert.match(
      bash.stdout,
      /"create-report"\) words="--verbose --no-verbose --output --limit --level --help"/,
    );
    assert.match(bash.stdout, /"create-report\|--level"\) words="low high"/);
    assert.match(bash.stdout, /"db\|migrate"\|"db\|m"\) state="db migrate"/);
    const zsh = await runCaptured(app(), ["completion", "zsh"]);
    assert.match(zsh.stdout, /^#compdef app\n/);
    assert.match(zsh.stdout, /bashcompinit/);
    const fish = await runCaptured(app(), ["completion", "fish"]);
    assert.match(
      fish.stdout,
      /complete -c app -n '__fish_use_subcommand' -a 'greet' -d 'Greet someone by name'/,
    );
    assert.match(fish.stdout, /-l limit -r -d 'integer'/);
    assert.match(fish.stdout, /-l level -x -a 'low high'/);
  });
});

describe("run(): built-ins give way to the app's own commands", () => {
  it("a registered completion command replaces the built-in one", async () => {
    const cli = new CommandRegistry({ name: "app" });
    cli.register({ name: "completion", args: { word: String } }, ({ word }) => `own ${word}`);
    assert.equal((await runCaptured(cli, ["completion", "bash"])).stdout, "own bash\n");
    const help = await runCaptured(cli, ["--help"]);
    assert.equal(help.stdout.match(/^ {2}completion/gm)?.length, 1);
  });
});

describe("run(): errors and exit codes", () => {
  it("no command prints the help to stderr, exit 1", async () => {
    const r = await runCaptured(app(), []);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^Usage: app <command> \[options\]/);
    const g = await runCaptured(app(), ["db"]);
    assert.equal(g.code, 1);
    assert.match(g.stderr, /^Usage: app db <command>/);
  });

  it("an unknown command says Did you mean, exit 2", async () => {
    const r = await runCaptured(app(), ["gret", "Alice"]);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, "");
    assert.equal(
      r.stderr,
      "error: unknown command 'gret'\nDid you mean 'greet'?\n\nUsage: app <command> [options]\nRun 'app --help' to list the commands.\n",
    );
    const far = await runCaptured(app(), ["xyzzy"]);
    assert.doesNotMatch(far.stderr, /Did you mean/);
    assert.equal(far.code, 2);
    const sub = await runCaptured(app(), ["db", "migrat"]);
    assert.match(sub.stderr, /Did you mean 'migrate'\?\n\nUsage: app db <command>/);
  });

  it("usage errors print error: and the command's usage, exit 2", async () => {
    const cases: [string[], RegExp][] = [
      [["greet"], /^error: missing required argument <name>\n\nUsage: app greet <name>\n/],
      [["greet", "a", "b"], /^error: unexpected argument 'b'\n/],
      [
        ["create-report", "T", "x"],
        /^error: invalid value 'x' for <pages>: expected an integer\n\nUsage: app create-report/,
      ],
      [["create-report", "T", "1", "--limit"], /^error: option --limit needs a value\n/],
      [["create-report", "T", "1", "--verbose", "false"], /^error: option --verbose takes no value/],
      [
        ["create-report", "T", "1", "--level", "mid"],
        /^error: invalid value 'mid' for --level: expected one of low, high\n/,
      ],
      [["create-report", "T", "1", "--nope"], /^error: unknown option --nope\n/],
      [["--output", "yaml", "greet", "a"], /^error: invalid value 'yaml' for --output/],
      [["completion", "tcsh"], /^error: unknown shell 'tcsh'.*\n\nUsage: app completion bash\|zsh\|fish\n$/],
    ];
    for (const [argv, expected] of cases) {
      const r = await runCaptured(app(), argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.equal(r.stdout, "");
      assert.match(r.stderr, expected, argv.join(" "));
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
    }
  });

  it("a throwing handler prints Error: <message>, exit 1, no stack unless --verbose", async () => {
    for (const cmd of ["boom", "reject"]) {
      const r = await runCaptured(app(), [cmd]);
      assert.equal(r.code, 1);
      assert.equal(r.result, undefined);
      assert.match(r.stderr, /^Error: (disk full|bad thing)\n$/);
    }
    const s = await runCaptured(app(), ["throw-string"]);
    assert.deepEqual([s.stderr, s.code], ["Error: plain string\n", 1]);
    const v = await runCaptured(app(), ["--verbose", "boom"]);
    assert.match(v.stderr, /^Error: disk full\n\s+at /);
    assert.equal(v.code, 1);
  });

  it("a FrameworkError with a result: the result on stdout under --output, the message as text", async () => {
    const cli = new CommandRegistry({ name: "app" });
    cli.register({ name: "check" }, () => {
      throw new FrameworkError("2 differences", { exitCode: 3, result: { clean: false, differences: 2 } });
    });
    const json = await runCaptured(cli, ["check", "--output", "json"]);
    assert.deepEqual(
      [JSON.parse(json.stdout), json.stderr, json.code],
      [{ clean: false, differences: 2 }, "", 3],
    );
    const text = await runCaptured(cli, ["check"]);
    assert.deepEqual([text.stdout, text.stderr, text.code], ["", "Error: 2 differences\n", 3]);
  });

  it("--verbose prints the message once, then the stack frames and the cause", async () => {
    const cli = new CommandRegistry({ name: "app" });
    cli.register({ name: "fail" }, () => {
      throw new TypeError("bad thing\non two lines", { cause: new Error("root cause") });
    });
    cli.register({ name: "renamed" }, () => {
      const error = new Error("first");
      error.message = "second"; // the stack's header still says "first"
      throw error;
    });
    cli.register({ name: "custom" }, () => {
      const error = new Error("custom");
      error.stack = "recorded elsewhere";
      throw error;
    });
    const v = await runCaptured(cli, ["--verbose", "fail"]);
    assert.equal(v.code, 1);
    assert.match(
      v.stderr,
      /^Error: bad thing\non two lines\n {4}at .*\n(?: {4}at .*\n)*Caused by: Error: root cause\n {4}at /,
    );
    assert.equal(v.stderr.match(/bad thing/g)?.length, 1, v.stderr);
    const renamed = await runCaptured(cli, ["--verbose", "renamed"]);
    assert.match(renamed.stderr, /^Error: second\n {4}at /);
    assert.doesNotMatch(renamed.stderr, /first/);
    const custom = await runCaptured(cli, ["--verbose", "custom"]);
    assert.equal(custom.stderr, "Error: custom\nrecorded elsewhere\n");
  });

  it("a handler error message is trimmed, and a blank one falls back to the error's name", async () => {
    const cli = new CommandRegistry({ name: "app" });
    cli.register({ name: "fail", args: { message: { type: String, optional: true } } }, ({ message }) => {
      throw new TypeError(message ?? "");
    });
    const cases: Array<[string, string]> = [
      [" 1", "Error: 1\n"],
      ["  spaced out \n", "Error: spaced out\n"],
      ["   ", "Error: TypeError\n"],
      ["", "Error: TypeError\n"],
    ];
    for (const [message, expected] of cases) {
      const r = await runCaptured(cli, ["fail", "--message", message]);
      assert.deepEqual([r.stderr, r.code], [expected, 1], JSON.stringify(message));
    }
  });

  it("a usage error thrown by a handler exits 2", async () => {
    const cli = new CommandRegistry({ name: "app" });
    const { UsageError } = await import("../../src/cli/index.js");
    cli.register({ name: "pick", args: { n: z.int() } }, ({ n }) => {
      if (n > 3) throw new UsageError("n must be at most 3", { command: "pick" });
      return n;
    });
    const r = await runCaptured(cli, ["pick", "5"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: n must be at most 3\n\nUsage: app pick <n>/);
  });

  it("a UsageError a handler throws without naming a command prints the running command's usage", async () => {
    const { UsageError } = await import("../../src/cli/index.js");
    const cli = new CommandRegistry({ name: "app" });
    const tooMany = () => {
      throw new UsageError("n must be at most 3");
    };
    cli.register({ name: "pick", args: { n: z.int() } }, ({ n }) => (n > 3 ? tooMany() : n));
    cli.group("db").register({ name: "migrate", args: { steps: z.int() } }, tooMany);
    cli.register({ name: "guarded", args: { n: z.int() } }, () => "ran");
    const r = await runCaptured(cli, ["pick", "5"]);
    assert.deepEqual([r.code, r.stdout], [2, ""]);
    assert.equal(
      r.stderr,
      "error: n must be at most 3\n\nUsage: app pick <n>\nRun 'app pick --help' for details.\n",
    );
    const nested = await runCaptured(cli, ["db", "migrate", "1"]);
    assert.match(nested.stderr, /^error: n must be at most 3\n\nUsage: app db migrate <steps>\n/);
    const hooked = await runCaptured(cli, ["guarded", "1"], {
      middleware: new MiddlewareChain().addPre(tooMany),
    });
    assert.match(hooked.stderr, /^error: n must be at most 3\n\nUsage: app guarded <n>\n/);
    assert.doesNotMatch(r.stderr + nested.stderr + hooked.stderr, /<command>/);
  });

  it("a missing dependency is an Error exit 1; a failing pre-hook stops the command", async () => {
    class Db {}
    const cli = new CommandRegistry({ name: "app" });
    let ran = false;
    cli.register({ name: "seed", args: { db: Db } }, () => {
      ran = true;
    });
    const r = await runCaptured(cli, ["seed"]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Error: no instance of Db is registered \(needed by command 'seed'\)/);
    const chain = new MiddlewareChain().addPre(() => {
      throw new Error("not allowed");
    });
    const stopped = await runCaptured(cli, ["seed"], {
      container: new DIContainer().register(Db, new Db()),
      middleware: chain,
    });
    assert.deepEqual([stopped.stderr, stopped.code, ran], ["Error: not allowed\n", 1, false]);
  });

  it("the default exit sets process.exitCode and never exits", async () => {
    const before = process.exitCode;
    const cli = app();
    await cli.run(["gret"], { stderr: { write: () => true }, stdout: { write: () => true } });
    assert.equal(process.exitCode, 2);
    await cli.run(["greet", "x"], { stderr: { write: () => true }, stdout: { write: () => true } });
    assert.equal(process.exitCode, 0);
    process.exitCode = before;
  });
});
