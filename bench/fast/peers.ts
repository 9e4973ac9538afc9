// Fast mode, suite `peers` (`npm run bench -- --fast --only=peers`): the issue-16 table. registers/db
// against raw prepared better-sqlite3 and Drizzle `.prepare()` (from bench/node_modules: run
// `npm ci --prefix bench` first, or the Drizzle column is skipped), side by side in one process on ONE
// better-sqlite3 connection (registers' own), so the three sides read the same pages. Four databases:
// in memory and a WAL file, each with and without an index on the filtered column (`grp`, 100 rows per
// value). Six operations: get by key, filter 100 rows, count, insert one, update by key, delete by key.
// The raw side runs the statement the peers run (update: `UPDATE ... SET name = ? WHERE id = ?`).
// registers' update is `updateCount({ id }, { name })` (no RETURNING); `updateWhere` is timed too.
// Rounds rotate the order of the sides; a figure is the median of per-round means, a ratio the
// median of per-round ratios, with the interquartile range of those ratios as the spread.
// Then memory per row: 100,000 rows via filter() against the same rows as plain objects from raw
// better-sqlite3 (separate child processes, --expose-gc), and decorated vs plain model reads.
// `BENCH_OUT=file.json` also writes the figures as JSON (scripts/bench-report reads it).
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type BetterSqlite3 from "better-sqlite3";
import { databaseRegistry, disposeAll, HasMany, type ManagerOf, Model } from "../../src/db/index.js";
import { envNumber } from "../src/harness/env.ts";
import { median, quantile } from "../src/harness/stats.ts";
import { markdownTable } from "../src/harness/table.ts";
import { ROOT, rootImport } from "./_root.ts";

const { z } = await rootImport<typeof import("zod")>("zod");

const ROWS = 10_000;
const GROUPS = ROWS / 100;
const ROUNDS = envNumber("BENCH_ROUNDS", 30);
const SCALE = envNumber("BENCH_SCALE", 1);
const CALLS: Record<Op, number> = {
  get: 2000 * SCALE,
  filter: 60 * SCALE,
  count: 1000 * SCALE,
  insert: 1000 * SCALE,
  update: 1000 * SCALE,
  delete: 1000 * SCALE,
};
/** Target duration of one side's batch (us). */
const BATCH_US = 15_000 * SCALE;
const OPS = ["get", "filter", "count", "insert", "update", "delete"] as const;
type Op = (typeof OPS)[number];
type Side = "raw" | "drizzle" | "registers" | "updateWhere";

/** Drizzle from bench/node_modules, when installed (full mode's peer package). */
async function loadDrizzle() {
  try {
    const require = createRequire(join(ROOT, "bench", "package.json"));
    // the ESM entries (the .js beside each .cjs the CommonJS resolution finds)
    const load = (name: string) => import(pathToFileURL(require.resolve(name).replace(/\.cjs$/, ".js")).href);
    const core = await load("drizzle-orm");
    const driver = await load("drizzle-orm/better-sqlite3");
    const sqliteCore = await load("drizzle-orm/sqlite-core");
    const dir = join(ROOT, "bench", "node_modules", "drizzle-orm");
    const version = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).version as string;
    return { core, driver, sqliteCore, version };
  } catch (error) {
    console.error(`Drizzle not loaded (run npm ci --prefix bench): ${(error as Error).message}`);
    return null;
  }
}
const drizzleLib = await loadDrizzle();

function drizzleSide(db: BetterSqlite3.Database, table: string) {
  if (drizzleLib === null) return null;
  const { core, driver, sqliteCore } = drizzleLib;
  const { sqliteTable, integer, text } = sqliteCore;
  const users = sqliteTable(table, {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    email: text("email").notNull(),
    grp: integer("grp").notNull(),
  });
  const d = driver.drizzle({ client: db });
  const { eq, sql, count } = core;
  const q = {
    get: d
      .select()
      .from(users)
      .where(eq(users.id, sql.placeholder("id")))
      .prepare(),
    filter: d
      .select()
      .from(users)
      .where(eq(users.grp, sql.placeholder("grp")))
      .prepare(),
    count: d
      .select({ n: count() })
      .from(users)
      .where(eq(users.grp, sql.placeholder("grp")))
      .prepare(),
    insert: d
      .insert(users)
      .values({ name: sql.placeholder("name"), email: sql.placeholder("email"), grp: sql.placeholder("grp") })
      .prepare(),
    update: d
      .update(users)
      .set({ name: sql.placeholder("name") })
      .where(eq(users.id, sql.placeholder("id")))
      .prepare(),
    delete: d
      .delete(users)
      .where(eq(users.id, sql.placeholder("id")))
      .prepare(),
  };
  return q;
}

