// The child side of a data-access benchmark: one library, one process, one fresh database.
// For each operation: check the library's answer against the raw driver (a reference connection
// on the same database), then time it. A failed check marks the operation failed; it is not timed.
import { deepStrictEqual } from "node:assert/strict";
import { writeFileSync } from "node:fs";
import {
  input,
  type NewUser,
  OP_ORDER,
  type OpName,
  type PostRow,
  plans,
  type Runner,
  type UserRow,
} from "./ops.ts";
import { measure, type Timing } from "./timing.ts";

/** Raw reads used to check answers: implemented with better-sqlite3 or pg directly. */
export interface Reference {
  get(id: number): Promise<UserRow | null>;
  byEmail(email: string): Promise<UserRow | null>;
  filter(age: number): Promise<UserRow[]>;
  count(age: number): Promise<number>;
  countAll(): Promise<number>;
  postsOf(userIds: number[]): Promise<PostRow[]>;
  close(): Promise<void>;
}

export type OpResult =
  | ({ status: "ok" } & Timing)
  | { status: "failed"; reason: string }
  | { status: "skipped"; reason: string };

export interface LibraryResult {
  name: string;
  packages: string[];
  status: "ok" | "failed" | "skipped";
  reason?: string;
  ops: Partial<Record<OpName, OpResult>>;
}

const pickUser = (u: any): UserRow | null =>
  u == null ? null : { id: Number(u.id), name: u.name, email: u.email, age: Number(u.age) };

const byId = (a: { id: number }, b: { id: number }) => a.id - b.id;

function normalizeParents(result: any): { id: number; posts: PostRow[] }[] {
  if (!Array.isArray(result)) throw new Error(`expected an array of parents, got ${typeof result}`);
  return result
    .map((p: any) => {
      const user = p.user ?? p;
      const posts = p.posts;
      if (!Array.isArray(posts)) throw new Error(`parent ${user?.id} has no posts array`);
      return {
        id: Number(user.id),
        posts: posts
          .map((x: any) => ({ id: Number(x.id), userId: Number(x.userId ?? x.user_id), title: x.title }))
          .sort(byId),
      };
    })
    .sort(byId);
}

async function settle(value: unknown): Promise<any> {
  return await value;
}

type Check = () => Promise<void>;

function checks(runner: Runner, ref: Reference): Record<OpName, Check> {
  return {
    get: async () => {
      for (const id of [1, 4242, 10_000]) {
        deepStrictEqual(pickUser(await settle(runner.get(id))), await ref.get(id), `get(${id})`);
      }
      deepStrictEqual(pickUser(await settle(runner.get(987_654))), null, "get(missing key) must be null");
    },
    filter: async () => {
      for (const age of [18, 67]) {
        const rows = ((await settle(runner.filter(age))) as any[]).map(pickUser).sort(byId as any);
        const expected = await ref.filter(age);
        if (expected.length !== 100) throw new Error(`reference filter returned ${expected.length} rows`);
        deepStrictEqual(rows, expected, `filter(age=${age})`);
      }
    },
    count: async () => {
      for (const age of [18, 67, 999]) {
        deepStrictEqual(Number(await settle(runner.count(age))), await ref.count(age), `count(age=${age})`);
      }
    },
    lazy: async () => checkParents(await settle(runner.lazy(42)), 42, ref, "lazy"),
    include: async () => checkParents(await settle(runner.include(42)), 42, ref, "include"),
    insert: async () => {
      const user: NewUser = { name: "Check Insert", email: "check-insert@example.com", age: 33 };
      const id = Number(await settle(runner.insert({ ...user })));
      const row = await ref.byEmail(user.email);
      deepStrictEqual(row, { id, ...user }, "inserted row read back by the raw driver");
    },
    update: async () => {
      await settle(runner.update(4321, "Check Update"));
      const row = await ref.get(4321);
      deepStrictEqual(row?.name, "Check Update", "updated name read back by the raw driver");
      deepStrictEqual(row?.email, "user4321@example.com", "update touched only the name");
    },
    bulk: async () => {
      const before = await ref.countAll();
      const rows = input.bulk(-1);
      await settle(runner.bulk(rows));
      deepStrictEqual(await ref.countAll(), before + rows.length, "row count after the bulk insert");
      for (const k of [0, 5000, rows.length - 1]) {
        const row = await ref.byEmail(rows[k].email);
        const { name, email, age } = rows[k]; // (some libraries write the new id onto the input object)
        deepStrictEqual(row && { ...row, id: 0 }, { id: 0, name, email, age }, `bulk row ${k}`);
      }
    },
  };
}

