// Fast mode, suite `servers` (`npm run bench -- --fast --only=servers`): registers/db on PostgreSQL
// and MariaDB/MySQL against the raw driver with prepared statements (pg: named statements; mysql2:
// `execute`), side by side in one process over pools of the same size (10). Runs for each server named
// by BENCH_POSTGRES_URL / REGISTERS_TEST_POSTGRES_URL and BENCH_MYSQL_URL / REGISTERS_TEST_MYSQL_URL.
// Point operations (get, filter 100 rows, count, insert, update by key with `updateCount` and with
// `updateWhere`) in rounds that alternate which side goes first; `bulkCreate` of 10,000 rows against
// one raw statement (PostgreSQL: `INSERT ... SELECT * FROM unnest($1, $2, $3)`; MariaDB: multi-row
// `INSERT ... VALUES` of 1,000 rows, in one transaction); include of 100 users x 10 posts against the
// lazy loop, for registers and for raw (parents, then `= ANY($1)` / `IN (...)`); and throughput of 32
// concurrent clients doing get by key for BENCH_SECONDS (default 10) per side. Each figure is a median
// over rounds; the interquartile range of the per-round ratios is the spread.
// `BENCH_OUT=file.json` also writes the figures as JSON.
import { writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type PgModule from "pg";
import { databaseRegistry, disposeAll, HasMany, type ManagerOf, Model } from "../../src/db/index.js";
import { envNumber, postgresUrl } from "../src/harness/env.ts";
import { median, quantile } from "../src/harness/stats.ts";
import { markdownTable } from "../src/harness/table.ts";
import { ROOT, rootImport } from "./_root.ts";

const { z } = await rootImport<typeof import("zod")>("zod");

const ROWS = 10_000;
const GROUPS = ROWS / 100;
const ROUNDS = envNumber("BENCH_ROUNDS", 9);
const SCALE = envNumber("BENCH_SCALE", 1);
const SECONDS = envNumber("BENCH_SECONDS", 10);
const CLIENTS = envNumber("BENCH_CONCURRENCY", 32);
const POOL = 10;
const CALLS = {
  get: 400 * SCALE,
  filter: 60 * SCALE,
  count: 400 * SCALE,
  insert: 300 * SCALE,
  update: 300 * SCALE,
};

interface RawSide {
  name: string;
  get(id: number): Promise<unknown>;
  filter(grp: number): Promise<unknown[]>;
  count(grp: number): Promise<number>;
  insert(n: number): Promise<unknown>;
  update(id: number, name: string): Promise<number>;
  bulk(run: number): Promise<unknown>;
  lazy(grp: number): Promise<unknown>;
  include(grp: number): Promise<unknown>;
  exec(sql: string): Promise<unknown>;
  end(): Promise<void>;
}

const bulkRows = (run: number) =>
  Array.from({ length: 10_000 }, (_, k) => ({
    name: `bulk ${run}-${k}`,
    email: `bulk-${run}-${k}@example.com`,
    grp: k % GROUPS,
  }));

async function pgSide(url: string): Promise<RawSide> {
  const { default: pg } = await rootImport<{ default: typeof PgModule }>("pg");
  const pool = new pg.Pool({ connectionString: url, max: POOL });
  const cols = "id, name, email, grp";
  const q = (name: string, text: string, values: unknown[]) => pool.query({ name, text, values });
  return {
    name: "raw pg",
    get: async (id) => (await q("b_get", `SELECT ${cols} FROM b_users WHERE id = $1`, [id])).rows[0],
    filter: async (grp) => (await q("b_filter", `SELECT ${cols} FROM b_users WHERE grp = $1`, [grp])).rows,
    count: async (grp) =>
      Number((await q("b_count", "SELECT COUNT(*) AS n FROM b_users WHERE grp = $1", [grp])).rows[0].n),
    insert: async (n) =>
      (
        await q("b_insert", "INSERT INTO b_users (name, email, grp) VALUES ($1, $2, $3) RETURNING id", [
          `raw ${n}`,
          `raw${n}@example.com`,
          n % GROUPS,
        ])
      ).rows[0].id,
    update: async (id, name) =>
      (await q("b_update", "UPDATE b_users SET name = $1 WHERE id = $2", [name, id])).rowCount ?? 0,
    bulk: async (run) => {
      const rows = bulkRows(run);
      await q(
        "b_bulk",
        "INSERT INTO b_users (name, email, grp) SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) RETURNING id",
        [rows.map((r) => r.name), rows.map((r) => r.email), rows.map((r) => r.grp)],
      );
    },
    lazy: async (grp) => {
      const users = (await q("b_filter", `SELECT ${cols} FROM b_users WHERE grp = $1`, [grp])).rows;
      const out = [];
      for (const user of users)
        out.push({
          user,
          posts: (await q("b_posts", "SELECT id, user_id, title FROM b_posts WHERE user_id = $1", [user.id]))
            .rows,
        });
      return out;
    },
    include: async (grp) => {
      const users = (await q("b_filter", `SELECT ${cols} FROM b_users WHERE grp = $1`, [grp])).rows;
      const posts = (
        await q("b_any", "SELECT id, user_id, title FROM b_posts WHERE user_id = ANY($1) ORDER BY id", [
          users.map((u) => u.id),
        ])
      ).rows;
      const by = new Map<number, unknown[]>(users.map((u) => [u.id, []]));
      for (const p of posts) by.get(p.user_id)?.push(p);
      return users.map((user) => ({ user, posts: by.get(user.id) }));
    },
    exec: (sql) => pool.query(sql),
    end: () => pool.end(),
  };
}

async function mysqlSide(url: string): Promise<RawSide> {
  const mysql = createRequire(join(ROOT, "package.json"))(
    "mysql2/promise",
  ) as typeof import("mysql2/promise");
  const pool = mysql.createPool({ uri: url, connectionLimit: POOL });
  const cols = "id, name, email, grp";
  const x = async (sql: string, values: unknown[]) => (await pool.execute(sql, values as never))[0] as any;
  return {
    name: "raw mysql2",
    get: async (id) => (await x(`SELECT ${cols} FROM b_users WHERE id = ?`, [id]))[0],
    filter: (grp) => x(`SELECT ${cols} FROM b_users WHERE grp = ?`, [grp]),
    count: async (grp) => Number((await x("SELECT COUNT(*) AS n FROM b_users WHERE grp = ?", [grp]))[0].n),
    insert: async (n) =>
      (
        await x("INSERT INTO b_users (name, email, grp) VALUES (?, ?, ?)", [
          `raw ${n}`,
          `raw${n}@example.com`,
          n % GROUPS,
        ])
      ).insertId,
    update: async (id, name) =>
      (await x("UPDATE b_users SET name = ? WHERE id = ?", [name, id])).affectedRows,
    bulk: async (run) => {
      const rows = bulkRows(run);
      const conn = await pool.getConnection();
      try {
        await conn.query("BEGIN");
        for (let i = 0; i < rows.length; i += 1000) {
          const chunk = rows.slice(i, i + 1000);
          await conn.execute(
            `INSERT INTO b_users (name, email, grp) VALUES ${chunk.map(() => "(?, ?, ?)").join(", ")}`,
            chunk.flatMap((r) => [r.name, r.email, r.grp]),
          );
        }
        await conn.query("COMMIT");
      } finally {
        conn.release();
      }
    },
    lazy: async (grp) => {
      const users = await x(`SELECT ${cols} FROM b_users WHERE grp = ?`, [grp]);
      const out = [];
      for (const user of users)
        out.push({
          user,
          posts: await x("SELECT id, user_id, title FROM b_posts WHERE user_id = ?", [user.id]),
        });
      return out;
    },
    include: async (grp) => {
      const users = await x(`SELECT ${cols} FROM b_users WHERE grp = ?`, [grp]);
      const ids = users.map((u: { id: number }) => u.id);
      const posts = await x(
        `SELECT id, user_id, title FROM b_posts WHERE user_id IN (${ids.map(() => "?").join(", ")}) ORDER BY id`,
        ids,
      );
      const by = new Map<number, unknown[]>(ids.map((id: number) => [id, []]));
      for (const p of posts) by.get(p.user_id)?.push(p);
      return users.map((user: { id: number }) => ({ user, posts: by.get(user.id) }));
    },
    exec: (sql) => pool.query(sql),
    end: () => pool.end(),
  };
}

function models(url: string) {
  @databaseRegistry(url, { tableName: "b_users", uniqueFields: ["email"] })
  class User extends Model({
    id: z.int().nullable().default(null),
    name: z.string(),
    email: z.string(),
    grp: z.int(),
  }) {
    declare static readonly objects: ManagerOf<typeof User>;
    @HasMany(() => Post, { foreignKey: "user_id" }) accessor posts!: Promise<Post[]>;
  }
  @databaseRegistry(url, { tableName: "b_posts" })
  class Post extends Model({ id: z.int().nullable().default(null), user_id: z.int(), title: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Post>;
  }
  return { User, Post };
}

type Stats = { median: number; q1: number; q3: number };
const stats = (list: number[]): Stats => ({
  median: median(list),
  q1: quantile(list, 0.25),
  q3: quantile(list, 0.75),
});

async function timed(fn: () => Promise<unknown>, calls: number): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < calls; i++) await fn();
  return ((performance.now() - t) * 1000) / calls;
}

