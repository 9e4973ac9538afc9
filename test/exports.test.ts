import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";

const hook = pathToFileURL("test/fixtures/trace-loads.mjs").href;

/** Every module URL that importing `entry` in a fresh node process resolves. */
function modulesLoadedBy(entry: string): string[] {
  const register = `import { register } from "node:module"; register(${JSON.stringify(hook)});`;
  const r = spawnSync(
    process.execPath,
    [
      "--import",
      `data:text/javascript,${encodeURIComponent(register)}`,
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(entry)});`,
    ],
    { encoding: "utf8" },
  );
  assert.equal(r.status, 0, r.stderr);
  return r.stderr
    .split("\n")
    .filter((l) => l.startsWith("LOAD "))
    .map((l) => l.slice(5));
}

describe("package entry points", () => {
  it("registers, registers/cli and registers/db import through the exports map", async () => {
    const root = await import("registers");
    const cli = await import("registers/cli");
    const db = await import("registers/db");
    for (const mod of [root, cli, db]) assert.ok(Object.keys(mod).length > 0);
    for (const name of Object.keys(cli))
      assert.ok(name in root, `root re-exports ${name} from registers/cli`);
    for (const name of Object.keys(db)) assert.ok(name in root, `root re-exports ${name} from registers/db`);
  });

  it("registers/cli loads no database module, and registers/db no command-line module", () => {
    const cli = modulesLoadedBy("registers/cli");
    assert.ok(cli.some((u) => u.includes("/dist/cli/index.js")));
    assert.deepEqual(
      cli.filter((u) => /\/dist\/db\/|better-sqlite3|node_modules\/(pg|mysql2)\//.test(u)),
      [],
    );
    const db = modulesLoadedBy("registers/db");
    assert.ok(db.some((u) => u.includes("/dist/db/index.js")));
    assert.deepEqual(
      db.filter((u) => /\/dist\/cli\//.test(u)),
      [],
    );
  });

  it("registers/db opens an SQLite database with the native better-sqlite3 module", async () => {
    const { default: Database } = await import("better-sqlite3");
    const conn = new Database(":memory:");
    assert.deepEqual(conn.prepare("select 1 as one").get(), { one: 1 });
    conn.close();
  });
});
