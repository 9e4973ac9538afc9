import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";

const app = join(import.meta.dirname, "fixtures", "app", "app.ts");

function cli(...argv: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", app, ...argv], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", DEBUG: "" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at |node:internal|\.ts:\d+/, text);

describe("a real CLI process", () => {
  it("exit 0 with the result on stdout", () => {
    const r = cli("-g", "Alice");
    assert.deepEqual(r, { code: 0, stdout: "Hello, Alice!\n", stderr: "" });
  });

  it("--version reads the nearest package.json of the entry script", () => {
    assert.deepEqual(cli("--version"), { code: 0, stdout: "3.1.4\n", stderr: "" });
  });

  it("help exits 0; no command exits 1 with the help on stderr", () => {
    const help = cli("--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: app <command> \[options\]/);
    const none = cli();
    assert.equal(none.code, 1);
    assert.equal(none.stdout, "");
    assert.match(none.stderr, /^Usage: app <command>/);
  });

  it("usage errors exit 2 with error: and the usage, never a stack trace", () => {
    for (const argv of [
      ["greet"],
      ["gret", "x"],
      ["report", "T", "NaN"],
      ["report", "T", "1", "--limit"],
      ["report", "T", "1", "--verbose", "false"],
      ["report", "T", "1", "--big", "1.5"],
      ["--bogus"],
    ]) {
      const r = cli(...argv);
      assert.equal(r.code, 2, argv.join(" "));
      assert.equal(r.stdout, "");
      assert.match(r.stderr, /^error: .+\n/);
      assert.match(r.stderr, /Usage: app /);
      noStack(r.stderr);
    }
  });

  it("a failing handler exits 1 with Error: <message>; the stack only with --verbose", () => {
    const r = cli("fail");
    assert.deepEqual(r, { code: 1, stdout: "", stderr: "Error: database is locked\n" });
    const v = cli("--verbose", "fail");
    assert.equal(v.code, 1);
    assert.match(v.stderr, /^Error: database is locked\n\s+at /);
    assert.equal(v.stderr.match(/database is locked/g)?.length, 1, "the message is printed once");
  });

  it("parses every argument kind end to end; progress draws nothing when piped", () => {
    const r = cli(
      "report",
      "Q3",
      "12",
      "--ratio",
      "0.5",
      "--verbose",
      "--level",
      "high",
      "--tag",
      "x",
      "--big",
      "9007199254740993",
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      title: "Q3",
      pages: 12,
      ratio: 0.5,
      verbose: true,
      limit: 10,
      level: "high",
      tag: "x",
      big: "9007199254740993",
    });
    const c = cli("count", "--n", "5", "--output", "table");
    assert.deepEqual(c, {
      code: 0,
      stdout: "field          value\n-------------  -----\ncounted        5\nprogressDrawn  false\n",
      stderr: "",
    });
  });
});
