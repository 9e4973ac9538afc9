// Fast mode, suite `drivers` (`npm run bench -- --fast --only=drivers`, alias
// `npm run bench:sqlite-drivers`): better-sqlite3 against node:sqlite, side by side in one run, raw
// and under registers/db, in memory and on a WAL file: get(id), filter (100 rows), create, count, and
// a 10,000-row bulkCreate against a raw transaction of single-row INSERTs. Each binding runs in its
// own child process (registers shares one in-memory database per process, and JIT state stays
// apart); the children alternate, twice each, and the table shows the better of a binding's two
// medians. Needs a Node with node:sqlite (22.13+, 24+) and a better-sqlite3 that fits it (12 on 22,
// 13 on 24); fast mode skips it on a Node without node:sqlite.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseRegistry, disposeAll, Model } from "../../src/db/index.js";
import { envNumber } from "../src/harness/env.ts";
import { compareRounds } from "../src/harness/rounds.ts";
import { median } from "../src/harness/stats.ts";
import { markdownTable } from "../src/harness/table.ts";
import { rootImport } from "./_root.ts";

const { z } = await rootImport<typeof import("zod")>("zod");

type Binding = "better-sqlite3" | "node";
type Op = "get" | "filter" | "create" | "count" | "bulk";
interface Result {
  readonly where: "memory" | "file";
  readonly op: Op;
  readonly raw: number;
  readonly registers: number;
}

const ROWS = 10_000;
const GROUPS = ROWS / 100;
const BULK = 10_000;
const ROUNDS = envNumber("BENCH_ROUNDS", 30);
const SCALE = envNumber("BENCH_SCALE", 1);
const OPS: Record<Exclude<Op, "bulk">, number> = {
  get: 2_000 * SCALE,
  filter: 100 * SCALE,
  create: 1_000 * SCALE,
  count: 2_000 * SCALE,
};

