import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";

// End to end: `npm run demo` (scripts/demo.mjs) and the compiled todo app, as real processes.
const root = join(import.meta.dirname, "..", "..");
const app = join(root, "examples", "todo", "dist", "app.js");
let dir: string;
let env: NodeJS.ProcessEnv;

function todo(...argv: string[]) {
  const r = spawnSync(process.execPath, [app, ...argv], { cwd: root, encoding: "utf8", env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the todo demo", () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "registers-todo-"));
    env = { ...process.env, TODO_DB: join(dir, "todo.db"), NO_COLOR: "1" };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("npm run demo adds two todos, completes one and lists them as a table", () => {
    const built = ["dist/cli/index.js", "dist/db/index.js"].every((p) => existsSync(join(root, p)));
    const r = spawnSync(process.execPath, ["scripts/demo.mjs", ...(built ? ["--no-build"] : [])], {
      cwd: root,
      encoding: "utf8",
      env,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /\$ node examples\/todo\/dist\/app\.js add "Buy milk" --priority high\nAdded #1 Buy milk \[high\]\n/,
    );
    assert.match(
      r.stdout,
      /\$ node examples\/todo\/dist\/app\.js -a "Write the quarterly report"\nAdded #2 /,
    );
    assert.match(r.stdout, /Completed #1 Buy milk \(done\) \[high\]/);
    assert.match(
      r.stdout,
      /id {2}title {23}priority {2}done\n-- {2}-{26} {2}-{8} {2}-{5}\n1 {3}Buy milk {20}high {6}true\n2 {3}Write the quarterly report {2}normal {4}false\n/,
    );
    assert.match(r.stdout, /Go on by hand/);
  });

  it("the compiled app goes on by hand: update, list, remove, every alias", () => {
    assert.deepEqual(todo("--update", "2", "--title", "Write the annual report"), {
      code: 0,
      stdout: "Updated #2 Write the annual report [normal]\n",
      stderr: "",
    });
    const open = todo("-l", "--status", "open", "--output", "json");
    assert.equal(open.code, 0, open.stderr);
    assert.deepEqual(JSON.parse(open.stdout), [
      { id: 2, title: "Write the annual report", priority: "normal", done: false },
    ]);
    assert.equal(todo("-c", "2").stdout, "Completed #2 Write the annual report (done) [normal]\n");
    assert.equal(todo("r", "1").stdout, "Removed #1 Buy milk (done) [high]\n");
    assert.equal(todo("list", "--output", "plain").stdout, "2\tWrite the annual report\tnormal\ttrue\n");
    assert.deepEqual(todo("--version"), { code: 0, stdout: "1.0.0\n", stderr: "" });
  });

  it("the generated todos group (modelCommands): get, list with filters, export, import, delete", () => {
    assert.equal(JSON.parse(todo("todos", "get", "2").stdout).title, "Write the annual report");
    assert.deepEqual(todo("todos", "get", "9"), {
      code: 1,
      stdout: "",
      stderr: "Error: no Todo with id 9\n",
    });
    const csv = todo("todos", "export", "--format", "csv");
    assert.equal(csv.code, 0, csv.stderr);
    assert.match(
      csv.stdout,
      /^id,title,priority,done,createdAt\n2,Write the annual report,normal,true,\d{4}-/,
    );
    const file = join(dir, "more.jsonl");
    writeFileSync(file, '{"title":"Water plants","priority":"low"}\n{"title":"Call mum"}\n');
    assert.deepEqual(todo("todos", "import", file), {
      code: 0,
      stdout: `Imported 2 Todo records from ${file}\n`,
      stderr: "",
    });
    const open = JSON.parse(
      todo("todos", "list", "--done", "false", "--order", "-id", "--output", "json").stdout,
    );
    assert.deepEqual(
      open.map((t: { title: string }) => t.title),
      ["Call mum", "Water plants"],
    );
    assert.equal(todo("todos", "delete", String(open[0].id)).code, 2, "asks first: --yes without a terminal");
    assert.equal(todo("todos", "delete", String(open[0].id), "--yes").stdout, `Deleted Todo ${open[0].id}\n`);
    assert.equal(todo("--yes", "todos", "delete", String(open[1].id)).code, 0);
    assert.match(todo("--help").stdout, /\n {2}todos <command> +Todo records/);
  });

  it("errors: a missing todo exits 1, bad input exits 2, no stack traces", () => {
    assert.deepEqual(todo("complete", "99"), {
      code: 1,
      stdout: "",
      stderr: "Error: no todo #99; run 'todo list' to see the ids\n",
    });
    const bad = todo("complete", "abc");
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^error: invalid value 'abc' for <id>: expected an integer\n\nUsage: todo complete <id>/,
    );
    const zero = todo("remove", "0");
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /^error: invalid value '0' for <id>: Too small/);
    const typo = todo("lst");
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /Did you mean 'list'\?/);
    const prio = todo("add", "x", "--priority", "urgent");
    assert.match(prio.stderr, /expected one of low, normal, high/);
    for (const r of [bad, zero, typo, prio]) assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it("runs from the TypeScript source with tsx too", () => {
    const r = spawnSync(
      process.execPath,
      ["--import", "tsx", "examples/todo/app.ts", "list", "--output", "plain"],
      {
        cwd: root,
        encoding: "utf8",
        env,
      },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, "2\tWrite the annual report\tnormal\ttrue\n");
  });
});
