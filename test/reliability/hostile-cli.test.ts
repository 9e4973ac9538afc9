// Hostile input to the CLI: random argv arrays (unknown flags, missing values, `--`, empty strings,
// huge numbers, NaN, unicode) against an app with every argument kind, driven in-process through
// `run()` with captured streams for many cases, and as a real process for a sample. The exit code is
// always 0, 1 or 2; a usage error prints a one-line `error:` message and the usage; no stack trace
// ever appears (unless `--verbose` asks for one); handlers only ever receive well-typed values.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import fc from "fast-check";
import { buildApp, received } from "./fixtures/cli-app.js";

const app = join(import.meta.dirname, "fixtures", "cli-app.ts");
const seed = Number(process.env.REGISTERS_FUZZ_SEED ?? Date.now() % 1_000_000);
const IN_PROCESS_RUNS = 3_000;
const PROCESS_RUNS = 24;

interface Outcome {
  code: number | undefined;
  exits: number;
  stdout: string;
  stderr: string;
}

/** Output with the stack-frame lines (`    at ...`) removed. */
const withoutFrames = (text: string): string =>
  text
    .split("\n")
    .filter((line) => !/^\s+at /.test(line))
    .join("\n");

const STACK = /\n\s+at .+[:(]|node:internal|\.ts:\d+:\d+|\bat async\b/;
// C0 controls and DEL (terminal escapes, newlines) are covered by their own test below.
const CONTROL = /[\u0000-\u001f\u007f]/;

const words = [
  "greet",
  "-g",
  "--greet",
  "g",
  "report",
  "r",
  "plain",
  "fail",
  "misuse",
  "db",
  "migrate",
  "m",
  "completion",
  "bash",
  "zsh",
  "fish",
  "gret",
  "reprot",
  "--help",
  "-h",
  "--version",
  "--output",
  "json",
  "table",
  "plain",
  "xml",
  "--verbose",
  "--dry-run",
  "--no-dry-run",
  "--no-verbose",
  "--limit",
  "--limit=",
  "--limit=5",
  "--level",
  "low",
  "high",
  "medium",
  "--note",
  "--ratio",
  "--big",
  "--mode",
  "fast",
  "slow",
  "--count",
  "--size",
  "--label",
  "--force",
  "--no-force",
  "--tier",
  "--steps",
  "--clock",
  "--message",
  "--",
  "-",
  "",
  "--=",
  "---",
  "-x",
  "--bogus",
  "--pages",
  "=",
  "0",
  "1",
  "-1",
  "3",
  "12",
  "1.5",
  "-0",
  "1e3",
  "1e999",
  "-1e999",
  "NaN",
  "Infinity",
  "-Infinity",
  "0x10",
  "0b1",
  "1_000",
  "99999999999999999999999",
  "9007199254740993",
  " 1",
  "1 ",
  "true",
  "false",
  "null",
  "undefined",
  "__proto__",
  "constructor",
  "toString",
  "é",
  "😀",
  "👩‍👩‍👧‍👦",
  "ﷺ",
  "\u202Eevil",
  "'; DROP TABLE users; --",
  "$(reboot)",
  "%s%n",
];

const token = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...words) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 12 }).filter((s) => !CONTROL.test(s)) },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 8 })
      .map((s) => `--${s}`)
      .filter((s) => !CONTROL.test(s)),
  },
  {
    weight: 1,
    arbitrary: fc
      .string({ maxLength: 8 })
      .map((s) => `--${s}=${s}`)
      .filter((s) => !CONTROL.test(s)),
  },
  { weight: 1, arbitrary: fc.bigInt().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
  { weight: 1, arbitrary: fc.constantFrom("x".repeat(10_000), "9".repeat(400)) },
);
/** Mostly well-formed command lines, with a hostile token spliced in now and then. */
const option = fc.oneof(
  fc.constantFrom(["--dry-run"], ["--verbose"], ["--no-dry-run"], ["--level", "high"], ["--limit", "7"]),
  fc.tuple(fc.constantFrom("--note", "--ratio", "--big", "--limit", "--label", "--size"), token),
);
const structured = fc
  .tuple(
    fc.oneof(
      fc.tuple(fc.constantFrom("report", "r"), token, fc.constantFrom("1", "3", "12", "0", "-2", "1.5")),
      fc.tuple(
        fc.constantFrom("plain"),
        fc.constantFrom("fast", "slow", "medium"),
        fc.constantFrom("1", "2.5", "-3"),
      ),
      fc.tuple(fc.constantFrom("greet", "-g", "db"), fc.oneof(token, fc.constant("migrate"))),
      fc.tuple(fc.constantFrom("fail", "misuse"), fc.constantFrom("--message", "--output"), token),
    ),
    fc.array(option, { maxLength: 3 }),
    fc.option(fc.tuple(fc.nat(6), token), { nil: undefined }),
  )
  .map(([head, options, splice]) => {
    const argv = [...head, ...options.flat()];
    if (splice !== undefined) argv.splice(splice[0], 0, splice[1]);
    return argv;
  });
