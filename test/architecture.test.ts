// The import direction of src/, as .dependency-cruiser.cjs states it: no import circle anywhere
// (type-only imports count), registers/cli and registers/db independent of each other and of the
// Fastify adapter, nothing importing test code. It runs dependency-cruiser, a maintained tool,
// rather than a hand-written import parser; a broken rule fails `npm test` with the list below.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const depcruise = fileURLToPath(
  new URL("../node_modules/dependency-cruiser/bin/dependency-cruise.mjs", import.meta.url),
);

interface Violation {
  rule: { name: string; severity: string };
  from: string;
  to: string;
  cycle?: { name: string }[];
}
interface Cruise {
  modules: { source: string; dependencies: { resolved: string; dependencyTypes: string[] }[] }[];
  summary: { error: number; totalCruised: number; violations: Violation[] };
}

function cruise(): Cruise {
  const r = spawnSync(
    process.execPath,
    [depcruise, "--config", ".dependency-cruiser.cjs", "--output-type", "json", "src"],
    { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, `depcruise failed to run (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(r.stdout) as Cruise;
}

const describe = (v: Violation) =>
  `${v.rule.name}: ${v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(" -> ") : `${v.from} -> ${v.to}`}`;

test("src/ follows the import rules of .dependency-cruiser.cjs", () => {
  const result = cruise();
  // Guards against a configuration that matches nothing: all three halves were read, and
  // `import type` edges are in the graph (the circle rule counts them).
  for (const entry of ["src/cli/index.ts", "src/db/index.ts", "src/fastify/index.ts"])
    assert.ok(
      result.modules.some((m) => m.source === entry),
      `${entry} was not cruised`,
    );
  const help = result.modules.find((m) => m.source === "src/cli/help.ts");
  assert.ok(
    help?.dependencies.some(
      (d) => d.resolved === "src/cli/types.ts" && d.dependencyTypes.includes("type-only"),
    ),
    "type-only imports are missing from the graph (tsPreCompilationDeps)",
  );
  const errors = result.summary.violations.filter((v) => v.rule.severity === "error");
  assert.deepEqual(
    errors.map(describe),
    [],
    `${errors.length} import rule(s) broken (see .dependency-cruiser.cjs for why each rule exists):\n${errors.map(describe).join("\n")}`,
  );
});
