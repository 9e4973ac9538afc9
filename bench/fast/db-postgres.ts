// Fast mode, suite `pg` (`npm run bench -- --fast --only=pg`, alias `npm run bench:db:pg`):
// registers/db on PostgreSQL against raw `pg` with named prepared statements, side by side in one
// process, over the same pool size. Runs when a server is named:
//   BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test npm run bench -- --fast --only=pg
// (REGISTERS_BENCH_POSTGRES_URL and REGISTERS_TEST_POSTGRES_URL are read too). Prints us/op (median
// of rounds, the two sides alternating which goes first) and the median per-round ratio to raw.
import type PgModule from "pg";
import { databaseRegistry, disposeAll, Model } from "../../src/db/index.js";
import { envNumber, postgresUrl } from "../src/harness/env.ts";
import { compareRounds, usPerCall } from "../src/harness/rounds.ts";
import { markdownTable } from "../src/harness/table.ts";
import { rootImport } from "./_root.ts";

const { default: pg } = await rootImport<{ default: typeof PgModule }>("pg");
const { z } = await rootImport<typeof import("zod")>("zod");

const url = postgresUrl();
if (!url) {
  console.error("set BENCH_POSTGRES_URL (or REGISTERS_TEST_POSTGRES_URL) to a PostgreSQL URL");
  process.exit(1);
}

const ROWS = 10_000;
const GROUPS = ROWS / 100; // filter returns 100 rows
const ROUNDS = envNumber("BENCH_ROUNDS", 7);
const SCALE = envNumber("BENCH_SCALE", 1);
const OPS = { get: 2000 * SCALE, filter: 300 * SCALE, create: 1000 * SCALE, count: 2000 * SCALE };
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

await setup();
const rows: string[][] = [];
for (const op of Object.keys(OPS) as (keyof typeof OPS)[]) {
  const calls = Math.round(OPS[op]);
  await usPerCall(cases[op].raw, Math.ceil(calls / 4), true); // warm up: prepare on the pooled connections
  await usPerCall(cases[op].registers, Math.ceil(calls / 4), true);
  const r = await compareRounds(cases[op].raw, cases[op].registers, {
    calls,
    rounds: ROUNDS,
    alternate: true,
  });
  rows.push([op, r.raw.toFixed(1), r.registers.toFixed(1), `${r.ratio.toFixed(2)}x`]);
}
await User.dropSchema();
await pool.end();
await disposeAll();

console.log(
  `PostgreSQL over ${new URL(url).host}, ${ROWS} rows, median of ${ROUNDS} rounds, sequential awaits`,
);
console.log(
  markdownTable(["operation", "raw pg (us/op)", "registers (us/op)", "ratio"], rows, [
    "left",
    "right",
    "right",
    "right",
  ]),
);