/** The part of a prepared statement both bindings share (spread parameters). */
interface RawStatement {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
interface RawDb {
  prepare(sql: string): RawStatement;
  exec(sql: string): unknown;
  close(): unknown;
}

async function openRaw(binding: Binding, filename: string): Promise<RawDb> {
  if (binding === "node") {
    const getBuiltin = (process as unknown as { getBuiltinModule(id: string): unknown }).getBuiltinModule;
    const { DatabaseSync } = getBuiltin("node:sqlite") as { DatabaseSync: new (path: string) => RawDb };
    return new DatabaseSync(filename);
  }
  const Database = await rootImport<new (path: string) => RawDb>("better-sqlite3");
  return new Database(filename);
}

async function measure(binding: Binding, where: "memory" | "file", dir: string): Promise<Result[]> {
  const file = join(dir, `${binding}-${where}.db`);
  const url = `${where === "memory" ? ":memory:" : file}?driver=${binding}`;
  const User = databaseRegistry(url, { tableName: `users_${where}` })(
    class BenchUser extends Model({
      id: z.int().nullable().default(null),
      name: z.string(),
      email: z.string(),
      grp: z.int(),
    }) {},
  );
  await User.dropSchema();
  await User.createSchema();
  const rows = Array.from({ length: ROWS }, (_, i) => ({
    name: `user ${i}`,
    email: `u${i}@example.com`,
    grp: i % GROUPS,
  }));
  await User.objects.bulkCreate(rows);
  await User.objects.engine.driver?.exec(
    `CREATE INDEX IF NOT EXISTS users_${where}_grp ON users_${where} (grp)`,
  );

  // Raw: its own connection to its own copy (memory) or to the same WAL file (file).
  const raw = await openRaw(binding, where === "memory" ? ":memory:" : file);
  const table = `users_${where}`;
  if (where === "memory") {
    raw.exec(
      `CREATE TABLE ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL, grp INTEGER NOT NULL)`,
    );
    raw.exec(`CREATE INDEX ${table}_grp ON ${table} (grp)`);
    const insert = raw.prepare(`INSERT INTO ${table} (name, email, grp) VALUES (?, ?, ?)`);
    raw.exec("BEGIN");
    for (const r of rows) insert.run(r.name, r.email, r.grp);
    raw.exec("COMMIT");
  } else {
    raw.exec("PRAGMA journal_mode = WAL");
    raw.exec("PRAGMA synchronous = NORMAL");
    raw.exec("PRAGMA busy_timeout = 5000");
  }
  const get = raw.prepare(`SELECT id, name, email, grp FROM ${table} WHERE id = ?`);
  const filter = raw.prepare(`SELECT id, name, email, grp FROM ${table} WHERE grp = ?`);
  const create = raw.prepare(`INSERT INTO ${table} (name, email, grp) VALUES (?, ?, ?)`);
  const count = raw.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE grp = ?`);

  let rnd = 12345;
  const next = () => {
    rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
    return rnd;
  };
  let seq = 0;
  const cases = {
    get: { raw: () => get.get(1 + (next() % ROWS)), reg: () => User.objects.get(1 + (next() % ROWS)) },
    filter: {
      raw: () => filter.all(next() % GROUPS),
      reg: () => User.objects.filter({ grp: next() % GROUPS }),
    },
    create: {
      raw: () => create.run(`raw ${++seq}`, `raw${seq}@example.com`, seq % GROUPS),
      reg: () =>
        User.objects.create({ name: `reg ${++seq}`, email: `reg${seq}@example.com`, grp: seq % GROUPS }),
    },
    count: { raw: () => count.get(next() % GROUPS), reg: () => User.objects.count({ grp: next() % GROUPS }) },
  };
  const results: Result[] = [];
  for (const op of Object.keys(OPS) as Array<keyof typeof OPS>) {
    const calls = Math.max(1, Math.round(OPS[op] / 10));
    const r = await compareRounds(cases[op].raw, cases[op].reg, { calls, rounds: ROUNDS, warmup: OPS[op] });
    results.push({ where, op, raw: r.raw, registers: r.registers });
  }

  // bulkCreate of BULK rows vs a raw transaction of single-row INSERTs, into emptied tables (ms).
  const bulkRows = rows.slice(0, BULK).map((r) => ({ ...r, name: `bulk ${r.name}` }));
  const rawBulk: number[] = [];
  const regBulk: number[] = [];
  for (let round = 0; round < 5; round++) {
    raw.exec(`DELETE FROM ${table}`);
    let t = performance.now();
    raw.exec("BEGIN");
    for (const r of bulkRows) create.run(r.name, r.email, r.grp);
    raw.exec("COMMIT");
    rawBulk.push(performance.now() - t);
    await User.truncate();
    t = performance.now();
    await User.objects.bulkCreate(bulkRows);
    regBulk.push(performance.now() - t);
  }
  results.push({ where, op: "bulk", raw: median(rawBulk), registers: median(regBulk) });
  raw.close();
  await disposeAll();
  return results;
}

async function child(binding: Binding): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "registers-drivers-"));
  try {
    const results = [...(await measure(binding, "memory", dir)), ...(await measure(binding, "file", dir))];
    process.stdout.write(`${JSON.stringify(results)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parent(): void {
  const self = fileURLToPath(import.meta.url);
  const runs: Record<Binding, Result[][]> = { "better-sqlite3": [], node: [] };
  for (const binding of ["better-sqlite3", "node", "better-sqlite3", "node"] as Binding[]) {
    const r = spawnSync(process.execPath, ["--import", "tsx", self, "child", binding], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    if (r.status !== 0) throw new Error(`the ${binding} child failed (exit ${r.status ?? r.signal})`);
    runs[binding].push(JSON.parse(r.stdout.trim().split("\n").at(-1) as string) as Result[]);
  }
  const best = (binding: Binding, where: string, op: Op, side: "raw" | "registers") =>
    Math.min(
      ...runs[binding].map((run) => run.find((x) => x.where === where && x.op === op)?.[side] ?? Number.NaN),
    );
  const names: Record<Op, string> = {
    get: "get(id) us",
    filter: "filter({ grp }) 100 rows us",
    create: "create(...) us",
    count: "count({ grp }) us",
    bulk: `bulkCreate ${BULK.toLocaleString("en")} rows ms`,
  };
  const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
  console.log(
    `\nbetter-sqlite3 vs node:sqlite on Node ${process.versions.node} (${ROWS.toLocaleString("en")} rows; best of 2 alternating processes, each the median of ${ROUNDS} rounds)`,
  );
  const rows: string[][] = [];
  for (const where of ["memory", "file"]) {
    for (const op of Object.keys(names) as Op[]) {
      const rb = best("better-sqlite3", where, op, "raw");
      const rn = best("node", where, op, "raw");
      const gb = best("better-sqlite3", where, op, "registers");
      const gn = best("node", where, op, "registers");
      rows.push([
        where === "memory" ? "in memory" : "WAL file",
        names[op],
        fmt(rb),
        fmt(rn),
        `${(rn / rb).toFixed(2)}x`,
        fmt(gb),
        fmt(gn),
        `${(gn / gb).toFixed(2)}x`,
      ]);
    }
  }
  const head = [
    "database",
    "operation",
    "raw better-sqlite3",
    "raw node:sqlite",
    "node / better (raw)",
    "registers on better-sqlite3",
    "registers on node:sqlite",
    "node / better (registers)",
  ];
  console.log(markdownTable(head, rows, ["left", "left", ...head.slice(2).map(() => "right" as const)]));
}

if (process.argv[2] === "child") await child(process.argv[3] as Binding);
else parent();
