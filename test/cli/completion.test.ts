import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { z } from "zod";
import { CommandRegistry, renderCompletion } from "../../src/cli/index.js";

function app() {
  const cli = new CommandRegistry({ name: "todo" });
  cli.register(
    {
      name: "add",
      ops: ["-a", "--add"],
      args: { title: String, priority: z.enum(["low", "high"]).default("low") },
    },
    () => 1,
  );
  cli.register({ name: "list", ops: ["-l"], args: { done: Boolean } }, () => 1);
  cli.group("db").register({ name: "migrate", args: { steps: z.int().default(1) } }, () => 1);
  cli.register(
    {
      name: "show",
      args: {
        all: { type: Boolean, short: "a" },
        sort: { choices: ["asc", "desc"], optional: true, short: "s" },
        out: z.string().optional().meta({ short: "o" }),
      },
    },
    () => 1,
  );
  return cli;
}

/** Completes `words` (the last one is being typed) with the generated bash script in a real bash. */
function complete(words: string[]): string[] {
  const script = renderCompletion(app(), "bash");
  const setup = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")}); COMP_CWORD=${words.length - 1}; _todo_completion; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync("bash", ["--norc", "--noprofile", "-c", setup], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean);
}

describe("bash completion (run in a real bash)", () => {
  it("completes commands and aliases, then a command's options, then choices", () => {
    assert.deepEqual(complete(["todo", ""]).sort(), [
      "--add",
      "--help",
      "--output",
      "--quiet",
      "--verbose",
      "--version",
      "--yes",
      "-a",
      "-l",
      "add",
      "completion",
      "db",
      "list",
      "show",
    ]);
    assert.deepEqual(complete(["todo", "l"]), ["list"]);
    assert.deepEqual(complete(["todo", "-a", "milk", "--"]), ["--priority", "--help"]);
    assert.deepEqual(complete(["todo", "add", "milk", "--priority", ""]), ["low", "high"]);
    assert.deepEqual(complete(["todo", "list", "--"]), ["--done", "--no-done", "--help"]);
    assert.deepEqual(complete(["todo", "db", ""]), ["migrate", "--help"]);
    assert.deepEqual(complete(["todo", "db", "migrate", "--s"]), ["--steps"]);
    assert.deepEqual(complete(["todo", "completion", ""]), ["bash", "zsh", "fish"]);
    assert.deepEqual(complete(["todo", "--output", "t"]), ["table"]);
  });

  it("completes short flags once a single - is typed, and the choices after a short option", () => {
    assert.deepEqual(complete(["todo", "show", "-"]).sort(), [
      "--all",
      "--help",
      "--no-all",
      "--out",
      "--sort",
      "-a",
      "-h",
      "-o",
      "-s",
    ]);
    assert.deepEqual(complete(["todo", "show", "--"]).sort(), [
      "--all",
      "--help",
      "--no-all",
      "--out",
      "--sort",
    ]);
    assert.deepEqual(complete(["todo", "show", ""]).sort(), [
      "--all",
      "--help",
      "--no-all",
      "--out",
      "--sort",
    ]);
    assert.deepEqual(complete(["todo", "show", "-s", ""]), ["asc", "desc"]);
    assert.deepEqual(complete(["todo", "show", "-a", "-s", "d"]), ["desc"]);
    assert.deepEqual(complete(["todo", "-"]).sort(), [
      "--add",
      "--help",
      "--output",
      "--quiet",
      "--verbose",
      "--version",
      "--yes",
      "-V",
      "-a",
      "-h",
      "-l",
      "-q",
      "-y",
    ]);
    assert.deepEqual(complete(["todo", "db", "-"]).sort(), ["--help", "-h"]);
    const zsh = renderCompletion(app(), "zsh");
    assert.ok(zsh.endsWith(renderCompletion(app(), "bash")), "zsh runs the same function");
    assert.match(renderCompletion(app(), "fish"), /-l yes -s y -d 'answer yes to confirmations'/);
  });

  it("the zsh script wraps the bash one; fish lists commands, options and choices", () => {
    const zsh = renderCompletion(app(), "zsh");
    assert.ok(zsh.startsWith("#compdef todo\n"));
    assert.ok(zsh.includes("complete -F _todo_completion todo"));
    const fish = renderCompletion(app(), "fish");
    assert.match(fish, /complete -c todo -n '__fish_use_subcommand' -a 'add'/);
    assert.match(fish, /-n '__fish_seen_subcommand_from add -a --add' -l priority -x -a 'low high'/);
    assert.match(
      fish,
      /-n '__fish_seen_subcommand_from db; and not __fish_seen_subcommand_from migrate' -a 'migrate'/,
    );
    assert.match(
      fish,
      /-n '__fish_seen_subcommand_from db; and __fish_seen_subcommand_from migrate' -l steps -r/,
    );
  });
});
