// `npm run demo`: builds registers (if dist/ is missing or older than src/) and the todo example,
// then walks through the app by running the real process: add two todos, complete one, list them
// as a table. The walk starts from an empty examples/todo/data/todo.db (or uses TODO_DB as it is).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";

const root = join(import.meta.dirname, "..");
const app = join("examples", "todo", "dist", "app.js");

function newest(dir) {
  let t = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const s = statSync(p);
    t = Math.max(t, s.isDirectory() ? newest(p) : s.mtimeMs);
  }
  return t;
}

function buildIfNeeded() {
  const outputs = ["dist/cli/index.js", "dist/db/index.js"].map((p) => join(root, p));
  const fresh = outputs.every((p) => existsSync(p) && statSync(p).mtimeMs >= newest(join(root, "src")));
  if (fresh) return;
  console.log("building registers (dist/) ...");
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: root, stdio: "inherit" });
}

if (!process.argv.includes("--no-build")) buildIfNeeded();
await build({
  entryPoints: [join(root, "examples/todo/app.ts")],
  outfile: join(root, app),
  bundle: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  logLevel: "warning",
});

if (!process.env.TODO_DB)
  for (const suffix of ["", "-wal", "-shm"])
    rmSync(join(root, "examples/todo/data", `todo.db${suffix}`), { force: true });

function step(args) {
  console.log(`\n$ node ${app} ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")}`);
  const r = spawnSync(process.execPath, [app, ...args], { cwd: root, encoding: "utf8", env: process.env });
  process.stdout.write(r.stdout);
  process.stdout.write(r.stderr);
  if (r.status !== 0) {
    console.error(`\nthe demo step failed with exit code ${r.status}`);
    process.exit(1);
  }
  return r.stdout;
}

console.log("registers demo: a todo app on SQLite (examples/todo), driven through its command line");
step(["--help"]);
const added = step(["add", "Buy milk", "--priority", "high"]);
step(["-a", "Write the quarterly report"]);
const id = /#(\d+)/.exec(added)?.[1] ?? "1";
step(["complete", id]);
step(["list", "--output", "table"]);
console.log(`
Go on by hand (the data stays in ${process.env.TODO_DB ?? "examples/todo/data/todo.db"}):
  node ${app} --help
  node ${app} update ${id} --title "Buy oat milk"
  node ${app} list --status open --output table
  node ${app} remove ${id}
or run the TypeScript source directly: node --import tsx examples/todo/app.ts list`);
