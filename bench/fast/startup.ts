// Fast mode, suite `startup` (`npm run bench -- --fast --only=startup`): whole-process cold start on
// the running Node, median of BENCH_RUNS=15 runs, all cases interleaved so they share the machine's
// load: a bare `node`, `import("registers/cli")`, `import("registers/db")`, and registers/db opening
// an in-memory SQLite database and running one query (default binding of this line), each without
// and with Node's on-disk compile cache (NODE_COMPILE_CACHE, the same cache
// `module.enableCompileCache()` turns on; Node 22.1+, ignored by Node 20). The cache is warmed by one
// untimed run first. Imports go through the built dist/ by package self-reference (`scripts/bench.mjs`
// builds it first unless --no-build).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { envNumber } from "../src/harness/env.ts";
import { median } from "../src/harness/stats.ts";
import { markdownTable } from "../src/harness/table.ts";
import { ROOT } from "./_root.ts";

const runs = envNumber(["BENCH_RUNS", "RUNS"], 15);
const cacheDir = mkdtempSync(join(tmpdir(), "registers-compile-cache-"));
const cases: Record<string, string> = {
  "bare node": "0",
  'import("registers/cli")': 'await import("registers/cli")',
  'import("registers/db")': 'await import("registers/db")',
  "registers/db: open :memory: + 1 query": `const { databaseRegistry, Model, disposeAll } = await import("registers/db");
const { z } = await import("zod");
const T = databaseRegistry(":memory:", { tableName: "t" })(class T extends Model({ id: z.int().nullable().default(null) }) {});
await T.createSchema(); await T.objects.count(); await disposeAll();`,
};

function once(code: string, cache: boolean): number {
  const env = { ...process.env };
  delete env.NODE_COMPILE_CACHE;
  if (cache) env.NODE_COMPILE_CACHE = cacheDir;
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: ROOT,
    env,
    encoding: "utf8",
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`failed (exit ${r.status}): ${r.stderr}`);
  return ms;
}

const times = new Map<string, number[]>();
try {
  for (const code of Object.values(cases)) for (const cache of [false, true]) once(code, cache); // warm
  for (let i = 0; i < runs; i++) {
    for (const [label, code] of Object.entries(cases)) {
      for (const cache of [false, true]) {
        const key = `${label}|${cache}`;
        times.set(key, [...(times.get(key) ?? []), once(code, cache)]);
      }
    }
  }
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
console.log(`Node ${process.versions.node}, median of ${runs} runs (ms)`);
const rows = Object.keys(cases).map((label) => [
  label,
  median(times.get(`${label}|false`) ?? []).toFixed(1),
  median(times.get(`${label}|true`) ?? []).toFixed(1),
]);
console.log(
  markdownTable(["case", "no compile cache", "compile cache (warm)"], rows, ["left", "right", "right"]),
);
