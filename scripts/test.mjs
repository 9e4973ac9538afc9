// `npm test`: build the bundles, type-check everything (type-level tests included),
// then run every test file with node's test runner. tsx (esbuild) lowers TC39 decorators.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const args = process.argv.slice(2);
const skipBuild = args.includes("--no-build");
const filters = args.filter((a) => !a.startsWith("--"));

function step(name, cmd, cmdArgs) {
  const started = Date.now();
  const r = spawnSync(cmd, cmdArgs, { stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
  console.log(`${name}: ok (${Date.now() - started} ms)`);
}

function walk(dir, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) {
      if (name !== "fixtures" && name !== "node_modules") walk(p, out);
    } else if (name.endsWith(".test.ts")) out.push(p);
  }
  return out;
}

if (!skipBuild) {
  step("build", process.execPath, ["scripts/build.mjs"]);
  step("typecheck (incl. type tests)", process.execPath, [
    "node_modules/typescript/bin/tsc",
    "-p",
    "tsconfig.json",
  ]);
}
const files = walk("test")
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
const r = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-reporter=spec", "--test-concurrency=2", ...files],
  { stdio: "inherit", env: { ...process.env, NODE_ENV: "test" } },
);
process.exit(r.status ?? 1);