async function checkParents(result: unknown, age: number, ref: Reference, what: string) {
  const parents = normalizeParents(result);
  const users = await ref.filter(age);
  const posts = await ref.postsOf(users.map((u) => u.id));
  const expected = users.map((u) => ({ id: u.id, posts: posts.filter((p) => p.userId === u.id).sort(byId) }));
  if (expected.length !== 100 || posts.length !== 1000) throw new Error("reference data is not 100x10");
  deepStrictEqual(parents, expected, `${what}(age=${age}) parents and their posts`);
}

function describe(error: unknown): string {
  const e = error as any;
  const text = e?.message ?? String(error);
  return text.split("\n").slice(0, 6).join(" ").slice(0, 400);
}

export async function runSuite(options: {
  kind: "sqlite" | "postgres";
  runner: Runner;
  ref: Reference;
  quick: boolean;
  only?: OpName[];
}): Promise<LibraryResult> {
  const { runner, ref } = options;
  const result: LibraryResult = { name: runner.name, packages: runner.packages, status: "ok", ops: {} };
  const plan = plans(options.kind, options.quick);
  const guard = checks(runner, ref);
  const ops: Record<OpName, (i: number) => unknown> = {
    get: (i) => runner.get(input.id(i)),
    filter: (i) => runner.filter(input.age(i)),
    count: (i) => runner.count(input.age(i)),
    insert: (i) => runner.insert(input.newUser(i)),
    update: (i) => runner.update(input.id(i), input.newName(i)),
    bulk: (i) => runner.bulk(bulkRows[i]),
    lazy: (i) => runner.lazy(input.age(i)),
    include: (i) => runner.include(input.age(i)),
  };
  const bulkRuns = plan.bulk.warmup + plan.bulk.batches * plan.bulk.batchSize;
  const bulkRows = Array.from({ length: bulkRuns }, (_, run) => input.bulk(run));
  for (const op of OP_ORDER) {
    if (options.only && !options.only.includes(op)) continue;
    const unsupported = runner.unsupported?.[op];
    if (unsupported) {
      result.ops[op] = { status: "skipped", reason: unsupported };
      process.stderr.write(`  ${runner.name} ${op}: skipped: ${unsupported}\n`);
      continue;
    }
    try {
      await guard[op]();
    } catch (error) {
      result.ops[op] = { status: "failed", reason: `check failed: ${describe(error)}` };
      process.stderr.write(`  ${runner.name} ${op}: CHECK FAILED ${describe(error)}\n`);
      continue;
    }
    try {
      const timing = await measure(ops[op], plan[op]);
      result.ops[op] = { status: "ok", ...timing };
      process.stderr.write(`  ${runner.name} ${op}: ${timing.usPerOp.toFixed(2)} us/op\n`);
    } catch (error) {
      result.ops[op] = { status: "failed", reason: `error while timing: ${describe(error)}` };
      process.stderr.write(`  ${runner.name} ${op}: ERROR ${describe(error)}\n`);
    }
  }
  if (Object.values(result.ops).some((o) => o?.status === "failed")) result.status = "failed";
  return result;
}

export function writeResult(file: string, result: unknown): void {
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
}

export { describe as describeError };