/** Rounds of `sides` (name -> fn), rotated; us/op medians and per-round ratios to the first side. */
async function rounds(sides: Array<[string, () => Promise<unknown>]>, calls: number, count = ROUNDS) {
  const times: Record<string, number[]> = {};
  for (const [, fn] of sides) await timed(fn, Math.max(2, Math.ceil(calls / 4)));
  for (let round = 0; round < count; round++) {
    for (let i = 0; i < sides.length; i++) {
      const [name, fn] = sides[(i + round) % sides.length];
      (times[name] ??= []).push(await timed(fn, calls));
    }
  }
  const base = sides[0][0];
  const out: Record<string, { us: number; ratio: Stats }> = {};
  for (const [name] of sides)
    out[name] = { us: median(times[name]), ratio: stats(times[name].map((t, i) => t / times[base][i])) };
  return out;
}

/** Requests per second of `clients` concurrent loops of `fn` for `seconds`. */
async function throughput(
  fn: (i: number) => Promise<unknown>,
  clients: number,
  seconds: number,
): Promise<number> {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      let i = c;
      while (performance.now() < end) {
        await fn(i);
        i += clients;
        done++;
      }
    }),
  );
  return done / ((performance.now() - start) / 1000);
}

async function server(kind: "postgres" | "mysql", url: string) {
  const raw = kind === "postgres" ? await pgSide(url) : await mysqlSide(url);
  const { User, Post } = models(url);
  await Post.dropSchema();
  await User.dropSchema();
  await User.createSchema();
  await Post.createSchema();
  await User.objects.bulkCreate(
    Array.from({ length: ROWS }, (_, i) => ({
      name: `user ${i}`,
      email: `user${i}@example.com`,
      grp: i % GROUPS,
    })),
  );
  await Post.objects.bulkCreate(
    Array.from({ length: ROWS * 10 }, (_, i) => ({ user_id: (i % ROWS) + 1, title: `post ${i}` })),
  );
  await raw.exec("CREATE INDEX b_users_grp ON b_users (grp)");
  await raw.exec("CREATE INDEX b_posts_user ON b_posts (user_id)");
  await raw.exec(kind === "postgres" ? "ANALYZE b_users" : "ANALYZE TABLE b_users");
  await raw.exec(kind === "postgres" ? "ANALYZE b_posts" : "ANALYZE TABLE b_posts");

  let r = 777;
  const rand = () => {
    r = (r * 1103515245 + 12345) & 0x7fffffff;
    return r;
  };
  const id = () => 1 + (rand() % ROWS);
  const grp = () => rand() % GROUPS;
  let seq = 0;
  const reg = User.objects;
  const results: Record<string, Record<string, { us: number; ratio: Stats }>> = {};
  results.get = await rounds(
    [
      [raw.name, () => raw.get(id())],
      ["registers", () => reg.get(id())],
    ],
    CALLS.get,
  );
  results.filter = await rounds(
    [
      [raw.name, () => raw.filter(grp())],
      ["registers", () => reg.filter({ grp: grp() })],
    ],
    CALLS.filter,
  );
  results.count = await rounds(
    [
      [raw.name, () => raw.count(grp())],
      ["registers", () => reg.count({ grp: grp() })],
    ],
    CALLS.count,
  );
  results.insert = await rounds(
    [
      [raw.name, () => raw.insert(++seq)],
      [
        "registers",
        () => {
          const n = ++seq;
          return reg.create({ name: `reg ${n}`, email: `reg${n}@example.com`, grp: n % GROUPS });
        },
      ],
    ],
    CALLS.insert,
  );
  results.update = await rounds(
    [
      [raw.name, () => raw.update(id(), `renamed ${++seq}`)],
      ["registers", () => reg.updateCount({ id: id() }, { name: `renamed ${++seq}` })],
      ["updateWhere", () => reg.updateWhere({ id: id() }, { name: `renamed ${++seq}` })],
    ],
    CALLS.update,
  );
  let run = 0;
  results.bulk = await rounds(
    [
      [raw.name, () => raw.bulk(++run)],
      ["registers", () => reg.bulkCreate(bulkRows(++run))],
    ],
    1,
    Math.max(3, Math.round(ROUNDS / 2)),
  );
  const eager = await rounds(
    [
      [`${raw.name} lazy`, () => raw.lazy(grp())],
      [`${raw.name} include`, () => raw.include(grp())],
      [
        "registers lazy",
        async () => {
          const users = await reg.filter({ grp: grp() });
          const out = [];
          for (const user of users) out.push({ user, posts: await user.posts });
          return out;
        },
      ],
      [
        "registers include",
        async () => {
          const users = await reg.filter({ grp: grp() }, { include: ["posts"] });
          return Promise.all(users.map(async (user) => ({ user, posts: await user.posts })));
        },
      ],
    ],
    2 * SCALE,
    Math.max(3, Math.round(ROUNDS / 2)),
  );
  const lazyOver = (lazy: string, inc: string) => eager[lazy].us / eager[inc].us;
  const concurrency: Record<string, number[]> = { raw: [], registers: [] };
  for (let round = 0; round < 2; round++) {
    for (const side of round % 2 ? (["registers", "raw"] as const) : (["raw", "registers"] as const)) {
      const fn =
        side === "raw"
          ? (i: number) => raw.get(((i * 7919) % ROWS) + 1)
          : (i: number) => reg.get(((i * 7919) % ROWS) + 1);
      concurrency[side].push(await throughput(fn, CLIENTS, SECONDS / 2));
    }
  }
  const conc = { raw: median(concurrency.raw), registers: median(concurrency.registers) };

  const label = kind === "postgres" ? "PostgreSQL" : "MariaDB/MySQL";
  console.log(
    `\n${label} (${new URL(url).host}), ${ROWS.toLocaleString("en")} rows, pools of ${POOL}, ${ROUNDS} rounds`,
  );
  const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
  const rowsOut: string[][] = [];
  for (const op of ["get", "filter", "count", "insert", "update", "bulk"]) {
    const c = results[op];
    rowsOut.push([
      op === "update" ? "update (updateCount)" : op === "bulk" ? "bulkCreate 10,000" : op,
      fmt(c[raw.name].us),
      fmt(c.registers.us),
      `${fmt(c.registers.ratio.median)}x`,
      `${fmt(c.registers.ratio.q1)}-${fmt(c.registers.ratio.q3)}`,
    ]);
    if (op === "update")
      rowsOut.push([
        "update (updateWhere, RETURNING)",
        fmt(c[raw.name].us),
        fmt(c.updateWhere.us),
        `${fmt(c.updateWhere.ratio.median)}x`,
        `${fmt(c.updateWhere.ratio.q1)}-${fmt(c.updateWhere.ratio.q3)}`,
      ]);
  }
  console.log(
    markdownTable(["operation", `${raw.name} us/op`, "registers us/op", "ratio", "IQR"], rowsOut, [
      "left",
      "right",
      "right",
      "right",
      "right",
    ]),
  );
  console.log(
    `include 100x10: ${raw.name} lazy/include ${fmt(lazyOver(`${raw.name} lazy`, `${raw.name} include`))}x, registers lazy/include ${fmt(lazyOver("registers lazy", "registers include"))}x (registers include ${fmt(eager["registers include"].us)} us, raw include ${fmt(eager[`${raw.name} include`].us)} us)`,
  );
  console.log(
    `${CLIENTS} clients x ${SECONDS} s get by key: ${raw.name} ${conc.raw.toFixed(0)}/s, registers ${conc.registers.toFixed(0)}/s, ratio ${(conc.registers / conc.raw).toFixed(2)}`,
  );
  await Post.dropSchema();
  await User.dropSchema();
  await raw.end();
  return { results, eager, concurrency: conc };
}

const out: Record<string, unknown> = {};
const pgUrl = postgresUrl();
const myUrl = process.env.BENCH_MYSQL_URL ?? process.env.REGISTERS_TEST_MYSQL_URL;
const only = process.env.BENCH_SERVERS?.split(",");
if (pgUrl && (!only || only.includes("postgres"))) out.postgres = await server("postgres", pgUrl);
if (myUrl && (!only || only.includes("mysql"))) out.mysql = await server("mysql", myUrl);
await disposeAll();
if (process.env.BENCH_OUT) writeFileSync(process.env.BENCH_OUT, JSON.stringify(out, null, 2));
