import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { z } from "zod";
import {
  ArgumentDefinitionError,
  CommandRegistry,
  DuplicateCommandError,
  FrameworkError,
  UnknownCommandError,
  UsageError,
} from "../../src/cli/index.js";

function greetApp() {
  const cli = new CommandRegistry({ name: "app" });
  const greet = ({ name }: { name: string }) => `Hello, ${name}!`;
  const returned = cli.register(
    {
      name: "greet",
      description: "Greet someone by name",
      ops: ["-g", "--greet"],
      args: { name: z.string() },
    },
    greet,
  );
  return { cli, greet, returned };
}

describe("CommandRegistry", () => {
  it("register(meta, handler) returns the handler and records the entry", () => {
    const { cli, greet, returned } = greetApp();
    assert.equal(returned, greet);
    const entry = cli.get("greet");
    assert.equal(entry.name, "greet");
    assert.equal(entry.fullName, "greet");
    assert.equal(entry.handler, greet);
    assert.equal(entry.description, "Greet someone by name");
    assert.deepEqual(entry.ops, ["-g", "--greet"]);
    assert.deepEqual(Object.keys(entry.args), ["name"]);
  });

  it("get() resolves every alias, with or without dashes", () => {
    const { cli } = greetApp();
    for (const alias of ["greet", "--greet", "-g", "g", "-greet", "--g"])
      assert.equal(cli.get(alias).name, "greet");
    assert.equal(cli.has("g"), true);
    assert.equal(cli.has("greeter"), false);
  });

  it("get() of an unknown name throws UnknownCommandError with suggestions", () => {
    const { cli } = greetApp();
    assert.throws(
      () => cli.get("gret"),
      (err: unknown) =>
        err instanceof UnknownCommandError &&
        err instanceof UsageError &&
        err instanceof FrameworkError &&
        err.code === "E_UNKNOWN_COMMAND" &&
        err.suggestions[0] === "greet" &&
        /Did you mean 'greet'\?/.test(err.message),
    );
    assert.throws(
      () => cli.get("zzzzzz"),
      (err: unknown) => err instanceof UnknownCommandError && err.suggestions.length === 0,
    );
  });

  it("a taken name or alias, with or without dashes, throws DuplicateCommandError", () => {
    const { cli } = greetApp();
    const cases = [
      { name: "greet" },
      { name: "g" },
      { name: "--greet" },
      { name: "other", ops: ["g"] },
      { name: "other", ops: ["--g"] },
      { name: "other", ops: ["greet"] },
      { name: "other", ops: ["---greet"] },
    ];
    for (const meta of cases)
      assert.throws(
        () => cli.register(meta, () => 1),
        (err: unknown) => err instanceof DuplicateCommandError && err.code === "E_DUPLICATE_COMMAND",
        JSON.stringify(meta),
      );
    assert.equal(cli.size, 1, "a failed registration claims nothing");
    assert.equal(cli.has("other"), false);
  });

  it("the decorator registers a static method, called with its class as this", async () => {
    const cli = new CommandRegistry();
    class Reports {
      static prefix = "report";
      @cli.register({ name: "create-report", args: { title: z.string(), pages: z.int() } })
      static create({ title, pages }: { title: string; pages: number }) {
        return `${Reports.prefix}:${title}:${pages}`;
      }
    }
    const entry = cli.get("create-report");
    assert.equal(await entry.handler({ title: "Q3", pages: 2 }), "report:Q3:2");
    assert.equal(Reports.create({ title: "a", pages: 1 }), "report:a:1", "the method stays callable");
  });

  it("the decorator refuses instance methods", () => {
    const cli = new CommandRegistry();
    assert.throws(() => {
      class Nope {
        @cli.register({ name: "x" })
        run() {
          return 1;
        }
      }
      return Nope;
    }, /static methods/);
  });

  it("a bad argument declaration fails at registration", () => {
    const cli = new CommandRegistry();
    assert.throws(
      () =>
        cli.register({ name: "x", args: { tags: z.array(z.object({ a: z.string() })) } as never }, () => 1),
      ArgumentDefinitionError,
    );
    assert.throws(() => cli.register({ name: "y", args: { help: String } }, () => 1), /reserved/);
    assert.throws(
      () => cli.register({ name: "z", args: { dryRun: String, dry_run: String } }, () => 1),
      /--dry-run/,
    );
    assert.throws(() => cli.register({ name: "" }, () => 1), FrameworkError);
    assert.throws(() => cli.register({ name: "a b" }, () => 1), FrameworkError);
    assert.equal(cli.size, 0);
  });

  it("all() and size cover groups; get() reaches into them by path", () => {
    const { cli } = greetApp();
    const db = cli.group("db", { description: "Database tasks" });
    db.register({ name: "migrate", ops: ["m"] }, () => "migrated");
    assert.equal(cli.group("db"), db, "asking again returns the same group");
    assert.deepEqual(
      cli.all().map((c) => c.fullName),
      ["greet", "db migrate"],
    );
    assert.equal(cli.size, 2);
    assert.equal(cli.get("db m").name, "migrate");
    assert.equal(db.get("migrate").fullName, "db migrate");
    assert.equal(cli.has("db"), false, "a group is not a command");
    assert.throws(() => cli.register({ name: "db" }, () => 1), DuplicateCommandError);
    assert.throws(
      () => cli.get("db migrat"),
      (e: unknown) => e instanceof UnknownCommandError && e.suggestions[0] === "migrate",
    );
  });

  it("merge() copies commands and groups, refuses conflicts unless allowOverride", async () => {
    const { cli } = greetApp();
    const other = new CommandRegistry();
    other.register({ name: "list", ops: ["-l"] }, () => "list");
    other.group("db").register({ name: "seed" }, () => "seed");
    cli.merge(other);
    assert.deepEqual(
      cli.all().map((c) => c.fullName),
      ["greet", "list", "db seed"],
    );
    assert.equal(cli.get("-l").name, "list");

    const clash = new CommandRegistry();
    clash.register({ name: "hello", ops: ["g"] }, () => "replaced");
    clash.register({ name: "fresh" }, () => "fresh");
    assert.throws(() => cli.merge(clash), DuplicateCommandError);
    assert.equal(cli.has("fresh"), false, "a refused merge copies nothing");

    cli.merge(clash, { allowOverride: true });
    assert.equal(await cli.get("g").handler({}), "replaced");
    assert.equal(cli.has("greet"), false, "the overridden command is gone with all its aliases");
    assert.equal(cli.has("--greet"), false);
    assert.equal(cli.has("fresh"), true);
  });

  it("listCommands() prints names, aliases and descriptions; helpText() is the top-level help", () => {
    const { cli } = greetApp();
    cli.group("db").register({ name: "migrate", description: "Apply migrations" }, () => 1);
    let written = "";
    const text = cli.listCommands({ write: (s: string) => (written += s) });
    assert.equal(written, text);
    assert.match(text, /^greet \(-g, --greet\) +Greet someone by name$/m);
    assert.match(text, /^db migrate +Apply migrations$/m);
    const help = cli.helpText();
    assert.match(help, /^Usage: app <command> \[options\]/);
    assert.match(help, /greet \(-g, --greet\) +Greet someone by name/);
    assert.match(help, /db <command>/);
    assert.doesNotMatch(help, /\x1b\[/, "no colour in helpText()");
  });
});
