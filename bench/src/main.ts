// The benchmark suite's orchestrator (run through `npm run bench` at the repository root, which
// installs bench/, builds registers and copies it into bench/node_modules/registers first).
//   --quick              ~1 minute pass: fewer operations and runs; writes bench/.work/quick/ only
//   --only=sqlite,postgres,http,start   run some sections
//   --libs=raw,registers ...            run some libraries
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, release, totalmem } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { checkServer, HTTP_CONNECTIONS, type HttpResult, measureHttp } from "./harness/http.ts";
import { writeMarkdown } from "./harness/markdown.ts";
import { OP_ORDER, ROUNDS } from "./harness/ops.ts";
import { BENCH_DIR, PG_URL, RAW_DIR, RESULTS_DIR, ROOT_DIR, WORK_DIR } from "./harness/paths.ts";
import { type HttpEntry, type LibEntry, type RunResults, ratioSvg } from "./harness/report.ts";
import { freshCopy, seedPostgres, seedSqlite } from "./harness/seed.ts";
import { runTs, startServer, stopServer } from "./harness/spawn.ts";
import { cliApps, dataApps, measureStart } from "./harness/start.ts";
import { describeError, type LibraryResult } from "./harness/suite.ts";
import { mergeTimings, type Timing } from "./harness/timing.ts";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const opt = (name: string) =>
  args
    .find((a) => a.startsWith(`--${name}=`))
    ?.split("=")[1]
    ?.split(",");
const only = opt("only") ?? ["sqlite", "postgres", "http", "start"];
const onlyLibs = opt("libs");

const SQLITE_LIBS: [string, string][] = [
  ["raw", "raw better-sqlite3"],
  ["registers", "registers"],
  ["drizzle-prepared", "Drizzle .prepare()"],
  ["drizzle", "Drizzle query API"],
  ["kysely", "Kysely"],
  ["typeorm", "TypeORM"],
  ["prisma", "Prisma 7"],
  ["sequelize", "Sequelize 6"],
];
const PG_LIBS: [string, string][] = [
  ["raw", "raw pg"],
  ["registers", "registers"],
  ["drizzle-prepared", "Drizzle .prepare()"],
  ["drizzle", "Drizzle query API"],
  ["kysely", "Kysely"],
  ["prisma", "Prisma 7"],
];
const wanted = (lib: string) => !onlyLibs || lib === "raw" || onlyLibs.includes(lib);

const started = Date.now();
const log = (s: string) => process.stderr.write(`${s}\n`);
const notes: string[] = [];
const skipReasons = new Map<string, string>(); // lib -> reason it cannot run at all

// ---------------------------------------------------------------------------------------------
// Preparation: Prisma clients, registers availability.

function prismaGenerate(): void {
  for (const schema of ["sqlite", "postgres"]) {
    const r = spawnSync(
      process.execPath,
      [
        join(BENCH_DIR, "node_modules", "prisma", "build", "index.js"),
        "generate",
        "--schema",
        `prisma/${schema}.prisma`,
      ],
      {
        cwd: BENCH_DIR,
        encoding: "utf8",
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? "/bin/false",
          PRISMA_HIDE_UPDATE_MESSAGE: "1",
        },
      },
    );
    if (r.status !== 0) {
      const why = `\`prisma generate --schema prisma/${schema}.prisma\` failed (exit ${r.status}): ${(r.stderr || r.stdout).trim().split("\n").slice(-3).join(" ").slice(0, 300)}`;
      skipReasons.set("prisma", why);
      log(`prisma: ${why}`);
      return;
    }
  }
  log("prisma: clients generated (PRISMA_SCHEMA_ENGINE_BINARY=/bin/false: generate needs no engine binary)");
}

