// `npm run bench:cli`: whole-process start-up of `node app.js greet Alice` (median of RUNS=10,
// runs interleaved) for a bare node script, registers/cli with plain descriptors, registers/cli
// with a Zod schema, and commander. registers is imported through the built dist/ (built here
// first unless --no-build), by package self-reference from a scratch folder inside the repo.
// "registers' own share" of the Zod app is its time over the same greeting with Zod alone.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const runs = Number(process.env.RUNS ?? 10);
if (!process.argv.includes("--no-build"))
  execFileSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });

const dir = join(".tmp", "bench-cli");
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });

const apps = {
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
  return { label, file, times: [] };
});

function once(file) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [file, "greet", "Alice"], { encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0 || r.stdout !== "Hello, Alice!\n")
    throw new Error(`${file} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
  return ms;
}

for (const f of files) once(f.file); // warm the file system cache
for (let i = 0; i < runs; i++) for (const f of files) f.times.push(once(f.file));

const signed = (ms) => `${ms < 0 ? "-" : "+"}${Math.abs(ms).toFixed(1)} ms`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
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
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(`\nnode ${process.version}, ${process.platform} ${process.arch}\n`);
console.log(line(head));
console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
for (const r of rows) console.log(line(r));
rmSync(dir, { recursive: true, force: true });
