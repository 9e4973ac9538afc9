// Interactive use in a real terminal (tmux): prompts for missing arguments (text, hidden input,
// a choice list, validation with the argument's own schema), a command's confirmation, and the
// `shell` (Tab completion, history, help, errors without leaving, Ctrl-D). Skipped when tmux is
// not installed. Each test runs on its own tmux server (-L) and kills it afterwards.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { hasTmux, openTerminal } from "./_tmux.js";

const root = join(import.meta.dirname, "..", "..");
const app = join("test", "cli", "fixtures", "features", "app.ts");
const terminal = (argv: string[]) =>
  openTerminal(`cd ${root} && NO_COLOR=1 node --import tsx ${app} ${argv.join(" ")}`);

describe("interactive use in a real terminal (tmux)", {
  skip: hasTmux ? false : "tmux is not installed",
}, () => {
  it("asks for missing arguments: text, hidden input validated by the schema, a choice list", async () => {
    const t = terminal(["login"]);
    await t.waitFor(/user name \(<user>\)/);
    t.type("bob");
    t.keys("Enter");
    await t.waitFor(/password/);
    t.type("short");
    t.keys("Enter");
    await t.waitFor(/Too small: expected string to have >=8 characters/);
    assert.doesNotMatch(t.screen(), /short/, "the secret is not echoed");
    t.keys("C-u");
    t.type("longenough");
    t.keys("Enter");
    await t.waitFor(/● admin\n.*○ member/);
    t.keys("Down", "Enter");
    const screen = await t.waitFor(/EXIT=\d+/);
    assert.match(screen, /logged in bob \(member\) with 10 characters\nEXIT=0/);
    assert.doesNotMatch(screen, /longenough/);
  });

  it("only what the command line left out is asked for", async () => {
    const t = terminal(["login", "ann", "--role", "admin"]);
    await t.waitFor(/password/);
    assert.doesNotMatch(t.screen(), /user name/);
    t.type("12345678");
    t.keys("Enter");
    assert.match(await t.waitFor(/EXIT=\d+/), /logged in ann \(admin\) with 8 characters\nEXIT=0/);
  });

  it("a confirmation runs the command on yes, stops it (exit 1) on no; --yes skips it", async () => {
    const yes = terminal(["purge", "--count", "7"]);
    await yes.waitFor(/Delete 7 todos\?/);
    yes.keys("y");
    assert.match(await yes.waitFor(/EXIT=\d+/), /deleted 7\nEXIT=0/);

    const no = terminal(["purge"]);
    await no.waitFor(/Delete 3 todos\?/);
    no.keys("Enter"); // the default answer is No
    const screen = await no.waitFor(/EXIT=\d+/);
    assert.match(screen, /Error: Aborted: nothing was changed\nEXIT=1/);
    assert.doesNotMatch(screen, /deleted/);

    const skipped = terminal(["purge", "--yes"]);
    const text = await skipped.waitFor(/EXIT=\d+/);
    assert.match(text, /deleted 3\nEXIT=0/);
    assert.doesNotMatch(text, /Delete 3 todos/);
  });

  it("Ctrl-C at a prompt cancels with exit 130", async () => {
    const t = terminal(["login"]);
    await t.waitFor(/user name/);
    t.keys("C-c");
    assert.match(await t.waitFor(/EXIT=\d+/), /Cancelled: nothing was changed\nEXIT=130/);
  });

  it("the shell: completion, history, help, errors without leaving, tables on a terminal, Ctrl-D", async () => {
    const t = terminal(["shell"]);
    // (tmux trims trailing spaces from the screen: the space a completion adds shows in what follows)
    await t.waitFor(/feat>\s*$/m);
    t.type("bu");
    t.keys("Tab");
    await t.waitFor(/feat> build\s*$/m);
    t.type("--p");
    t.keys("Tab");
    await t.waitFor(/feat> build --port\s*$/m);
    t.type("5 -v");
    await t.waitFor(/feat> build --port 5 -v$/m);
    t.keys("Enter");
    await t.waitFor(/"port": 5/);
    t.type("buidl");
    t.keys("Enter");
    await t.waitFor(/unknown command 'buidl'\nDid you mean 'build'\?/);
    t.type("help rm");
    t.keys("Enter");
    await t.waitFor(/Usage: feat rm <files\.\.\.> \[options\]/);
    t.type("rows");
    t.keys("Enter");
    await t.waitFor(/id {2}title {6}done\n-- {2}-{9} {2}-{5}\n1 {3}milk, oat {2}false/);
    t.type("rows --empty");
    t.keys("Enter");
    await t.waitFor(/\(no rows\)/);
    t.keys("Up", "Up", "Up", "Up");
    await t.waitFor(/feat> build --port 5 -v$/m);
    t.keys("C-u");
    t.type('rm "a file" b\\ c');
    t.keys("Enter");
    await t.waitFor(/"a file",\s+"b c"/);
    t.type("shell");
    t.keys("Enter");
    await t.waitFor(/error: already in the shell/);
    t.keys("C-d");
    assert.match(await t.waitFor(/EXIT=\d+/), /EXIT=0/);
  });

  it("the shell keeps its history in a file across sessions only when asked (historyFile)", async () => {
    const home = mkdtempSync(join(tmpdir(), "registers-shell-home-"));
    try {
      const shell = (history: boolean) =>
        openTerminal(
          `cd ${root} && HOME=${home} ${history ? "FEAT_HISTORY='~/.feat_history' " : ""}NO_COLOR=1 node --import tsx ${app} shell`,
        );
      const first = shell(true);
      await first.waitFor(/feat>\s*$/m);
      first.type("rows --empty");
      first.keys("Enter");
      await first.waitFor(/\(no rows\)/);
      first.type("build --port 7");
      first.keys("Enter");
      await first.waitFor(/"port": 7/);
      first.keys("C-d");
      assert.match(await first.waitFor(/EXIT=\d+/), /EXIT=0/);
      const file = join(home, ".feat_history");
      assert.equal(readFileSync(file, "utf8"), "rows --empty\nbuild --port 7\n");
      assert.equal(statSync(file).mode & 0o777, 0o600, "only the owner reads it");

      const second = shell(true);
      await second.waitFor(/feat>\s*$/m);
      second.keys("Up");
      await second.waitFor(/feat> build --port 7$/m);
      second.keys("Up");
      await second.waitFor(/feat> rows --empty$/m);
      second.keys("Enter");
      await second.waitFor(/\(no rows\)[\s\S]*feat>\s*$/);
      second.type("exit");
      second.keys("Enter");
      assert.match(await second.waitFor(/EXIT=\d+/), /EXIT=0/);
      assert.equal(readFileSync(file, "utf8"), "build --port 7\nrows --empty\nexit\n");

      rmSync(file);
      const off = shell(false);
      await off.waitFor(/feat>\s*$/m);
      off.keys("Up");
      off.type("rows --empty");
      off.keys("Enter");
      await off.waitFor(/\(no rows\)/);
      off.keys("C-d");
      assert.match(
        await off.waitFor(/EXIT=\d+/),
        /feat> rows --empty\n[\s\S]*EXIT=0/,
        "no history to go up to",
      );
      assert.deepEqual(readdirSync(home), [], "nothing written by default");
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
