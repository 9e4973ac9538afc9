// `npm run bench:db:pg`: registers/db on PostgreSQL against raw `pg` with named prepared statements,
// side by side in one process, over the same pool size. Needs a server:
//   REGISTERS_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:db:pg
// (falls back to REGISTERS_TEST_POSTGRES_URL). Prints us/op (median of rounds) and the ratio to raw.
import pg from "pg";
import { z } from "zod";
import { databaseRegistry, disposeAll, Model } from "../src/db/index.js";

const url = process.env.REGISTERS_BENCH_POSTGRES_URL ?? process.env.REGISTERS_TEST_POSTGRES_URL;
if (!url) {
  console.error("set REGISTERS_BENCH_POSTGRES_URL (or REGISTERS_TEST_POSTGRES_URL) to a PostgreSQL URL");
  process.exit(1);
}

const ROWS = 10_000;
const GROUPS = ROWS / 100; // filter returns 100 rows
const ROUNDS = 7;
const OPS = { get: 2000, filter: 300, create: 1000, count: 2000 } as const;
const TABLE = "bench_pg_users";

const User = databaseRegistry(url, { tableName: TABLE, uniqueFields: ["email"] })(
  class User extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    email: z.string(),
    grp: z.int(),
  }) {},
);

const pool = new pg.Pool({ connectionString: url, max: 10 });
const columns = "id, name, email, grp";
const raw = {
  get: { name: "raw_get", text: `SELECT ${columns} FROM ${TABLE} WHERE id = $1` },
  filter: { name: "raw_filter", text: `SELECT ${columns} FROM ${TABLE} WHERE grp = $1` },
  create: {
    name: "raw_create",
    text: `INSERT INTO ${TABLE} (name, email, grp) VALUES ($1, $2, $3) RETURNING ${columns}`,
  },
  count: { name: "raw_count", text: `SELECT COUNT(*) AS n FROM ${TABLE} WHERE grp = $1` },
};

async function setup() {
  await User.dropSchema();
  await User.createSchema();
  const batch = 1000;
  for (let start = 0; start < ROWS; start += batch) {
    const values: unknown[] = [];
    const tuples: string[] = [];
    for (let i = start; i < start + batch; i++) {
      tuples.push(`($${values.length + 1}, $${values.length + 2}, $${values.length + 3})`);
      values.push(`user ${i}`, `user${i}@example.com`, i % GROUPS);
    }
    await pool.query(`INSERT INTO ${TABLE} (name, email, grp) VALUES ${tuples.join(", ")}`, values);
  }
  // Index the filtered column, so filter/count measure the library rather than a sequential scan.
  await pool.query(`CREATE INDEX ${TABLE}_grp ON ${TABLE} (grp)`);
  await pool.query(`ANALYZE ${TABLE}`);
}

let seq = 0;
const randomId = () => 1 + Math.floor(Math.random() * ROWS);
const randomGroup = () => Math.floor(Math.random() * GROUPS);

const cases: Record<keyof typeof OPS, { raw: () => Promise<unknown>; registers: () => Promise<unknown> }> = {
  get: {
    raw: async () => (await pool.query({ ...raw.get, values: [randomId()] })).rows[0],
    registers: () => User.objects.get(randomId()),
  },
  filter: {
    raw: async () => (await pool.query({ ...raw.filter, values: [randomGroup()] })).rows,
    registers: () => User.objects.filter({ grp: randomGroup() }),
  },
  create: {
    raw: async () => {
      const n = ++seq;
      return (await pool.query({ ...raw.create, values: [`raw ${n}`, `raw${n}@example.com`, n % GROUPS] }))
        .rows[0];
    },
    registers: () => {
      const n = ++seq;
      return User.objects.create({ name: `reg ${n}`, email: `reg${n}@example.com`, grp: n % GROUPS });
    },
  },
  count: {
    raw: async () => Number((await pool.query({ ...raw.count, values: [randomGroup()] })).rows[0].n),
    registers: () => User.objects.count({ grp: randomGroup() }),
  },
};

async function time(fn: () => Promise<unknown>, ops: number): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) await fn();
  return Number(process.hrtime.bigint() - started) / 1000 / ops;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

await setup();
const rows: string[][] = [];
for (const op of Object.keys(OPS) as (keyof typeof OPS)[]) {
  const ops = OPS[op];
  await time(cases[op].raw, Math.ceil(ops / 4)); // warm up: prepare on the pooled connections
  await time(cases[op].registers, Math.ceil(ops / 4));
  const rawTimes: number[] = [];
  const regTimes: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither side always runs on a warmer server.
    if (round % 2 === 0) {
      rawTimes.push(await time(cases[op].raw, ops));
      regTimes.push(await time(cases[op].registers, ops));
    } else {
      regTimes.push(await time(cases[op].registers, ops));
      rawTimes.push(await time(cases[op].raw, ops));
    }
  }
  const r = median(rawTimes);
  const g = median(regTimes);
  rows.push([op, r.toFixed(1), g.toFixed(1), `${(g / r).toFixed(2)}x`]);
}
await User.dropSchema();
await pool.end();
await disposeAll();

const header = ["operation", "raw pg (us/op)", "registers (us/op)", "ratio"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
console.log(
  `PostgreSQL over ${new URL(url).host}, ${ROWS} rows, median of ${ROUNDS} rounds, sequential awaits`,
);
console.log(line(header));
console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
for (const row of rows) console.log(line(row));
