// Fast mode, suite `db` (`npm run bench -- --fast --only=db`, alias `npm run bench:db`): registers/db
// on SQLite against raw better-sqlite3 prepared statements, side by side in one process, on a
// 10,000-row table: in memory, then on a WAL file. Prints the median us/op over rounds and the ratio
// to raw. Raw calls are synchronous and unvalidated; registers calls are awaited and every row read
// back is validated by the model's Zod schema and returned as an instance.
// Then two comparisons, on both databases: eager loading (100 authors x 10 posts: N+1 lazy accessors
// vs `include`, against two raw statements grouped in JS, with statement counts from `onQuery`), and
// `bulkCreate` of 100,000 rows against a raw transaction of single-row INSERTs. registers is pinned to
// better-sqlite3 (`?driver=better-sqlite3`) so both sides use the same binding on every Node line;
// the `drivers` suite compares better-sqlite3 with node:sqlite.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type BetterSqlite3 from "better-sqlite3";
import { databaseRegistry, disposeAll, HasMany, type ManagerOf, Model } from "../../src/db/index.js";
import { envNumber } from "../src/harness/env.ts";
import { compareRounds } from "../src/harness/rounds.ts";
import { median } from "../src/harness/stats.ts";
import { markdownTable } from "../src/harness/table.ts";
import { rootImport } from "./_root.ts";

const Database = await rootImport<typeof BetterSqlite3>("better-sqlite3");
const { z } = await rootImport<typeof import("zod")>("zod");

const ROWS = 10_000;
const GROUPS = ROWS / 100; // filter({ grp }) returns 100 rows
const ROUNDS = envNumber("BENCH_ROUNDS", 9);
const SCALE = envNumber("BENCH_SCALE", 1);
const OPS = {
  get: 20_000 * SCALE,
  filter: 1_000 * SCALE,
  create: 10_000 * SCALE,
  count: 20_000 * SCALE,
} as const;
type Op = keyof typeof OPS;

const shape = { id: z.int().nullable().default(null), name: z.string(), email: z.string(), grp: z.int() };

function setupRaw(db: BetterSqlite3.Database, table: string, seed: boolean) {
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

async function run(
  label: string,
  registersUrl: string,
  rawDb: BetterSqlite3.Database,
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
    const { raw: rawFn, registers } = cases[op];
    const calls = Math.max(1, Math.round(OPS[op] / 10));
    const warmup = Math.min(OPS[op], 5000);
    results.push({ op, ...(await compareRounds(rawFn, registers, { calls, rounds: ROUNDS * 10, warmup })) });
  }

  console.log(`\n${label} (${ROWS.toLocaleString("en")} rows, medians of ${ROUNDS * 10} alternating rounds)`);
  const names: Record<Op, string> = {
    get: "get(id)",
    filter: "filter({ grp }) 100",
    create: "create(...)",
    count: "count({ grp })",
  };
  console.log(
    markdownTable(
      ["operation", "raw better-sqlite3 us/op", "registers us/op", "ratio"],
      results.map((r) => [names[r.op], fmt(r.raw), fmt(r.registers), `${fmt(r.ratio)}x`]),
      ["left", "right", "right", "right"],
    ),
  );
}

// ---------------------------------------------------------------- shared helpers

/** The better-sqlite3 handle under a registers SQLite engine (read before any `onQuery` wraps it). */
function sqliteHandle(manager: { engine: { driver: unknown } }): BetterSqlite3.Database {
  return (manager.engine.driver as { db: BetterSqlite3.Database }).db;
}

/** The DDL (table, then indexes) registers created for `table`, to give raw the same schema. */
function tableDdl(db: BetterSqlite3.Database, table: string): string[] {
  const rows = db
    .prepare(
      "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL ORDER BY type = 'table' DESC",
    )
    .all(table) as Array<{ sql: string }>;
  return rows.map((r) => r.sql);
}

/** A full GC between timed runs of the 100,000-row benchmark (fast mode runs without --expose-gc). */
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const fmt = (value: number, digits = 2) => value.toFixed(digits);

// ---------------------------------------------------------------- eager loading: N+1 vs include

const AUTHORS = 100;
const POSTS_PER_AUTHOR = 10;
const RELATION_OPS = 20 * SCALE; // per round, for each of raw, lazy and include

function relationModels(url: string) {
  @databaseRegistry(url, { tableName: "bench_authors" })
  class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Author>;
    @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
  }

  @databaseRegistry(url, { tableName: "bench_posts" })
  class Post extends Model({
    id: z.int().nullable().default(null),
    author_id: z.int(),
    title: z.string(),
    body: z.string(),
  }) {
    declare static readonly objects: ManagerOf<typeof Post>;
  }

  return { Author, Post };
}

