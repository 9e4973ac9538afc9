// Fast mode, suite `cli` (`npm run bench -- --fast --only=cli`, alias `npm run bench:cli`):
// whole-process start-up of `node app.js greet Alice` (median of BENCH_RUNS=10 runs, interleaved)
// for a bare node script, registers/cli with plain descriptors, registers/cli with a Zod schema, and
// commander. registers is imported through the built dist/ (`scripts/bench.mjs` builds it first
// unless --no-build), by package self-reference from a scratch folder inside the repository.
// "registers' own share" of the Zod app is its time over the same greeting with Zod alone.
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { envNumber } from "../src/harness/env.ts";
import { median } from "../src/harness/stats.ts";
import { markdownTable } from "../src/harness/table.ts";
import { ROOT } from "./_root.ts";

const runs = envNumber(["BENCH_RUNS", "RUNS"], 10);
const dir = join(ROOT, ".tmp", "bench-cli");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const apps: Record<string, string> = {
  "bare node": `const [command, name] = process.argv.slice(2);
if (command === "greet") console.log(\`Hello, \${name}!\`);`,
  "registers/cli, plain descriptors": `import { CommandRegistry } from "registers/cli";
const cli = new CommandRegistry();
cli.register({ name: "greet", ops: ["-g"], args: { name: String } }, ({ name }) => \`Hello, \${name}!\`);
await cli.run();`,
  "registers/cli, Zod schema": `import { z } from "zod";
import { CommandRegistry } from "registers/cli";
const cli = new CommandRegistry();
cli.register({ name: "greet", ops: ["-g"], args: { name: z.string() } }, ({ name }) => \`Hello, \${name}!\`);
await cli.run();`,
  "bare node + import zod (reference)": `import { z } from "zod";
const [command, name] = process.argv.slice(2);
if (command === "greet") console.log(\`Hello, \${z.string().parse(name)}!\`);`,
  "commander 14": `import { Command } from "commander";
const program = new Command();
program.command("greet").alias("g").argument("<name>").action((name) => console.log(\`Hello, \${name}!\`));
program.parse();`,
};

const files = Object.keys(apps).map((label, i) => {
  const file = join(dir, `app${i}.mjs`);
  writeFileSync(file, `${apps[label]}\n`);
  return { label, file, times: [] as number[] };
});

function once(file: string): number {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [file, "greet", "Alice"], { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 || r.stdout !== "Hello, Alice!\n")
    throw new Error(`${file} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
  return ms;
}

for (const f of files) once(f.file); // warm the file system cache
for (let i = 0; i < runs; i++) for (const f of files) f.times.push(once(f.file));

const signed = (ms: number) => `${ms < 0 ? "-" : "+"}${Math.abs(ms).toFixed(1)} ms`;
const bare = median(files[0].times);
const commander = median(files[4].times) - bare;
const zodOnly = median(files[3].times) - bare;
const targets = [null, `<= commander (${signed(commander)})`, "<= bare + 45 ms", null, null];
const rows = files.map((f, i) => {
  const m = median(f.times);
  const over = m - bare;
  const ok = i === 1 ? over <= commander + 1 : i === 2 ? over <= 45 : null;
  return [
    f.label,
    `${m.toFixed(1)} ms (min ${Math.min(...f.times).toFixed(1)})`,
    i === 0 ? "-" : signed(over),
    targets[i] ? `${targets[i]} ${ok ? "ok" : "MISSED"}` : "",
    i === 2 ? signed(over - zodOnly) : i === 1 ? signed(over) : "",
  ];
});
const head = [
  "app (node app.js greet Alice)",
  `median of ${runs}`,
  "over bare node",
  "target",
  "registers' own share",
];
console.log(`\nnode ${process.version}, ${process.platform} ${process.arch}\n`);
console.log(markdownTable(head, rows));
rmSync(dir, { recursive: true, force: true });
