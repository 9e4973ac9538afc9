// registers/studio through the package's exports map (the built bundle): its API, and its page's
// files shipped beside it in dist/studio/public/ (the page loads nothing from elsewhere).
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { it } from "node:test";
import { ensureBuilt } from "../migrate/_support.js";

it("registers/studio exports adminRoutes, startStudio and its errors, and ships the page", async () => {
  ensureBuilt();
  // Through the exports map at run time (a variable specifier: its types are checked in test/types/).
  const specifier = "registers/studio";
  const studio = (await import(specifier)) as Record<string, unknown>;
  for (const name of ["adminRoutes", "startStudio", "StudioAuthRequiredError", "StudioConfigurationError"])
    assert.equal(typeof studio[name], "function", name);
  assert.ok(existsSync("dist/studio/public/index.html"));
  assert.deepEqual(readdirSync("dist/studio/public").sort(), readdirSync("src/studio/public").sort());
});