async function relations(
  label: string,
  registersUrl: string,
  rawDb: BetterSqlite3.Database,
  seedRaw: boolean,
) {
  const { Author, Post } = relationModels(registersUrl);
  for (const model of [Post, Author]) await model.dropSchema();
  for (const model of [Author, Post]) await model.createSchema();
  const authors = await Author.objects.bulkCreate(
    Array.from({ length: AUTHORS }, (_, i) => ({ name: `author ${i}` })),
  );
  await Post.objects.bulkCreate(
    authors.flatMap((author, i) =>
      Array.from({ length: POSTS_PER_AUTHOR }, (_, j) => ({
        author_id: author.id as number,
        title: `post ${i}.${j}`,
        body: `body of post ${i}.${j}`,
      })),
    ),
  );
  // A foreign key is indexed in any real schema; both sides get the index.
  await Post.objects.engine.driver?.exec(
    "CREATE INDEX IF NOT EXISTS bench_posts_author ON bench_posts (author_id)",
  );
  if (seedRaw) {
    // Same schema and rows on raw's own (in-memory) database.
    const source = sqliteHandle(Author.objects);
    for (const table of ["bench_authors", "bench_posts"]) {
      rawDb.exec(`DROP TABLE IF EXISTS ${table}`);
      for (const sql of tableDdl(source, table)) rawDb.exec(sql);
      const rows = source.prepare(`SELECT * FROM ${table}`).all() as Array<Record<string, unknown>>;
      const columns = Object.keys(rows[0]);
      const insert = rawDb.prepare(
        `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${columns.map((c) => `@${c}`).join(", ")})`,
      );
      rawDb.transaction(() => {
        for (const row of rows) insert.run(row);
      })();
    }
  }

  const selectAuthors = rawDb.prepare("SELECT id, name FROM bench_authors");
  const selectPosts = rawDb.prepare(
    `SELECT id, author_id, title, body FROM bench_posts WHERE author_id IN (${Array(AUTHORS).fill("?").join(", ")})`,
  );
  // Control: raw N+1, one prepared statement run per author. raw N+1 / raw bounds what any eager
  // loading can save over lazy loading on this database (in-process SQLite has no round trip).
  const selectPostsOf = rawDb.prepare(
    "SELECT id, author_id, title, body FROM bench_posts WHERE author_id = ? ORDER BY id",
  );
  type RawPost = { id: number; author_id: number; title: string; body: string };
  const rawLazy = (): number => {
    const rows = selectAuthors.all() as Array<{ id: number; name: string; posts?: RawPost[] }>;
    let n = 0;
    for (const author of rows) {
      author.posts = selectPostsOf.all(author.id) as RawPost[];
      n += author.posts.length;
    }
    return n;
  };
  const raw = (): number => {
    const rows = selectAuthors.all() as Array<{ id: number; name: string; posts?: RawPost[] }>;
    const posts = selectPosts.all(...rows.map((a) => a.id)) as RawPost[];
    const byAuthor = new Map<number, RawPost[]>();
    for (const post of posts) {
      const list = byAuthor.get(post.author_id);
      if (list === undefined) byAuthor.set(post.author_id, [post]);
      else list.push(post);
    }
    let n = 0;
    for (const author of rows) {
      author.posts = byAuthor.get(author.id) ?? [];
      n += author.posts.length;
    }
    return n;
  };
  const lazy = async (): Promise<number> => {
    const rows = await Author.objects.all();
    let n = 0;
    for (const author of rows) n += (await author.posts).length;
    return n;
  };
  const include = async (): Promise<number> => {
    const rows = await Author.objects.all({ include: ["posts"] });
    let n = 0;
    for (const author of rows) n += (await author.posts).length;
    return n;
  };

  // Correctness and statement counts, untimed (the listener is removed before timing).
  const total = AUTHORS * POSTS_PER_AUTHOR;
  const counted = { raw: raw(), rawLazy: rawLazy(), lazy: await lazy(), include: await include() };
  for (const [name, n] of Object.entries(counted)) {
    if (n !== total) throw new Error(`${label}: ${name} read ${n} posts, expected ${total}`);
  }
  const statements = async (fn: () => Promise<unknown>): Promise<number> => {
    let n = 0;
    const unsubscribe = Author.objects.onQuery(() => {
      n++;
    });
    try {
      await fn();
    } finally {
      unsubscribe();
    }
    return n;
  };
  const counts = { lazy: await statements(lazy), include: await statements(include) };

  for (let i = 0; i < 50; i++) {
    raw();
    rawLazy();
    await lazy();
    await include();
  }
  const rawTimes: number[] = [];
  const rawLazyRatios: number[] = [];
  const lazyTimes: number[] = [];
  const includeTimes: number[] = [];
  const lazyRatios: number[] = [];
  const includeRatios: number[] = [];
  const speedups: number[] = [];
  const rounds = ROUNDS * 3;
  for (let round = 0; round < rounds; round++) {
    let t = performance.now();
    for (let i = 0; i < RELATION_OPS; i++) raw();
    const rawUs = ((performance.now() - t) * 1000) / RELATION_OPS;
    t = performance.now();
    for (let i = 0; i < RELATION_OPS; i++) rawLazy();
    rawLazyRatios.push(((performance.now() - t) * 1000) / RELATION_OPS / rawUs);
    t = performance.now();
    for (let i = 0; i < RELATION_OPS; i++) await lazy();
    const lazyUs = ((performance.now() - t) * 1000) / RELATION_OPS;
    t = performance.now();
    for (let i = 0; i < RELATION_OPS; i++) await include();
    const includeUs = ((performance.now() - t) * 1000) / RELATION_OPS;
    rawTimes.push(rawUs);
    lazyTimes.push(lazyUs);
    includeTimes.push(includeUs);
    lazyRatios.push(lazyUs / rawUs);
    includeRatios.push(includeUs / rawUs);
    speedups.push(lazyUs / includeUs);
  }

  console.log(
    `\n${label}: eager loading, ${AUTHORS} authors x ${POSTS_PER_AUTHOR} posts (medians of ${rounds} alternating rounds of ${RELATION_OPS})`,
  );
  const rawUs = median(rawTimes);
  const rows: Array<[string, number, number, number]> = [
    ["all() + await a.posts (lazy, N+1)", counts.lazy, median(lazyTimes), median(lazyRatios)],
    ['all({ include: ["posts"] }) + a.posts', counts.include, median(includeTimes), median(includeRatios)],
  ];
  console.log(
    markdownTable(
      ["operation", "statements", "raw better-sqlite3 us/op", "registers us/op", "ratio"],
      rows.map(([name, statementCount, us, ratio]) => [
        name,
        String(statementCount),
        fmt(rawUs),
        fmt(us),
        `${fmt(ratio)}x`,
      ]),
      ["left", "right", "right", "right", "right"],
    ),
  );
  const speedup = median(speedups);
  console.log(
    `raw: 2 prepared statements (authors; posts WHERE author_id IN (${AUTHORS} params)) grouped in JS.`,
  );
  console.log(
    `include vs lazy: ${speedup.toFixed(1)}x faster (target >= 10x${speedup >= 10 ? ", met" : ", NOT met"}); ` +
      `control: raw N+1 (${AUTHORS + 1} statements) is ${median(rawLazyRatios).toFixed(2)}x raw 2 statements`,
  );
}

