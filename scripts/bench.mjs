// `npm run bench`: the one benchmark harness, in two modes (shared helpers: bench/src/harness/).
//
// Fast mode, `npm run bench -- --fast [--only=db,drivers,pg,fastify,cli,startup,peers,servers] [--no-build]`
// (`npm run bench:fast`): from source with tsx and the repository's own devDependencies, raw driver
// against registers only, no install in bench/; prints tables and writes nothing. Suites in
// bench/fast/: db (SQLite in memory and WAL), drivers (better-sqlite3 vs node:sqlite, when this Node
// has node:sqlite), pg (when BENCH_POSTGRES_URL or REGISTERS_TEST_POSTGRES_URL is set), fastify,
// cli and startup (process start of the built dist/, built first unless --no-build), peers (SQLite:
// raw, Drizzle .prepare() from bench/node_modules when installed, registers) and servers (PostgreSQL
// and MariaDB against their raw drivers), the two suites behind BENCHMARKS.md's issue-16 section.
//
// Full mode, `npm run bench [-- --quick] [-- --only=sqlite,postgres,http,start] [-- --libs=registers,drizzle]`:
// installs the separate bench/ package when needed (npm ci, from its committed lock), builds
// registers, copies the build into bench/node_modules/registers (as `npm install registers` would
// lay it out, so it resolves zod and better-sqlite3 from bench/), then runs the peer suite in bench/,
// which writes BENCHMARKS.md (a quick or partial run: bench/.work/quick/ only).
// A build that fails (or an entry that is not there yet) does not stop the run: the suite reports
// registers as skipped with the reason.
//
// Environment (both modes): BENCH_ROUNDS, BENCH_SCALE, BENCH_RUNS, BENCH_POSTGRES_URL, ... (see
// bench/src/harness/env.ts).
import { execFileSync, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const bench = join(root, "bench");
const args = process.argv.slice(2);
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

if (args.includes("--fast")) {
  process.exitCode = fast();
} else {
  full();
}

function fast() {
  const suites = ["db", "drivers", "pg", "fastify", "cli", "startup", "peers", "servers"];
  const only = args
    .find((a) => a.startsWith("--only="))
    ?.slice("--only=".length)
    .split(",");
  const unknown = (only ?? []).filter((name) => !suites.includes(name));
  if (unknown.length) {
    console.error(`bench: unknown fast suite ${unknown.join(", ")} (known: ${suites.join(", ")})`);
    return 2;
  }
  const wanted = (name) => (only ? only.includes(name) : true);
  const hasNodeSqlite = process.getBuiltinModule?.("node:sqlite") !== undefined;
  const hasPostgres = Boolean(
    process.env.BENCH_POSTGRES_URL ||
      process.env.REGISTERS_BENCH_POSTGRES_URL ||
      process.env.REGISTERS_TEST_POSTGRES_URL,
  );
  const skip = {
    drivers: hasNodeSqlite ? null : `node:sqlite is not in Node ${process.versions.node}`,
    pg: hasPostgres ? null : "set BENCH_POSTGRES_URL (or REGISTERS_TEST_POSTGRES_URL)",
    servers:
      hasPostgres || process.env.BENCH_MYSQL_URL || process.env.REGISTERS_TEST_MYSQL_URL
        ? null
        : "set BENCH_POSTGRES_URL and/or BENCH_MYSQL_URL (or the REGISTERS_TEST_ ones)",
  };
  if ((wanted("cli") || wanted("startup")) && !args.includes("--no-build")) {
    console.error("bench: building registers for the start-up suites (npm run build)...");
    const r = spawnSync(npm, ["run", "build"], { stdio: "inherit", cwd: root });
    if (r.status !== 0) return r.status ?? 1;
  }
  let status = 0;
  for (const name of suites) {
    if (!wanted(name)) continue;
    if (skip[name]) {
      console.log(`\n## ${name}: skipped (${skip[name]})`);
      continue;
    }
    console.log(`\n## ${name}`);
    const file = join(
      bench,
      "fast",
      `${name === "drivers" ? "sqlite-drivers" : name === "pg" ? "db-postgres" : name}.ts`,
    );
    const r = spawnSync(process.execPath, ["--import", "tsx", file], { stdio: "inherit", cwd: root });
    if (r.status !== 0) {
      console.error(`bench: the ${name} suite failed (exit ${r.status ?? r.signal})`);
      status = 1;
    }
  }
  return status;
}

function full() {
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
}
