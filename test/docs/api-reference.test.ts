// The API reference (`npm run docs`, TypeDoc into docs/api/) builds from the JSDoc of the four entry
// points without a warning: a `{@link name}` that resolves to nothing fails here, not in a reader's
// browser. Runs TypeDoc with typedoc.json and `--emit none` (no files written; about 7 s).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";

const ROOT = join(import.meta.dirname, "..", "..");

describe("API reference", () => {
  it("TypeDoc documents the entry points with no broken link or other warning", () => {
    const run = spawnSync(
      process.execPath,
      [join(ROOT, "node_modules", "typedoc", "bin", "typedoc"), "--emit", "none", "--logLevel", "Warn"],
      { cwd: ROOT, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } },
    );
    const output = `${run.stdout}${run.stderr}`.trim();
    assert.equal(run.status, 0, `typedoc failed (exit ${run.status}):\n${output}`);
    assert.equal(output, "", `typedoc warned:\n${output}`);
  });
});