// ---------------------------------------------------------------- bulkCreate vs raw INSERTs

const BULK_ROWS = 100_000;
const BULK_RUNS = envNumber("BENCH_BULK_RUNS", 7);

const personShape = {
  id: z.int().nullable().default(null),
  name: z.string(),
  email: z.string(),
  age: z.int(),
  active: z.boolean(),
};

interface BulkResult {
  label: string;
  raw: number;
  registers: number;
  ratio: number;
}

async function bulkCreate(
  label: string,
  registersUrl: string,
  rawDb: BetterSqlite3.Database,
): Promise<BulkResult> {
  const Person = databaseRegistry(registersUrl, { tableName: "bench_people" })(
    class BenchPerson extends Model(personShape) {},
  );
  await Person.dropSchema();
  await Person.createSchema();
  const registersDb = sqliteHandle(Person.objects);
  const ddl = tableDdl(registersDb, "bench_people");
  const rows = Array.from({ length: BULK_ROWS }, (_, i) => ({
    name: `person ${i}`,
    email: `person${i}@example.com`,
    age: 18 + (i % 60),
    active: i % 3 !== 0,
  }));

  // Untimed before every run: empty tables, a checkpointed WAL (file) and a full GC on both sides.
  let insert: BetterSqlite3.Statement | undefined;
  const reset = async () => {
    await Person.dropSchema();
    await Person.createSchema();
    rawDb.exec("DROP TABLE IF EXISTS bench_people");
    for (const sql of ddl) rawDb.exec(sql);
    insert = rawDb.prepare("INSERT INTO bench_people (name, email, age, active) VALUES (?, ?, ?, ?)");
    registersDb.pragma("wal_checkpoint(TRUNCATE)");
    rawDb.pragma("wal_checkpoint(TRUNCATE)");
    gc();
  };
  const timeRaw = () => {
    const statement = insert as BetterSqlite3.Statement;
    const t = performance.now();
    rawDb.transaction(() => {
      for (const r of rows) statement.run(r.name, r.email, r.age, r.active ? 1 : 0);
    })();
    return performance.now() - t;
  };
  const timeRegisters = async () => {
    const t = performance.now();
    const created = await Person.objects.bulkCreate(rows);
    const ms = performance.now() - t;
    if (created.length !== BULK_ROWS || created[BULK_ROWS - 1].id !== BULK_ROWS) {
      throw new Error(`${label}: bulkCreate returned ${created.length} rows, last id ${created.at(-1)?.id}`);
    }
    return ms;
  };

  await reset(); // warm-up, one run each
  timeRaw();
  await reset();
  await timeRegisters();
  if ((await Person.objects.count()) !== BULK_ROWS) throw new Error(`${label}: bulkCreate row count`);

  const rawTimes: number[] = [];
  const regTimes: number[] = [];
  const ratios: number[] = [];
  for (let run = 0; run < BULK_RUNS; run++) {
    // Alternate which side goes first, so neither always runs on a warmer (or busier) machine.
    let rawMs: number;
    let regMs: number;
    if (run % 2 === 0) {
      await reset();
      rawMs = timeRaw();
      await reset();
      regMs = await timeRegisters();
    } else {
      await reset();
      regMs = await timeRegisters();
      await reset();
      rawMs = timeRaw();
    }
    rawTimes.push(rawMs);
    regTimes.push(regMs);
    ratios.push(regMs / rawMs);
  }
  await Person.dropSchema();
  return { label, raw: median(rawTimes), registers: median(regTimes), ratio: median(ratios) };
}