const argvArb = fc.oneof(fc.array(token, { maxLength: 9 }), structured);

async function runInProcess(argv: string[]): Promise<Outcome> {
  const { cli, container } = buildApp();
  const out: Outcome = { code: undefined, exits: 0, stdout: "", stderr: "" };
  await cli.run(argv, {
    container,
    env: {},
    stdout: { write: (s: string) => (out.stdout += s) },
    stderr: { write: (s: string) => (out.stderr += s) },
    exit: (code) => {
      out.exits++;
      out.code = code;
    },
  });
  return out;
}

function runProcess(argv: string[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", app, ...argv], {
      env: { ...process.env, NO_COLOR: "1", DEBUG: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const out: Outcome = { code: undefined, exits: 1, stdout: "", stderr: "" };
    child.stdout.setEncoding("utf8").on("data", (s: string) => (out.stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (out.stderr += s));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      out.code = code ?? (signal as unknown as number);
      resolve(out);
    });
  });
}

/** The contract every outcome must meet, whatever the argv. */
function assertContract(argv: string[], out: Outcome): void {
  const where = `argv ${JSON.stringify(argv)}\nstderr: ${out.stderr.slice(0, 500)}`;
  assert.equal(out.exits, 1, `exit reported ${out.exits} times: ${where}`);
  assert.ok(out.code === 0 || out.code === 1 || out.code === 2, `exit code ${out.code}: ${where}`);
  if (!argv.includes("--verbose")) {
    assert.doesNotMatch(out.stderr, STACK, `a stack trace reached the user: ${where}`);
    assert.doesNotMatch(out.stdout, STACK, `a stack trace reached stdout: ${where}`);
  }
  if (out.code === 2) {
    const [first, second, third] = out.stderr.split("\n");
    assert.match(first, /^error: \S/, `usage error without a one-line "error:" message: ${where}`);
    // One line of message, then (for an unknown command) one "Did you mean" line, then the usage.
    if (second.startsWith("Did you mean ")) assert.equal(third, "", `several lines of message: ${where}`);
    else assert.equal(second, "", `the error message spans several lines: ${where}`);
    assert.match(out.stderr, /\nUsage: \S/, `usage error without the usage: ${where}`);
    assert.equal(out.stdout, "", `output on stdout after a usage error: ${where}`);
  } else if (out.code === 1) {
    assert.match(out.stderr, /^(Error: \S|Usage: )/, `exit 1 without "Error:" or the help: ${where}`);
  } else {
    assert.equal(out.stderr, "", `exit 0 with something on stderr: ${where}`);
  }
}

/** Handlers only ever receive values their schema allows. */
function assertWellTyped(): void {
  for (const { command, args } of received.splice(0)) {
    const where = `${command} got ${JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? `${v}n` : v))}`;
    if (command === "report") {
      assert.equal(typeof args.title, "string", where);
      assert.ok(Number.isSafeInteger(args.pages) && (args.pages as number) > 0, where);
      assert.ok(args.ratio === undefined || Number.isFinite(args.ratio), where);
      assert.equal(typeof args.verbose, "boolean", where);
      assert.equal(typeof args.dryRun, "boolean", where);
      assert.ok(Number.isSafeInteger(args.limit), where);
      assert.ok(args.level === "low" || args.level === "high", where);
      assert.ok(args.note === undefined || args.note === null || typeof args.note === "string", where);
      assert.ok(args.big === undefined || typeof args.big === "bigint", where);
    } else if (command === "plain") {
      assert.ok(args.mode === "fast" || args.mode === "slow", where);
      assert.ok(Number.isFinite(args.count), where);
      assert.ok(Number.isSafeInteger(args.size), where);
      assert.ok(args.label === undefined || typeof args.label === "string", where);
      assert.equal(typeof args.force, "boolean", where);
      assert.ok(args.tier === "a" || args.tier === "b", where);
    } else if (command === "db migrate") {
      assert.ok(Number.isSafeInteger(args.steps), where);
    } else {
      assert.equal(typeof args.name, "string", where);
    }
  }
}

