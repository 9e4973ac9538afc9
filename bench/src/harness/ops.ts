// The operations every data-access runner implements, their inputs and how many of each are timed.
// One interface for SQLite and PostgreSQL: each library's runner file implements it with that
// library's ordinary API.

export interface UserRow {
  id: number;
  name: string;
  email: string;
  age: number;
}
export type NewUser = Omit<UserRow, "id">;
export interface PostRow {
  id: number;
  userId: number;
  title: string;
}

/**
 * A library under test. Methods may return a value or a promise (synchronous drivers stay
 * synchronous). What they return is what the library returns to its user, lightly shaped:
 * - get -> the user (any object with id/name/email/age) or null/undefined
 * - filter -> users, insert -> the new row's id (number or bigint), count -> number
 * - lazy/include -> parents, each either `{ user, posts }` or a user carrying `.posts`
 */
export interface Runner {
  /** name in the tables */
  name: string;
  /** npm packages whose versions the report lists */
  packages: string[];
  open(): unknown;
  get(id: number): unknown;
  filter(age: number): unknown;
  count(age: number): unknown;
  insert(user: NewUser): unknown;
  update(id: number, name: string): unknown;
  bulk(users: NewUser[]): unknown;
  /** users of one age (100 parents), then one query per parent for its 10 posts */
  lazy(age: number): unknown;
  /** the same data with the library's eager loading (`include`, `with`, `relations`, a join) */
  include(age: number): unknown;
  close(): unknown;
  /** operations this library cannot do yet, with the reason (reported as skipped, not timed) */
  unsupported?: Partial<Record<OpName, string>>;
}

export type OpName = "get" | "filter" | "count" | "insert" | "update" | "bulk" | "lazy" | "include";

/** Execution order: reads first (the relation checks need the seeded ages untouched), then writes. */
export const OP_ORDER: OpName[] = ["get", "filter", "count", "lazy", "include", "insert", "update", "bulk"];
/** Order of the report's columns. */
export const REPORT_ORDER: OpName[] = [
  "get",
  "filter",
  "insert",
  "update",
  "count",
  "bulk",
  "lazy",
  "include",
];

export const OP_LABELS: Record<OpName, string> = {
  get: "get by key",
  filter: "filter age (100 rows)",
  count: "count where",
  insert: "insert one",
  update: "update by key",
  bulk: "insert 10k (1 tx)",
  lazy: "100x10 lazy loop",
  include: "100x10 include",
};

/** Point operations: at least 20,000 timed calls each in a full run. */
export const POINT_OPS: OpName[] = ["get", "count", "insert", "update"];

export const SEED_USERS = 10_000;
export const POSTS_PER_USER = 10;
export const AGES = 100; // ages 18..117, exactly 100 users each
export const BULK_ROWS = 10_000;

export function seedUser(i: number): NewUser {
  return { name: `User ${i}`, email: `user${i}@example.com`, age: 18 + (i % AGES) };
}
export function seedPostTitle(userId: number, k: number): string {
  return `Post ${k} of user ${userId}`;
}

/** Deterministic inputs, spread over the table. */
export const input = {
  id: (i: number) => ((i * 7919) % SEED_USERS) + 1,
  age: (i: number) => 18 + (i % AGES),
  newUser: (i: number): NewUser => ({
    name: `New ${i}`,
    email: `new-${i}@example.com`,
    age: 18 + (i % AGES),
  }),
  newName: (i: number) => `Renamed ${i}`,
  bulk: (run: number): NewUser[] =>
    Array.from({ length: BULK_ROWS }, (_, k) => ({
      name: `Bulk ${run}-${k}`,
      email: `bulk-${run}-${k}@example.com`,
      age: 18 + (k % AGES),
    })),
};

export interface PlanSet {
  [op: string]: { warmup: number; batches: number; batchSize: number };
}

/**
 * Operations per round. A full run has ROUNDS rounds (each library once per round, in its own
 * process, libraries in a rotated order), and pools the batches of all rounds: 3 x 7,000 = 21,000
 * timed calls of each point operation. A quick run has one round with far fewer calls.
 */
export const ROUNDS = { full: 3, quick: 1 };

export function plans(
  kind: "sqlite" | "postgres",
  quick: boolean,
): Record<OpName, { warmup: number; batches: number; batchSize: number }> {
  const pg = kind === "postgres";
  if (quick) {
    return {
      get: { warmup: pg ? 300 : 3000, batches: 10, batchSize: pg ? 50 : 300 },
      count: { warmup: pg ? 300 : 3000, batches: 10, batchSize: pg ? 50 : 300 },
      insert: { warmup: pg ? 100 : 1000, batches: 10, batchSize: pg ? 30 : 100 },
      update: { warmup: pg ? 100 : 1000, batches: 10, batchSize: pg ? 30 : 100 },
      filter: { warmup: 30, batches: 10, batchSize: pg ? 10 : 20 },
      bulk: { warmup: 1, batches: pg ? 2 : 3, batchSize: 1 },
      lazy: { warmup: 2, batches: 5, batchSize: 1 },
      include: { warmup: 3, batches: 5, batchSize: 2 },
    };
  }
  return {
    // a long warm-up, so that every library is timed with its code optimized (V8 tiers up late)
    get: { warmup: pg ? 2000 : 10_000, batches: 10, batchSize: 700 },
    count: { warmup: pg ? 2000 : 10_000, batches: 10, batchSize: 700 },
    insert: { warmup: pg ? 1000 : 5000, batches: 10, batchSize: 700 },
    update: { warmup: pg ? 1000 : 5000, batches: 10, batchSize: 700 },
    filter: { warmup: 200, batches: 10, batchSize: pg ? 50 : 100 },
    bulk: { warmup: 1, batches: 3, batchSize: 1 },
    lazy: { warmup: 5, batches: 6, batchSize: pg ? 3 : 5 },
    include: { warmup: 10, batches: 6, batchSize: 10 },
  };
}