function printBulk(results: BulkResult[]) {
  console.log(
    `\nbulkCreate(${BULK_ROWS.toLocaleString("en")} rows: name, email, age, active + managed key), medians of ${BULK_RUNS} alternating runs`,
  );
  console.log(
    markdownTable(
      ["database", "raw better-sqlite3 ms", "registers bulkCreate ms", "ratio"],
      results.map((r) => [r.label, fmt(r.raw, 1), fmt(r.registers, 1), `${fmt(r.ratio)}x`]),
      ["left", "right", "right", "right"],
    ),
  );
  console.log(
    "raw: one prepared single-row INSERT run per row inside db.transaction(); registers: await bulkCreate(rows),",
  );
  console.log("validating every row and returning the instances with their keys. (target ratio <= 1.3x)");
  console.log("Drizzle: not a dependency of this repository, not measured.");
}

// ---------------------------------------------------------------- main

const BINDING = "?driver=better-sqlite3";
const bulkResults: BulkResult[] = [];
const memoryRaw = new Database(":memory:");
const memory = `:memory:${BINDING}`;
await run("SQLite in memory", memory, memoryRaw, "bench_users", true);
await relations("SQLite in memory", memory, memoryRaw, true);
bulkResults.push(await bulkCreate("SQLite in memory", memory, memoryRaw));
memoryRaw.close();

const dir = mkdtempSync(join(tmpdir(), "registers-bench-"));
const file = join(dir, "bench.db");
try {
  // registers opens the file first (WAL); raw opens a second connection to the same file and table.
  const User = databaseRegistry(file + BINDING, { tableName: "bench_probe" })(
    class Probe extends Model({ id: z.int().nullable().default(null) }) {},
  );
  await User.createSchema();
  const fileRaw = new Database(file);
  fileRaw.pragma("journal_mode = WAL");
  fileRaw.pragma("synchronous = NORMAL");
  const fileLabel = "SQLite file (WAL, synchronous=NORMAL)";
  await run(fileLabel, file + BINDING, fileRaw, "bench_users", false);
  await relations(fileLabel, file + BINDING, fileRaw, false);
  fileRaw.close();
  // bulkCreate: each side on its own fresh WAL file, so neither checkpoints the other's writes.
  const bulkRaw = new Database(join(dir, "bulk-raw.db"));
  bulkRaw.pragma("journal_mode = WAL");
  bulkRaw.pragma("synchronous = NORMAL");
  bulkResults.push(await bulkCreate(fileLabel, join(dir, "bulk-registers.db") + BINDING, bulkRaw));
  bulkRaw.close();
  printBulk(bulkResults);
} finally {
  await disposeAll();
  rmSync(dir, { recursive: true, force: true });
}
