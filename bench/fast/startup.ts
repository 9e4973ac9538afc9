// `node scripts/startup.mjs`: whole-process cold start on the running Node, median of RUNS=15 runs,
// all cases interleaved so they share the machine's load: a bare `node`, `import("registers/cli")`,
// `import("registers/db")`, and registers/db opening an in-memory SQLite database and running one
// query (default binding of this line), each without and with Node's on-disk compile cache
// (NODE_COMPILE_CACHE, the same cache `module.enableCompileCache()` turns on; Node 22.1+, ignored by
// Node 20). The cache is warmed by one untimed run first. Imports go through the built dist/ by
// package self-reference (run `npm run build` first). Prints a Markdown table row per case.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const runs = Number(process.env.RUNS ?? 15);
const cacheDir = mkdtempSync(join(tmpdir(), "registers-compile-cache-"));
const cases = {
  "bare node": "0",
  'import("registers/cli")': 'await import("registers/cli")',
  'import("registers/db")': 'await import("registers/db")',
  "registers/db: open :memory: + 1 query": `const { databaseRegistry, Model, disposeAll } = await import("registers/db");
const { z } = await import("zod");
const T = databaseRegistry(":memory:", { tableName: "t" })(class T extends Model({ id: z.int().nullable().default(null) }) {});
await T.createSchema(); await T.objects.count(); await disposeAll();`,
};

function once(code, cache) {
  const env = { ...process.env };
  delete env.NODE_COMPILE_CACHE;
  if (cache) env.NODE_COMPILE_CACHE = cacheDir;
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { env, encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`failed (exit ${r.status}): ${r.stderr}`);
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times = new Map();
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
console.log("| case | no compile cache | compile cache (warm) |");
console.log("| --- | ---: | ---: |");
for (const label of Object.keys(cases)) {
  const plain = median(times.get(`${label}|false`));
  const cached = median(times.get(`${label}|true`));
  console.log(`| ${label} | ${plain.toFixed(1)} | ${cached.toFixed(1)} |`);
}
