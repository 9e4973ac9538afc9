import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { CommandRegistry, formatResult, progress, suggestSimilar } from "../../src/cli/index.js";
import { runCaptured } from "./_support.js";

describe("formatResult", () => {
  const rows = [
    { id: 1, title: "milk", tags: ["a"], at: new Date("2024-01-02T03:04:05.000Z") },
    { id: 22, title: "bread\nrye", extra: null },
  ];

  it("default: strings as they are, everything else pretty JSON (bigint as text)", () => {
    assert.equal(formatResult("hi"), "hi");
    assert.equal(formatResult(5), "5");
    assert.equal(formatResult({ a: 1n }), '{\n  "a": "1"\n}');
  });

  it("table: arrays of objects as columns (union of keys), objects as field/value rows", () => {
    assert.equal(
      formatResult(rows, "table"),
      [
        "id  title      tags   at                        extra",
        "--  ---------  -----  ------------------------  -----",
        '1   milk       ["a"]  2024-01-02T03:04:05.000Z',
        "22  bread rye",
      ].join("\n"),
    );
    assert.equal(formatResult({ a: 1, b: "x" }, "table"), "field  value\n-----  -----\na      1\nb      x");
    assert.equal(formatResult(["x", "y"], "table"), "x\ny");
    assert.equal(formatResult([], "table"), "(no rows)");
  });

  it("uses toJSON() of model-like instances", () => {
    class Todo {
      constructor(
        readonly id: number,
        readonly title: string,
      ) {}
      toJSON() {
        return { id: this.id, title: this.title };
      }
      get hidden() {
        return "no";
      }
    }
    assert.equal(formatResult([new Todo(1, "a")], "table"), "id  title\n--  -----\n1   a");
    assert.equal(formatResult(new Todo(2, "b"), "plain"), "id\t2\ntitle\tb");
  });

  it("plain: tab-separated values, one item per line; json: always JSON", () => {
    assert.equal(formatResult(rows.slice(0, 1), "plain"), '1\tmilk\t["a"]\t2024-01-02T03:04:05.000Z');
    assert.equal(formatResult("hi", "plain"), "hi");
    assert.equal(formatResult("hi", "json"), '"hi"');
    assert.equal(formatResult([1, 2], "json"), "[\n  1,\n  2\n]");
  });
});

describe("progress", () => {
  function tty() {
    const out = { text: "", isTTY: true, write: (s: string) => (out.text += s) };
    return out;
  }

  it("draws count, bar, rate and ETA on a TTY and ends the line", () => {
    const stream = tty();
    const bar = progress({ total: 4, label: "copy", stream });
    assert.equal(bar.active, true);
    bar.tick();
    bar.update(4);
    bar.done();
    bar.tick();
    assert.match(stream.text, /copy \[#{24}\] 4\/4 [\d.]+\/s ETA/);
    assert.ok(stream.text.endsWith("\n"));
    const unknown = tty();
    const open = progress({ stream: unknown });
    open.tick(3);
    open.done();
    assert.match(unknown.text, /\r\x1b\[2K3 [\d.]+\/s\n$/);
  });

  it("draws nothing when piped or under --output json", async () => {
    const piped = { text: "", write: (s: string) => (piped.text += s) };
    const bar = progress({ total: 2, stream: piped });
    bar.tick();
    bar.done();
    assert.equal(bar.active, false);
    assert.equal(piped.text, "");

    const cli = new CommandRegistry();
    cli.register({ name: "work" }, () => {
      const p = progress({ total: 2 });
      p.tick(2);
      p.done();
      return { active: p.active };
    });
    const json = await runCaptured(cli, ["work", "--output", "json"], { tty: true });
    assert.equal(json.stderr, "");
    assert.deepEqual(JSON.parse(json.stdout), { active: false });
    const drawn = await runCaptured(cli, ["work"], { tty: true });
    assert.match(drawn.stderr, /\[#{24}\] 2\/2/, "on a TTY it draws on the run's stderr");
  });
});

describe("suggestSimilar", () => {
  it("finds close names (typos, transpositions, prefixes) and nothing for far ones", () => {
    const names = ["greet", "list", "remove", "complete", "update", "add"];
    assert.deepEqual(suggestSimilar("gret", names), ["greet"]);
    assert.deepEqual(suggestSimilar("lsit", names), ["list"]);
    assert.deepEqual(suggestSimilar("comp", names), ["complete"]);
    assert.deepEqual(suggestSimilar("--updat", names), ["update"]);
    assert.deepEqual(suggestSimilar("xyzzy", names), []);
    assert.deepEqual(suggestSimilar("", names), []);
    assert.deepEqual(suggestSimilar("--limt", ["--limit", "--help"]), ["--limit"]);
  });
});
