// Measures the import cost of each runtime dependency over a bare `node` start:
// median of N whole-process runs. Used for the README's dependency table.
import { spawnSync } from "node:child_process";

const runs = Number(process.env.RUNS ?? 15);
const targets = process.argv.slice(2).length
  ? process.argv.slice(2)
  : ["zod", "better-sqlite3", "pg", "mysql2"];
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}
function time(code) {
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    spawnSync(process.execPath, ["--input-type=module", "-e", code]);
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return median(xs);
}
const bare = time("0");
console.log(`bare node: ${bare.toFixed(1)} ms`);
for (const t of targets)
  console.log(`${t}: +${(time(`await import(${JSON.stringify(t)})`) - bare).toFixed(1)} ms`);
