/**
 * Shared setup of the migration suites: a temp project (config, model files, `node_modules` links
 * to this repository and zod) in which the built `registers` command runs as a real process, and an
 * isolated, empty database per test on each target (a fresh SQLite file, a PostgreSQL schema of its
 * own, a MariaDB database of its own, dropped afterwards): `diffSchema` compares the whole database,
 * so a table of another suite would otherwise show as a difference.
 */
import { type SpawnOptions, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { serverTargets } from "../support/servers.js";

export const repo = fileURLToPath(new URL("../..", import.meta.url));
export const bin = join(repo, "dist", "bin", "registers.js");

/** Builds registers when the command is missing (npm test builds first; a lone run may not have). */
export function ensureBuilt(): void {
  if (existsSync(bin)) return;
  const r = spawnSync(process.execPath, ["scripts/build.mjs", "--js-only"], { cwd: repo, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

/** Temp directories removed when the test process exits (one listener for all). */
const cleanup: string[] = [];
process.on("exit", () => {
  for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
});

/** A temp ESM project directory holding `files` (path -> text), with registers and zod resolvable. */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "registers-migrate-"));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(repo, join(dir, "node_modules", "registers"));
  symlinkSync(join(repo, "node_modules", "zod"), join(dir, "node_modules", "zod"));
  writeFiles(dir, { "package.json": '{ "name": "app", "private": true, "type": "module" }\n', ...files });
  cleanup.push(dir);
  return dir;
}

export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const cleanEnv = (env: Record<string, string | undefined>) => {
  const out: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", DEBUG: "" };
  delete out.DATABASE_URL;
  return { ...out, ...env };
};

/** Runs `registers <argv>` in `cwd` and waits for it. */
export function cli(
  cwd: string,
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): CliResult {
  const r = spawnSync(process.execPath, [bin, ...argv], { cwd, encoding: "utf8", env: cleanEnv(env) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `registers <argv>` in `cwd`; resolves when it exits (for concurrent runs). */
export function cliAsync(
  cwd: string,
  argv: readonly string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  const options: SpawnOptions = { cwd, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] };
  const child = spawn(process.execPath, [bin, ...argv], options);
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d) => {
    stdout += d;
  });
  child.stderr?.on("data", (d) => {
    stderr += d;
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

/** A database target of the migration suites. */
export interface MigrationTarget {
  readonly name: "sqlite" | "postgres" | "mysql";
  /** `false` to run, or why it is skipped. */
  readonly skip: string | false;
}

export const targets: readonly MigrationTarget[] = [
  { name: "sqlite", skip: false },
  ...serverTargets.map((t) => ({
    name: t.name,
    skip: t.url ? (false as const) : `${t.envVar} is not set`,
  })),
];

let counter = 0;

/**
 * An empty database of its own on `target` for one test: its URL, and `drop()` to remove it.
 * PostgreSQL: a schema (`?schema=`) of the configured database; MariaDB: a database named after the
 * configured one plus a suffix.
 */
export async function freshDatabase(
  target: MigrationTarget["name"],
): Promise<{ url: string; drop(): Promise<void> }> {
  const suffix = `m${process.pid}_${++counter}`;
  if (target === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "registers-migrate-db-"));
    cleanup.push(dir);
    return { url: join(dir, "app.db"), drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const base = serverTargets.find((t) => t.name === target)?.url as string;
  if (target === "postgres") {
    const url = `${base}${base.includes("?") ? "&" : "?"}schema=${suffix}`;
    return {
      url,
      drop: () => serverExec(base, "postgres", `DROP SCHEMA IF EXISTS "${suffix}" CASCADE`),
    };
  }
  const parsed = new URL(base);
  const name = `${parsed.pathname.slice(1)}_${suffix}`;
  await serverExec(base, "mysql", `CREATE DATABASE \`${name}\``);
  parsed.pathname = `/${name}`;
  return {
    url: parsed.toString(),
    drop: () => serverExec(base, "mysql", `DROP DATABASE IF EXISTS \`${name}\``),
  };
}

/** Runs one statement on a server with its driver, outside registers. */
export async function serverExec(url: string, kind: "postgres" | "mysql", sql: string): Promise<void> {
  await serverQuery(url, kind, sql);
}

/** Runs one query on a server with its driver, outside registers, and returns its rows. */
export async function serverQuery(
  url: string,
  kind: "postgres" | "mysql",
  sql: string,
): Promise<Record<string, unknown>[]> {
  if (kind === "postgres") {
    const { default: pg } = await import("pg");
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema");
    parsed.search = "";
    const client = new pg.Client({ connectionString: parsed.toString() });
    await client.connect();
    try {
      if (schema) await client.query(`SET search_path TO "${schema}"`);
      return (await client.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }
  const mysql = await import("mysql2/promise");
  const connection = await mysql.createConnection(url);
  try {
    const [rows] = await connection.query(sql);
    return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
  } finally {
    await connection.end();
  }
}

/** Runs one query on the database at `url` (any target) outside registers, and returns its rows. */
export async function query(
  target: MigrationTarget["name"],
  url: string,
  sql: string,
): Promise<Record<string, unknown>[]> {
  if (target !== "sqlite") return serverQuery(url, target, sql);
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(url);
  try {
    const statement = db.prepare(sql);
    if (statement.reader) return statement.all() as Record<string, unknown>[];
    statement.run();
    return [];
  } finally {
    db.close();
  }
}

/** The table names of the database at `url`, sorted (SQLite internals left out). */
export async function tableNames(target: MigrationTarget["name"], url: string): Promise<string[]> {
  const sql = {
    sqlite: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    postgres:
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()",
    mysql: "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()",
  }[target];
  return (await query(target, url, sql)).map((r) => String(r.name ?? r.NAME)).sort();
}