async function registersStatus(): Promise<void> {
  const dir = join(BENCH_DIR, "node_modules", "registers");
  if (!existsSync(join(dir, "package.json"))) {
    skipReasons.set(
      "registers",
      "registers is not installed in bench/node_modules (run through `npm run bench` at the root)",
    );
    return;
  }
  try {
    const db: any = await import("registers/db");
    if (typeof db.Model !== "function" || typeof db.databaseRegistry !== "function") {
      skipReasons.set("registers", "registers/db does not export Model and databaseRegistry yet");
    }
  } catch (error) {
    skipReasons.set("registers", `registers/db does not load: ${describeError(error)}`);
  }
  try {
    const cli: any = await import("registers/cli");
    if (typeof cli.CommandRegistry !== "function")
      skipReasons.set("registers-cli", "registers/cli does not export CommandRegistry yet");
  } catch (error) {
    skipReasons.set("registers-cli", `registers/cli does not load: ${describeError(error)}`);
  }
}

function version(pkg: string): string {
  try {
    return JSON.parse(readFileSync(join(BENCH_DIR, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return "not installed";
  }
}

function machine(): RunResults["machine"] {
  const info = readFileSync("/proc/cpuinfo", "utf8");
  const cpu = /model name\s*:\s*(.+)/.exec(info)?.[1]?.trim() ?? cpus()[0]?.model ?? "unknown";
  return {
    cpu,
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os: `Linux ${release()}`,
  };
}

function git(...gitArgs: string[]): string {
  try {
    return execFileSync("git", gitArgs, { cwd: ROOT_DIR, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

// ---------------------------------------------------------------------------------------------

function skippedEntry(lib: string, name: string, reason: string): LibEntry {
  return { lib, name, packages: [], status: "skipped", reason, ops: {} };
}

/** Round r runs the libraries starting at offset r (raw included), so none is always first. */
function rotated<T>(list: T[], round: number): T[] {
  const k = round % list.length;
  return [...list.slice(k), ...list.slice(0, k)];
}

function mergeRounds(lib: string, name: string, rounds: LibEntry[]): LibEntry {
  if (rounds.length === 1) return rounds[0];
  const ran = rounds.filter((r) => Object.keys(r.ops).length > 0);
  if (ran.length === 0) return rounds[0];
  const merged: LibEntry = { lib, name: ran[0].name, packages: ran[0].packages, status: "ok", ops: {} };
  for (const op of OP_ORDER) {
    const results = ran.map((r) => r.ops[op]).filter((r) => r !== undefined);
    if (results.length === 0) continue;
    const failed = results.find((r) => r.status === "failed");
    const ok = results.filter((r) => r.status === "ok");
    if (failed) merged.ops[op] = failed;
    else if (ok.length === 0) merged.ops[op] = results[0];
    else merged.ops[op] = { status: "ok", ...mergeTimings(ok as Timing[]) };
  }
  if (Object.values(merged.ops).some((o) => o?.status === "failed")) merged.status = "failed";
  const lost = rounds.length - ran.length;
  if (lost > 0) merged.reason = `${lost} of ${rounds.length} rounds produced no result`;
  return merged;
}

async function runRounds(
  kind: "sqlite" | "postgres",
  libs: [string, string][],
  prepare: (lib: string) => Promise<string>,
): Promise<LibEntry[]> {
  const rounds = quick ? ROUNDS.quick : ROUNDS.full;
  const perLib = new Map<string, LibEntry[]>();
  const active = libs.filter(([lib]) => wanted(lib));
  for (let round = 0; round < rounds; round++) {
    for (const [lib, name] of rotated(active, round)) {
      const reason = skipReasons.get(lib);
      if (reason) {
        perLib.set(lib, [skippedEntry(lib, name, reason)]);
        continue;
      }
      log(`-- ${kind}, round ${round + 1}/${rounds}: ${name}`);
      const target = await prepare(lib);
      const resultFile = join(RAW_DIR, `${kind}-${lib}-${round}.json`);
      const code = await runTs(join(BENCH_DIR, "src", kind, "child.ts"), [
        lib,
        target,
        resultFile,
        ...(quick ? ["--quick"] : []),
      ]);
      perLib.set(lib, [...(perLib.get(lib) ?? []), readResult(lib, name, resultFile, code)]);
    }
  }
  return active.map(([lib, name]) => mergeRounds(lib, name, perLib.get(lib) ?? []));
}

async function runSqlite(): Promise<LibEntry[]> {
  log(`\n== SQLite (${quick ? "quick" : "full"}) ==`);
  const seed = join(WORK_DIR, "sqlite", "seed.db");
  seedSqlite(seed);
  return runRounds("sqlite", SQLITE_LIBS, async (lib) => {
    const file = join(WORK_DIR, "sqlite", `${lib}.db`);
    freshCopy(seed, file);
    return file;
  });
}

function readResult(lib: string, name: string, file: string, code: number): LibEntry {
  try {
    const r = JSON.parse(readFileSync(file, "utf8")) as LibraryResult;
    return { ...r, lib, name: r.name && r.status !== "skipped" ? r.name : name };
  } catch {
    return skippedEntry(lib, name, `its process exited with code ${code} without a result`);
  }
}

async function postgresVersion(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const v = (await client.query("SHOW server_version")).rows[0].server_version as string;
    return `PostgreSQL ${v}`;
  } finally {
    await client.end().catch(() => {});
  }
}

async function runPostgres(): Promise<LibEntry[]> {
  log(`\n== PostgreSQL (${quick ? "quick" : "full"}) ==`);
  return runRounds("postgres", PG_LIBS, async () => {
    await seedPostgres();
    return PG_URL;
  });
}

async function runHttp(pgResults: LibEntry[]): Promise<HttpEntry[]> {
  const rounds = quick ? ROUNDS.quick : ROUNDS.full;
  log(`\n== HTTP: Fastify GET /users/:id, ${HTTP_CONNECTIONS} connections, ${rounds} round(s) ==`);
  await seedPostgres();
  const perLib = new Map<string, HttpResult[]>();
  const active = PG_LIBS.filter(([lib]) => wanted(lib));
  for (let round = 0; round < rounds; round++) {
    for (const [lib, name] of rotated(active, round)) {
      const reason = skipReasons.get(lib);
      const get = pgResults.find((r) => r.lib === lib)?.ops.get;
      if (reason) {
        perLib.set(lib, [{ status: "skipped", reason }]);
        continue;
      }
      if (get && get.status !== "ok") {
        perLib.set(lib, [{ status: "skipped", reason: `its PostgreSQL get did not pass: ${get.reason}` }]);
        continue;
      }
      let server: Awaited<ReturnType<typeof startServer>> | undefined;
      let result: HttpResult;
      try {
        server = await startServer(join(BENCH_DIR, "src", "http", "server.ts"), [lib]);
        await checkServer(server.port);
        result = await measureHttp(server.port, quick);
      } catch (error) {
        result = { status: "failed", reason: describeError(error) };
      } finally {
        if (server) await stopServer(server.child);
      }
      log(
        `  round ${round + 1}, ${name}: ${result.status === "ok" ? `${Math.round(result.rps!)} req/s` : `${result.status} ${result.reason}`}`,
      );
      perLib.set(lib, [...(perLib.get(lib) ?? []), result]);
    }
  }
  return active.map(([lib, name]) => {
    const results = perLib.get(lib) ?? [];
    const bad = results.find((r) => r.status !== "ok");
    if (bad || results.length === 0)
      return { lib, name, ...(bad ?? { status: "skipped" as const, reason: "not run" }) };
    // the round with the median requests/s
    const sorted = [...results].sort((a, b) => a.rps! - b.rps!);
    const mid = sorted[(sorted.length - 1) >> 1];
    return { lib, name, ...mid, rounds: results.map((r) => Math.round(r.rps!)) };
  });
}

async function runStart() {
  const runs = quick ? 3 : 10;
  log(`\n== Process start, median of ${runs} ==`);
  const apps = cliApps().filter((a) => !a.name.startsWith("registers") || wanted("registers"));
  for (const app of apps) {
    if (app.name.startsWith("registers") && skipReasons.has("registers-cli"))
      app.skip = skipReasons.get("registers-cli");
  }
  const dbFile = join(WORK_DIR, "start", "start.db");
  const seed = join(WORK_DIR, "sqlite", "seed.db");
  if (!existsSync(seed)) seedSqlite(seed);
  freshCopy(seed, dbFile);
  const data = await dataApps(dbFile, SQLITE_LIBS.map(([lib]) => lib).filter(wanted));
  for (const app of data) {
    const lib = app.args[0].split("/").at(-1)!.replace(".mjs", "");
    if (skipReasons.has(lib)) app.skip = skipReasons.get(lib);
  }
  const results = measureStart([...apps, ...data], runs);
  for (const r of results)
    log(`  ${r.name}: ${r.status === "ok" ? `${r.medianMs!.toFixed(1)} ms` : `${r.status} ${r.reason}`}`);
  return results;
}

// ---------------------------------------------------------------------------------------------

mkdirSync(RAW_DIR, { recursive: true });
prismaGenerate();
await registersStatus();
for (const [lib, why] of skipReasons) log(`skip ${lib}: ${why}`);

const results: RunResults = {
  date: new Date().toISOString(),
  quick,
  command: `npm run bench${args.length ? ` -- ${args.join(" ")}` : ""}`,
  machine: machine(),
  registers: {
    version: version("registers"),
    commit: `${git("rev-parse", "--short", "HEAD")}${git("status", "--porcelain", "--", "src").length ? " + uncommitted changes in src/" : ""}`,
  },
  versions: {},
  sqlite: [],
  postgres: [],
  http: [],
  start: [],
  notes,
};
for (const pkg of [
  "better-sqlite3",
  "pg",
  "zod",
  "drizzle-orm",
  "kysely",
  "typeorm",
  "prisma",
  "@prisma/client",
  "@prisma/adapter-better-sqlite3",
  "@prisma/adapter-pg",
  "sequelize",
  "sqlite3",
  "fastify",
  "autocannon",
  "commander",
  "citty",
  "yargs",
  "@oclif/core",
]) {
  results.versions[pkg] = version(pkg);
}

if (only.includes("sqlite")) results.sqlite = await runSqlite();
if (only.includes("postgres") || only.includes("http")) {
  try {
    results.machine.postgres = await postgresVersion();
  } catch (error) {
    results.postgresSkipped = `no PostgreSQL server at ${PG_URL.replace(/:[^:@/]*@/, ":***@")}: ${describeError(error)}`;
    log(results.postgresSkipped);
  }
}
if (!results.postgresSkipped) {
  if (only.includes("postgres")) results.postgres = await runPostgres();
  if (only.includes("http")) results.http = await runHttp(results.postgres);
}
if (only.includes("start")) results.start = await runStart();
results.durationS = Math.round((Date.now() - started) / 1000);

// Outputs: a full run publishes (BENCHMARKS.md, charts, results.json); a quick or partial run
// writes the same files under bench/.work/quick so that it never overwrites published figures.
const publish = !quick && !opt("only") && !onlyLibs;
const outDir = publish ? RESULTS_DIR : join(WORK_DIR, "quick");
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
if (results.sqlite.length)
  writeFileSync(
    join(outDir, "ratio-sqlite.svg"),
    ratioSvg(
      `SQLite: time per operation relative to raw better-sqlite3 (${results.date.slice(0, 10)})`,
      results.sqlite,
    ),
  );
if (results.postgres.length)
  writeFileSync(
    join(outDir, "ratio-postgres.svg"),
    ratioSvg(
      `PostgreSQL: time per operation relative to raw pg (${results.date.slice(0, 10)})`,
      results.postgres,
    ),
  );
const markdownFile = publish ? join(ROOT_DIR, "BENCHMARKS.md") : join(outDir, "BENCHMARKS.md");
const summary = writeMarkdown(results, markdownFile);
process.stdout.write(
  `\n${summary}\n\nwrote ${markdownFile}${publish ? "" : " (quick or partial run: BENCHMARKS.md at the root is left alone)"}\n`,
);
