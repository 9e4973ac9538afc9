// The options every CLI is expected to have, through the real process (argv in, stdout, stderr and
// exit code out): short flags and clusters, repeatable options, variadic positionals, environment
// variables, examples in help, commands listed once with their aliases, output formats, --quiet.
// The app is test/cli/fixtures/features/app.ts.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";

const app = join(import.meta.dirname, "fixtures", "features", "app.ts");

function cli(argv: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, ["--import", "tsx", app, ...argv], {
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", PORT: "", MODE: "", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const json = (argv: string[], env?: Record<string, string>) => {
  const r = cli(argv, env);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
};

function usageError(argv: string[], message: RegExp, env?: Record<string, string>) {
  const r = cli(argv, env);
  assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stdout}${r.stderr}`);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, message);
  assert.match(r.stderr, /\nUsage: feat /);
}

describe("options people expect (real process)", () => {
  it("short flags, clusters and short options with a value, plain and Zod alike", () => {
    const expected = { verbose: true, force: true, out: "out.txt", tag: [], port: 3000 };
    assert.deepEqual(json(["build", "-v", "-f", "-o", "out.txt"]), expected);
    assert.deepEqual(json(["build", "-vf", "-o", "out.txt"]), expected);
    assert.deepEqual(json(["build", "-vfoout.txt"]), expected);
    assert.deepEqual(json(["b", "-fv", "-o=out.txt"]), expected);
    assert.deepEqual(json(["zbuild", "-vo", "x.txt"]), {
      verbose: true,
      out: "x.txt",
      tag: [],
      port: 3000,
      mode: "dev",
    });
    usageError(["build", "-x"], /^error: unknown option -x \(options: -v, -f, -o, -t\)/);
    usageError(["build", "-vx"], /^error: unknown option -x in -vx/);
    usageError(["build", "-o"], /^error: option -o needs a value/);
  });

  it("array options repeat; a repeated single-value option is a usage error", () => {
    assert.deepEqual(json(["build", "--tag", "a", "--tag", "b", "-t", "c"]).tag, ["a", "b", "c"]);
    assert.deepEqual(json(["zbuild", "-t", "a", "--tag=b"]).tag, ["a", "b"]);
    assert.deepEqual(json(["zbuild"]).tag, []);
    usageError(["zbuild", "--tag", ""], /^error: invalid value for --tag: Too small/);
    usageError(
      ["build", "--out", "a", "--out", "b"],
      /^error: option --out was given twice: it takes one value/,
    );
    usageError(["build", "-o", "a", "--out", "b"], /^error: option -o and --out were both given/);
    usageError(["zbuild", "--port", "1", "--port", "2"], /--port was given twice/);
    usageError(["build", "--verbose", "--no-verbose"], /--verbose and --no-verbose were both given/);
  });

  it("a variadic last positional takes the rest (at least one), validated as a whole", () => {
    assert.deepEqual(json(["rm", "a", "b", "c"]), { files: ["a", "b", "c"], force: false });
    assert.deepEqual(json(["rm", "-f", "a", "--", "-b"]), { files: ["a", "-b"], force: true });
    assert.deepEqual(json(["zrm", "3", "a", "b"]), { count: 3, files: ["a", "b"] });
    usageError(["rm"], /^error: missing required argument <files\.\.\.>/);
    usageError(["zrm", "3", "a"], /^error: invalid value for <files\.\.\.>: Too small/);
    assert.match(cli(["rm", "--help"]).stdout, /^Usage: feat rm <files\.\.\.> \[options\]/);
  });

  it("environment variables fill options left out: after the command line, before the default", () => {
    assert.equal(json(["build"], { PORT: "8080" }).port, 8080);
    assert.equal(json(["build", "--port", "9"], { PORT: "8080" }).port, 9);
    assert.equal(json(["build"]).port, 3000);
    assert.deepEqual(json(["zbuild"], { PORT: "81", MODE: "prod" }), {
      verbose: false,
      tag: [],
      port: 81,
      mode: "prod",
    });
    usageError(["build"], /^error: invalid value 'x' for --port: expected an integer \(from PORT\)/, {
      PORT: "x",
    });
    usageError(["zbuild"], /^error: invalid value '0' for --port: Too small: .* \(from PORT\)\n/, {
      PORT: "0",
    });
    usageError(["zbuild"], /expected one of dev, prod \(from MODE\)/, { MODE: "test" });
  });

  it("help shows short names, env variables, repeatable options and examples", () => {
    const r = cli(["build", "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\n {2}-v, --verbose +say more, flag\n/);
    assert.match(r.stdout, /\n {2}-t, --tag <string> +a tag \(repeat it\), string, repeatable\n/);
    assert.match(r.stdout, /\n {6}--port <integer> +integer, default: 3000, env: PORT\n/);
    assert.match(
      r.stdout,
      /\nExamples:\n {2}feat build -vf -o out\.txt --tag a --tag b\n {2}PORT=8080 feat build\n$/,
    );
  });

  it("the top-level help lists each command once, its aliases beside it", () => {
    const r = cli(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /\n {2}build \(b\) +Plain descriptors/);
    assert.doesNotMatch(r.stdout, /\n {2}b +/);
    assert.equal(r.stdout.match(/^ {2}build\b/gm)?.length, 1);
    assert.match(r.stdout, /-q, --quiet/);
  });

  it("--output csv, a per-command default format, --quiet, and a clear empty table", () => {
    const csv = 'id,title,done\n1,"milk, oat",false\n2,"say ""hi""",true\n';
    assert.deepEqual(cli(["rows", "--output", "csv"]), { code: 0, stdout: csv, stderr: "" });
    assert.deepEqual(cli(["csv-rows"]), { code: 0, stdout: csv, stderr: "" });
    assert.equal(JSON.parse(cli(["csv-rows", "--output", "json"]).stdout).length, 2);
    assert.deepEqual(cli(["rows", "--empty", "--output", "table"]), {
      code: 0,
      stdout: "(no rows)\n",
      stderr: "",
    });
    assert.deepEqual(cli(["rows", "--empty", "--output", "csv"]), { code: 0, stdout: "", stderr: "" });
    assert.deepEqual(cli(["rows", "-q"]), { code: 0, stdout: "", stderr: "" });
    assert.deepEqual(cli(["--quiet", "rows"]), { code: 0, stdout: "", stderr: "" });
    const failed = cli(["-q", "build", "--port", "x"]);
    assert.equal(failed.code, 2);
    assert.match(failed.stderr, /^error: invalid value 'x'/);
    usageError(["rows", "--output", "xml"], /expected one of json, table, plain, csv/);
  });

  it("without a terminal, prompts, confirmations and the shell do not ask: usage errors, exit 2", () => {
    usageError(["login", "bob"], /^error: missing required argument <password>/);
    usageError(["purge"], /^error: 'purge' asks "Delete 3 todos\?" before it runs: pass --yes/);
    assert.deepEqual(cli(["purge", "--count", "5", "--yes"]), { code: 0, stdout: "deleted 5\n", stderr: "" });
    assert.equal(cli(["--yes", "purge"]).stdout, "deleted 3\n");
    assert.deepEqual(cli(["purge", "-y", "--count", "4"]), { code: 0, stdout: "deleted 4\n", stderr: "" });
    assert.equal(cli(["-y", "purge"]).stdout, "deleted 3\n", "-y before the command too");
    assert.equal(cli(["purge", "-qy"]).stdout, "", "-y clusters with -q");
    assert.match(cli(["purge", "--help"]).stdout, /\n {2}-y, --yes +run without asking for confirmation\n/);
    assert.match(cli(["--help"]).stdout, /\n {2}-y, --yes +answer yes to a command's confirmation\n/);
    usageError(["purge"], /pass --yes \(or -y\) to run it without a terminal/);
    usageError(["shell"], /^error: 'shell' needs a terminal/);
    assert.equal(
      cli(["login", "bob", "12345678", "--role", "admin"]).stdout,
      "logged in bob (admin) with 8 characters\n",
    );
    usageError(["login", "bob", "12345678"], /^error: missing required option --role/);
    usageError(
      ["login", "bob", "short", "--role", "admin"],
      /^error: invalid value for <password>: Too small/,
    );
  });
});