describe(`CLI under hostile argv (seed ${seed})`, () => {
  it(`in-process: ${IN_PROCESS_RUNS} random argv arrays keep the exit-code and output contract`, async (t) => {
    const codes = [0, 0, 0];
    await fc.assert(
      fc.asyncProperty(argvArb, async (argv) => {
        received.length = 0;
        const out = await runInProcess(argv);
        assertContract(argv, out);
        assertWellTyped();
        codes[out.code as number]++;
      }),
      { numRuns: IN_PROCESS_RUNS, seed },
    );
    // The generator must reach every outcome, or the property proves less than it claims.
    assert.ok(
      codes.every((n) => n > 0),
      `exit codes seen: ${codes.join("/")}`,
    );
    t.diagnostic(
      `figures: CLI argv cases run in-process: ${IN_PROCESS_RUNS} (exit 0/1/2: ${codes.join("/")})`,
    );
  });

  it("known hostile argv keep the contract", async () => {
    for (const argv of [
      ["report", "T", "NaN"],
      ["report", "T", "1e999"],
      ["report", "T", "0"],
      ["report", "T", "1", "--ratio", "Infinity"],
      ["report", "T", "1", "--big", "1.5"],
      ["report", "T", "1", "--limit"],
      ["report", "T", "1", "--limit", "99999999999999999999999"],
      ["report", "T", "1", "--dry-run", "false"],
      ["report", "T", "1", "--level", "medium"],
      ["report", "T", "1", "--clock", "x"],
      ["report", "--", "--title", "2"],
      ["plain", "fast", ""],
      ["plain", "medium", "1"],
      ["greet"],
      ["greet", "a", "b"],
      ["greet", ""],
      ["gret", "x"],
      [""],
      ["--"],
      ["-"],
      ["db"],
      ["db", "nope"],
      ["completion", "powershell"],
      ["fail"],
      ["fail", "--message", ""],
      ["misuse"],
      ["--output", "xml", "greet", "a"],
      ["__proto__"],
      ["constructor"],
    ]) {
      received.length = 0;
      assertContract(argv, await runInProcess(argv));
      assertWellTyped();
    }
  });

  it(`a real process: ${PROCESS_RUNS} sampled argv arrays exit as run() reports, with the same output`, async (t) => {
    const samples = fc.sample(argvArb, { numRuns: PROCESS_RUNS, seed });
    samples.push(
      ["report", "T", "NaN"],
      ["fail"],
      ["gret"],
      ["report", "T", "3", "--big", "12"],
      ["plain", "fast", "1"],
    );
    const codes = [0, 0, 0];
    for (let i = 0; i < samples.length; i += 2) {
      const batch = samples.slice(i, i + 2);
      const outcomes = await Promise.all(batch.map(runProcess));
      for (const [j, out] of outcomes.entries()) {
        const argv = batch[j];
        assertContract(argv, out);
        const same = await runInProcess(argv);
        assert.equal(out.code, same.code, `process and run() disagree on ${JSON.stringify(argv)}`);
        // Stack frames (shown with --verbose) differ between a process and an in-process run
        // (e.g. `processTicksAndRejections`); everything else must be the same.
        assert.equal(withoutFrames(out.stderr), withoutFrames(same.stderr));
        codes[out.code as number]++;
      }
    }
    received.length = 0;
    t.diagnostic(
      `figures: CLI argv cases run as a real process: ${samples.length} (exit 0/1/2: ${codes.join("/")})`,
    );
  });

  it("control characters in argv are escaped in error messages (one line, no terminal escapes)", async () => {
    for (const argv of [
      ["greet", "--x\n\u001b[31mred"],
      ["gret\u001b]0;title\u0007"],
      ["report", "T", "1\r\n2"],
    ]) {
      const out = await runInProcess(argv);
      assert.equal(out.code, 2);
      const first = out.stderr.split("\n")[0];
      assert.doesNotMatch(first, CONTROL, JSON.stringify(first));
      assert.equal(out.stderr.split("\n")[1], "", JSON.stringify(out.stderr));
    }
  });
});