const shape = { id: z.int().nullable().default(null), name: z.string(), email: z.string(), grp: z.int() };

interface Cell {
  us: Record<Side, number>;
  ratio: Partial<Record<Side, { median: number; q1: number; q3: number }>>;
  vsDrizzle?: { median: number; q1: number; q3: number };
}

async function database(label: string, url: string, index: boolean): Promise<Record<string, Cell>> {
  const table = `peers_${index ? "ix" : "noix"}`;
  @databaseRegistry(url, { tableName: table })
  class User extends Model(shape) {
    declare static readonly objects: ManagerOf<typeof User>;
  }
  await User.dropSchema();
  await User.createSchema();
  await User.objects.bulkCreate(
    Array.from({ length: ROWS }, (_, i) => ({
      name: `user ${i}`,
      email: `user${i}@example.com`,
      grp: i % GROUPS,
    })),
  );
  const db = (User.objects.engine.driver as unknown as { db: BetterSqlite3.Database }).db;
  if (index) db.exec(`CREATE INDEX ${table}_grp ON ${table} (grp)`);
  db.exec("ANALYZE");
  const raw = {
    get: db.prepare(`SELECT id, name, email, grp FROM ${table} WHERE id = ?`),
    filter: db.prepare(`SELECT id, name, email, grp FROM ${table} WHERE grp = ?`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE grp = ?`),
    insert: db.prepare(`INSERT INTO ${table} (name, email, grp) VALUES (?, ?, ?)`),
    update: db.prepare(`UPDATE ${table} SET name = ? WHERE id = ?`),
    delete: db.prepare(`DELETE FROM ${table} WHERE id = ?`),
  };
  const dz = drizzleSide(db, table);

  let rnd = 12345;
  const next = () => {
    rnd = (rnd * 1103515245 + 12345) & 0x7fffffff;
    return rnd;
  };
  const id = () => 1 + (next() % ROWS);
  const grp = () => next() % GROUPS;
  let seq = 0;
  // Rows each side inserted, deleted by the same side's delete calls (one insert round per delete round).
  const created: Record<Side, number[]> = { raw: [], drizzle: [], registers: [], updateWhere: [] };
  const take = (side: Side) => created[side].pop() ?? 0;

  const fns: Record<Op, Partial<Record<Side, () => unknown>>> = {
    get: {
      raw: () => raw.get.get(id()),
      drizzle: dz ? () => dz.get.get({ id: id() }) : undefined,
      registers: () => User.objects.get(id()),
    },
    filter: {
      raw: () => raw.filter.all(grp()),
      drizzle: dz ? () => dz.filter.all({ grp: grp() }) : undefined,
      registers: () => User.objects.filter({ grp: grp() }),
    },
    count: {
      raw: () => (raw.count.get(grp()) as { n: number }).n,
      drizzle: dz ? () => dz.count.get({ grp: grp() })?.n : undefined,
      registers: () => User.objects.count({ grp: grp() }),
    },
    insert: {
      raw: () => {
        const n = ++seq;
        created.raw.push(
          Number(raw.insert.run(`raw ${n}`, `raw${n}@example.com`, n % GROUPS).lastInsertRowid),
        );
      },
      drizzle: dz
        ? () => {
            const n = ++seq;
            created.drizzle.push(
              Number(
                dz.insert.run({ name: `dz ${n}`, email: `dz${n}@example.com`, grp: n % GROUPS })
                  .lastInsertRowid,
              ),
            );
          }
        : undefined,
      registers: async () => {
        const n = ++seq;
        const user = await User.objects.create({
          name: `reg ${n}`,
          email: `reg${n}@example.com`,
          grp: n % GROUPS,
        });
        created.registers.push(user.id as number);
      },
    },
    update: {
      raw: () => raw.update.run(`renamed ${++seq}`, id()).changes,
      drizzle: dz ? () => dz.update.run({ name: `renamed ${++seq}`, id: id() }).changes : undefined,
      registers: () => User.objects.updateCount({ id: id() }, { name: `renamed ${++seq}` }),
      updateWhere: () => User.objects.updateWhere({ id: id() }, { name: `renamed ${++seq}` }),
    },
    delete: {
      raw: () => raw.delete.run(take("raw")).changes,
      drizzle: dz ? () => dz.delete.run({ id: take("drizzle") }).changes : undefined,
      registers: () => User.objects.delete(take("registers")),
    },
  };

  const out: Record<string, Cell> = {};
  // insert and delete run round by round together, so every delete finds a row its side inserted.
  for (const op of OPS) {
    if (op === "delete") continue;
    const sides = Object.entries(fns[op]).filter(([, fn]) => fn !== undefined) as Array<
      [Side, () => unknown]
    >;
    const partner =
      op === "insert"
        ? (Object.entries(fns.delete).filter(([, fn]) => fn) as Array<[Side, () => unknown]>)
        : null;
    const times: Record<string, number[]> = {};
    const partnerTimes: Record<string, number[]> = {};
    // Calls per batch: about BATCH_US of the raw side (a full-scan count is 1,000x a get), at most CALLS.
    const probe = await timed(sides[0][1], 20);
    const calls = Math.max(5, Math.min(CALLS[op], Math.round(BATCH_US / probe)));
    if (partner) for (let i = 0; i < 21; i++) partner[0][1](); // the rows of the raw side's probe
    for (let round = -3; round < ROUNDS; round++) {
      const order = sides.map((_, i) => sides[(i + Math.max(round, 0)) % sides.length]);
      for (const [side, fn] of order) {
        const us = await timed(fn, calls);
        if (round >= 0) (times[side] ??= []).push(us);
      }
      if (partner) {
        const porder = partner.map((_, i) => partner[(i + Math.max(round, 0)) % partner.length]);
        for (const [side, fn] of porder) {
          const us = await timed(fn, calls);
          if (round >= 0) (partnerTimes[side] ??= []).push(us);
        }
      }
    }
    out[op] = cell(times);
    if (partner) out.delete = cell(partnerTimes);
  }
  console.log(
    `\n${label}, ${index ? "with" : "without"} an index on grp (${ROWS.toLocaleString("en")} rows, ${ROUNDS} rounds)`,
  );
  console.log(
    markdownTable(
      [
        "operation",
        "raw us/op",
        "Drizzle .prepare()",
        "registers",
        "registers / raw (IQR)",
        "registers / Drizzle",
      ],
      OPS.flatMap((op) => {
        const c = out[op];
        const rows = [
          [
            op === "update" ? "update (updateCount)" : op,
            fmt(c.us.raw),
            c.ratio.drizzle ? `${fmt(c.ratio.drizzle.median)}x` : "-",
            `${fmt(c.ratio.registers!.median)}x`,
            spread(c.ratio.registers!),
            c.vsDrizzle ? `${fmt(c.vsDrizzle.median)}x` : "-",
          ],
        ];
        if (op === "update" && c.ratio.updateWhere)
          rows.push([
            "update (updateWhere, RETURNING)",
            fmt(c.us.raw),
            "-",
            `${fmt(c.ratio.updateWhere.median)}x`,
            spread(c.ratio.updateWhere),
            "-",
          ]);
        return rows;
      }),
      ["left", "right", "right", "right", "right", "right"],
    ),
  );
  return out;
}

async function timed(fn: () => unknown, calls: number): Promise<number> {
  const first = fn();
  const async = first instanceof Promise;
  if (async) await first;
  const t = performance.now();
  if (async) for (let i = 0; i < calls; i++) await fn();
  else for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - t) * 1000) / calls;
}

function cell(times: Record<string, number[]>): Cell {
  const us = {} as Record<Side, number>;
  for (const [side, list] of Object.entries(times)) us[side as Side] = median(list);
  const ratio: Cell["ratio"] = {};
  const ratios = (a: string, b: string) => times[a].map((t, i) => t / times[b][i]);
  const stats = (list: number[]) => ({
    median: median(list),
    q1: quantile(list, 0.25),
    q3: quantile(list, 0.75),
  });
  for (const side of Object.keys(times)) if (side !== "raw") ratio[side as Side] = stats(ratios(side, "raw"));
  const c: Cell = { us, ratio };
  if (times.drizzle) c.vsDrizzle = stats(ratios("registers", "drizzle"));
  return c;
}

const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const spread = (r: { q1: number; q3: number }) => `${fmt(r.q1)}-${fmt(r.q3)}`;

// ---------------------------------------------------------------- memory per row, decorated reads

/** Runs this file's child mode `mode` in a fresh process; returns its JSON answer. */
function child(mode: string, file: string): Record<string, number> {
  const out = execFileSync(
    process.execPath,
    ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url), `--child=${mode}`, file],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env } },
  );
  return JSON.parse(out.trim().split("\n").pop() as string);
}

const MEMORY_ROWS = 100_000;

async function childMain(mode: string, file: string) {
  const Database = await rootImport<typeof BetterSqlite3>("better-sqlite3");
  const url = `sqlite:///${file}?driver=better-sqlite3`;
  @databaseRegistry(url, { tableName: "mem_users" })
  class Plain extends Model(shape) {
    declare static readonly objects: ManagerOf<typeof Plain>;
  }
  @databaseRegistry(url, { tableName: "mem_users" })
  class Decorated extends Model(shape) {
    declare static readonly objects: ManagerOf<typeof Decorated>;
    @HasMany(() => Decorated, { foreignKey: "grp" }) accessor peers!: Promise<Decorated[]>;
  }
  if (mode === "seed") {
    await Plain.createSchema();
    await Plain.objects.bulkCreate(
      Array.from({ length: MEMORY_ROWS }, (_, i) => ({
        name: `user ${i}`,
        email: `user${i}@example.com`,
        grp: i % 1000,
      })),
    );
    await Plain.objects.engine.driver?.exec("CREATE INDEX mem_users_grp ON mem_users (grp)");
    await disposeAll();
    console.log("{}");
    return;
  }
  const gc = (globalThis as { gc?: () => void }).gc as () => void;
  const heap = () => {
    gc();
    gc();
    return process.memoryUsage().heapUsed;
  };
  if (mode === "raw" || mode === "plain" || mode === "decorated") {
    const db = new Database(file, { readonly: true });
    const statement = db.prepare("SELECT id, name, email, grp FROM mem_users WHERE grp >= ?");
    const model = mode === "decorated" ? Decorated : Plain;
    const load = () => (mode === "raw" ? statement.all(0) : model.objects.filter({ grp: { gte: 0 } }));
    await model.objects.filter({ grp: { gte: 5000 } }); // opens and prepares, holds nothing
    statement.all(5000);
    const holder: { rows: unknown } = { rows: null };
    const before = heap();
    holder.rows = await load();
    const bytes = (heap() - before) / MEMORY_ROWS;
    console.log(JSON.stringify({ bytesPerRow: bytes, rows: (holder.rows as unknown[]).length }));
    await disposeAll();
    return;
  }
  // decorated vs plain: filter 100 rows on one table, alternating rounds
  await Plain.objects.count();
  const times: Record<string, number[]> = { plain: [], decorated: [] };
  for (let round = -3; round < ROUNDS; round++) {
    for (const [name, model] of round % 2
      ? ([
          ["decorated", Decorated],
          ["plain", Plain],
        ] as const)
      : ([
          ["plain", Plain],
          ["decorated", Decorated],
        ] as const)) {
      const us = await timed(() => model.objects.filter({ grp: (round * 7 + 3) % 1000 }), 20 * SCALE);
      if (round >= 0) times[name].push(us);
    }
  }
  const ratios = times.decorated.map((t, i) => t / times.plain[i]);
  console.log(
    JSON.stringify({
      plain: median(times.plain),
      decorated: median(times.decorated),
      ratio: median(ratios),
      q1: quantile(ratios, 0.25),
      q3: quantile(ratios, 0.75),
    }),
  );
  await disposeAll();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), "registers-peers-"));
  const results: Record<string, Record<string, Cell>> = {};
  try {
    for (const [label, url] of [
      ["in memory", "sqlite::memory:?driver=better-sqlite3"],
      ["WAL file", `sqlite:///${join(dir, "peers.db")}?driver=better-sqlite3`],
    ] as const) {
      for (const index of [false, true])
        results[`${label}${index ? ", index" : ", no index"}`] = await database(label, url, index);
    }
    await disposeAll();
    const memFile = join(dir, "memory.db");
    child("seed", memFile);
    const memory = {
      raw: child("raw", memFile),
      plain: child("plain", memFile),
      decorated: child("decorated", memFile),
    };
    const decorated = child("reads", memFile);
    console.log(
      `\nMemory per row, ${MEMORY_ROWS.toLocaleString("en")} rows via filter() (heap after GC, one process each)`,
    );
    console.log(
      markdownTable(
        ["rows", "bytes per row", "ratio to raw"],
        [
          ["plain objects, raw better-sqlite3", fmt(memory.raw.bytesPerRow), "1.00x"],
          [
            "registers, model without relationships",
            fmt(memory.plain.bytesPerRow),
            `${fmt(memory.plain.bytesPerRow / memory.raw.bytesPerRow)}x`,
          ],
          [
            "registers, model with a decorated relationship",
            fmt(memory.decorated.bytesPerRow),
            `${fmt(memory.decorated.bytesPerRow / memory.raw.bytesPerRow)}x`,
          ],
        ],
        ["left", "right", "right"],
      ),
    );
    console.log(
      `\nDecorated relationship vs none, filter 100 rows: ${fmt(decorated.plain)} us vs ${fmt(decorated.decorated)} us, ratio ${fmt(decorated.ratio)}x (IQR ${fmt(decorated.q1)}-${fmt(decorated.q3)})`,
    );
    const out = process.env.BENCH_OUT;
    if (out)
      writeFileSync(
        out,
        JSON.stringify(
          { drizzle: drizzleLib?.version ?? null, rounds: ROUNDS, results, memory, decorated },
          null,
          2,
        ),
      );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const childArg = process.argv.find((a) => a.startsWith("--child="));
if (childArg) await childMain(childArg.slice("--child=".length), process.argv[process.argv.length - 1]);
else await main();
