// `npm run bench:db`: registers/db on SQLite against raw better-sqlite3 prepared statements, side by
// side in one process, on a 10,000-row table: in memory, then on a WAL file. Prints the median us/op
// over rounds and the ratio to raw. Raw calls are synchronous and unvalidated; registers calls are
// awaited and every row read back is validated by the model's Zod schema and returned as an instance.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { z } from "zod";
import { databaseRegistry, disposeAll, Model } from "../src/db/index.js";

const ROWS = 10_000;
const GROUPS = ROWS / 100; // filter({ grp }) returns 100 rows
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SCALE = Number(process.env.BENCH_SCALE ?? 1);
const OPS = {
  get: 20_000 * SCALE,
  filter: 1_000 * SCALE,
  create: 10_000 * SCALE,
  count: 20_000 * SCALE,
} as const;
type Op = keyof typeof OPS;

const shape = { id: z.int().nullable().default(null), name: z.string(), email: z.string(), grp: z.int() };

function setupRaw(db: Database.Database, table: string, seed: boolean) {
  if (seed) {
    const insert = db.prepare(`INSERT INTO ${table} (name, email, grp) VALUES (?, ?, ?)`);
    db.transaction(() => {
      for (let i = 0; i < ROWS; i++) insert.run(`user ${i}`, `user${i}@example.com`, i % GROUPS);
    })();
  }
  return {
    get: db.prepare(`SELECT id, name, email, grp FROM ${table} WHERE id = ?`),
    filter: db.prepare(`SELECT id, name, email, grp FROM ${table} WHERE grp = ?`),
    create: db.prepare(`INSERT INTO ${table} (name, email, grp) VALUES (?, ?, ?)`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE grp = ?`),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function run(
  label: string,
  registersUrl: string,
  rawDb: Database.Database,
  table: string,
  seedRaw: boolean,
) {
  const User = databaseRegistry(registersUrl, { tableName: table })(class BenchUser extends Model(shape) {});
  await User.dropSchema();
  await User.createSchema();
  // Seed through registers' own connection so both sides read identical tables.
  await User.objects.transaction(async () => {
    for (let i = 0; i < ROWS; i++) {
      await User.objects.create({ name: `user ${i}`, email: `user${i}@example.com`, grp: i % GROUPS });
    }
  });
  // filter/count by grp use an index on both sides (else both scan 10,000 rows and SQLite dominates).
  await User.objects.engine.driver?.exec(`CREATE INDEX IF NOT EXISTS ${table}_grp ON ${table} (grp)`);
  if (seedRaw)
    rawDb.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL, grp INTEGER NOT NULL)`,
    );
  const raw = setupRaw(rawDb, table, seedRaw);
  if (seedRaw) rawDb.exec(`CREATE INDEX IF NOT EXISTS ${table}_grp ON ${table} (grp)`);

  let seq = 0;
  let rnd = 12345;
  const next = () => {
    rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
    return rnd;
  };
  const randomId = () => 1 + (next() % ROWS);
  const randomGroup = () => next() % GROUPS;
  const cases: Record<Op, { raw: () => unknown; registers: () => Promise<unknown> }> = {
    get: { raw: () => raw.get.get(randomId()), registers: () => User.objects.get(randomId()) },
    filter: {
      raw: () => raw.filter.all(randomGroup()),
      registers: () => User.objects.filter({ grp: randomGroup() }),
    },
    create: {
      raw: () => {
        const n = ++seq;
        return raw.create.run(`raw ${n}`, `raw${n}@example.com`, n % GROUPS);
      },
      registers: () => {
        const n = ++seq;
        return User.objects.create({ name: `reg ${n}`, email: `reg${n}@example.com`, grp: n % GROUPS });
      },
    },
    count: {
      raw: () => raw.count.get(randomGroup()),
      registers: () => User.objects.count({ grp: randomGroup() }),
    },
  };

  // Many short rounds, raw and registers alternating, so both sides see the same machine load;
  // the ratio is the median of per-round ratios.
  const results: Array<{ op: Op; raw: number; registers: number; ratio: number }> = [];
  for (const op of Object.keys(OPS) as Op[]) {
    const n = Math.max(1, Math.round(OPS[op] / 10));
    const { raw: rawFn, registers } = cases[op];
    for (let i = 0; i < Math.min(OPS[op], 5000); i++) {
      rawFn();
      await registers();
    }
    const rawTimes: number[] = [];
    const regTimes: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS * 10; round++) {
      let t = performance.now();
      for (let i = 0; i < n; i++) rawFn();
      const rawUs = ((performance.now() - t) * 1000) / n;
      t = performance.now();
      for (let i = 0; i < n; i++) await registers();
      const regUs = ((performance.now() - t) * 1000) / n;
      rawTimes.push(rawUs);
      regTimes.push(regUs);
      ratios.push(regUs / rawUs);
    }
    results.push({ op, raw: median(rawTimes), registers: median(regTimes), ratio: median(ratios) });
  }

  console.log(`\n${label} (${ROWS.toLocaleString("en")} rows, medians of ${ROUNDS * 10} alternating rounds)`);
  console.log("| operation            | raw better-sqlite3 us/op | registers us/op | ratio |");
  console.log("| -------------------- | -----------------------: | --------------: | ----: |");
  const names: Record<Op, string> = {
    get: "get(id)",
    filter: "filter({ grp }) 100",
    create: "create(...)",
    count: "count({ grp })",
  };
  for (const r of results) {
    console.log(
      `| ${names[r.op].padEnd(20)} | ${r.raw.toFixed(2).padStart(24)} | ${r.registers.toFixed(2).padStart(15)} | ${r.ratio.toFixed(2).padStart(5)}x |`,
    );
  }
}

const memoryRaw = new Database(":memory:");
await run("SQLite in memory", ":memory:", memoryRaw, "bench_users", true);
memoryRaw.close();

const dir = mkdtempSync(join(tmpdir(), "registers-bench-"));
const file = join(dir, "bench.db");
try {
  // registers opens the file first (WAL); raw opens a second connection to the same file and table.
  const User = databaseRegistry(file, { tableName: "bench_probe" })(
    class Probe extends Model({ id: z.int().nullable().default(null) }) {},
  );
  await User.createSchema();
  const fileRaw = new Database(file);
  fileRaw.pragma("journal_mode = WAL");
  fileRaw.pragma("synchronous = NORMAL");
  await run("SQLite file (WAL, synchronous=NORMAL)", file, fileRaw, "bench_users", false);
  fileRaw.close();
} finally {
  await disposeAll();
  rmSync(dir, { recursive: true, force: true });
}
