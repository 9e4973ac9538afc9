// `npm run bench [-- --quick] [-- --only=sqlite,postgres,http,start] [-- --libs=registers,drizzle]`
// Installs the separate bench/ package when needed (npm ci, from its committed lock), builds
// registers, copies the build into bench/node_modules/registers (as `npm install registers` would
// lay it out, so it resolves zod and better-sqlite3 from bench/), then runs the suite in bench/.
// A build that fails (or an entry that is not there yet) does not stop the run: the suite reports
// registers as skipped with the reason.
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bench = join(root, "bench");
const args = process.argv.slice(2);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

if (!existsSync(join(bench, "node_modules", ".package-lock.json"))) {
  console.error("bench: installing the benchmark package (npm ci --prefix bench)...");
  execFileSync(npm, ["ci", "--prefix", bench, "--no-audit", "--no-fund"], { stdio: "inherit", cwd: root });
}

const target = join(bench, "node_modules", "registers");
rmSync(target, { recursive: true, force: true });
if (args.includes("--no-build")) {
  console.error("bench: --no-build, using the existing dist/");
} else {
  console.error("bench: building registers (npm run build)...");
  const r = spawnSync(npm, ["run", "build"], { stdio: "inherit", cwd: root });
  if (r.status !== 0) console.error("bench: the build failed; registers will be reported as skipped");
}
if (existsSync(join(root, "dist"))) {
  // a snapshot: other work in the tree may rebuild dist/ while the suite runs
  mkdirSync(target, { recursive: true });
  cpSync(join(root, "dist"), join(target, "dist"), { recursive: true });
  const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
  const { name, version, type, exports, dependencies, peerDependencies, peerDependenciesMeta } = pkg;
  writeFileSync(
    join(target, "package.json"),
    `${JSON.stringify({ name, version, type, exports, dependencies, peerDependencies, peerDependenciesMeta }, null, 2)}\n`,
  );
}

const suite = spawnSync(
  process.execPath,
  ["--import", "tsx", join(bench, "src", "main.ts"), ...args.filter((a) => a !== "--no-build")],
  { stdio: "inherit", cwd: bench },
);
process.exitCode = suite.status ?? 1;
