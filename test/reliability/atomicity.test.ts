// Atomicity under concurrency, on every database: 20 accounts, 2,000 concurrent transfers, each a
// `transaction()` that reads two balances and writes both plus a log row, with failures thrown at
// random points inside some callbacks (and overdrafts rejected by the schema). Afterwards the total
// is unchanged, each account's balance is exactly what its logged transfers say (so no transfer is
// half-applied), failed transfers left no trace, and every pooled connection is free again.
import assert from "node:assert/strict";
import { beforeEach, it } from "node:test";
import { z } from "zod";
import type { Driver } from "../../src/db/dialect/dialect.js";
import { SqliteDriver } from "../../src/db/dialect/sqlite/index.js";
import { databaseRegistry, Model, RegistryError, ValidationError } from "../../src/db/index.js";
import type { DatabaseTarget } from "../support/databases.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const ACCOUNTS = 20;
const TRANSFERS = 2_000;
const INITIAL = 1_000;
const POOL = 6;
const seed = Number(process.env.REGISTERS_ATOMICITY_SEED ?? Date.now() % 100_000);

function random(seedValue: number): () => number {
  let state = seedValue >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/** Thrown on purpose inside a transfer callback. */
class InjectedFailure extends Error {}

type FailAt = "none" | "after-read" | "after-credit" | "after-debit" | "after-log";

interface Plan {
  readonly tid: number;
  readonly from: number;
  readonly to: number;
  readonly amount: number;
  readonly failAt: FailAt;
}

function plans(rand: () => number): Plan[] {
  const points: FailAt[] = ["after-read", "after-credit", "after-debit", "after-log"];
  return Array.from({ length: TRANSFERS }, (_, i) => {
    const from = 1 + Math.floor(rand() * ACCOUNTS);
    let to = 1 + Math.floor(rand() * (ACCOUNTS - 1));
    if (to >= from) to++;
    const failAt = rand() < 0.2 ? points[Math.floor(rand() * points.length)] : "none";
    return { tid: i + 1, from, to, amount: 1 + Math.floor(rand() * 150), failAt };
  });
}

/**
 * A server URL with this file's own pool (size known, so leaks are measurable). 2,000 transactions
 * queue for 6 connections, and `connectTimeout` also bounds that wait on PostgreSQL: it is long here
 * so a loaded machine does not fail the run; a leak still fails it (`assertNoLeak`, or the test's
 * own timeout when every connection leaked).
 */
function poolUrl(target: DatabaseTarget): string {
  if (!target.name.startsWith("postgres") && !target.name.startsWith("mysql")) return target.url;
  const url = new URL(target.url);
  url.searchParams.set("poolSize", String(POOL));
  url.searchParams.set("connectTimeout", "600000");
  return url.toString();
}

/**
 * Proves no connection leaked: SQLite's single connection is not held, and on a server every one of
 * the `POOL` connections can be taken at once (a leaked one would make the last `acquire()` wait).
 * The `Driver` seam exposes no pool counters, so this is the observable equivalent of
 * "idle count back to its size".
 */
async function assertNoLeak(driver: Driver | null, name: string): Promise<string> {
  assert.ok(driver !== null, "the engine is closed");
  if (driver instanceof SqliteDriver) {
    assert.equal(driver.holder, null, "a transaction still holds the SQLite connection");
    return "sqlite connection free";
  }
  const taken: Array<{ release(broken?: boolean): void }> = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    const all = Promise.all(
      Array.from({ length: POOL }, async () => {
        const connection = await driver.acquire();
        taken.push(connection);
      }),
    );
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${name}: only ${taken.length} of ${POOL} pooled connections are free`)),
        5_000,
      );
    });
    await Promise.race([all, timeout]);
    return `${POOL}/${POOL} pooled connections free`;
  } finally {
    clearTimeout(timer);
    for (const connection of taken) connection.release();
  }
}

eachDatabase(`${TRANSFERS} concurrent transfers (seed ${seed})`, (target) => {
  const url = poolUrl(target);
  const Account = databaseRegistry(url, { tableName: "rel_accounts", keyField: "id" })(
    class Account extends Model({
      id: z.int(),
      balance: z.int().nonnegative(),
      touched: z.int().default(0),
    }) {},
  );
  const Transfer = databaseRegistry(url, { tableName: "rel_transfer_log" })(
    class Transfer extends Model({
      id: z.int().nullable().default(null),
      tid: z.int(),
      src: z.int(),
      dst: z.int(),
      amount: z.int(),
    }) {},
  );

  freshTables(Account, Transfer);
  beforeEach(async () => {
    for (let id = 1; id <= ACCOUNTS; id++) await Account.objects.create({ id, balance: INITIAL });
  });

  const fail = (plan: Plan, point: FailAt) => {
    if (plan.failAt === point) throw new InjectedFailure(`transfer ${plan.tid} fails ${point}`);
  };

  /** Credits first, then debits: an overdraft (ValidationError) fails after a write, as does `fail`. */
  const writeBoth = async (plan: Plan, fromBalance: number, toBalance: number) => {
    await Account.objects.updateWhere({ id: plan.to }, { balance: toBalance + plan.amount });
    fail(plan, "after-credit");
    await Account.objects.updateWhere({ id: plan.from }, { balance: fromBalance - plan.amount });
    fail(plan, "after-debit");
    await Transfer.objects.create({ tid: plan.tid, src: plan.from, dst: plan.to, amount: plan.amount });
    fail(plan, "after-log");
  };

  /** Reads both balances with `get`, then writes: correct only where transactions are serialized. */
  const naiveTransfer = (plan: Plan) =>
    Account.objects.transaction(async () => {
      const from = await Account.objects.require(plan.from);
      const to = await Account.objects.require(plan.to);
      fail(plan, "after-read");
      await writeBoth(plan, from.balance, to.balance);
    });

  /**
   * Portable on every database at its default isolation, with the public API only: lock both rows
   * in key order with a write (`updateWhere` re-fetches them after the lock is held, so the balance
   * read is the latest committed one), then write both.
   */
  const lockingTransfer = (plan: Plan) =>
    Account.objects.transaction(async () => {
      const [lo, hi] = plan.from < plan.to ? [plan.from, plan.to] : [plan.to, plan.from];
      const [first] = await Account.objects.updateWhere({ id: lo }, { touched: plan.tid });
      const [second] = await Account.objects.updateWhere({ id: hi }, { touched: plan.tid });
      const from = first.id === plan.from ? first : second;
      const to = first.id === plan.to ? first : second;
      fail(plan, "after-read");
      await writeBoth(plan, from.balance, to.balance);
    });

  /** Reads with `get(key, { forUpdate: true })` in key order (row locks), then writes both. */
  const forUpdateTransfer = (plan: Plan) =>
    Account.objects.transaction(async () => {
      const [lo, hi] = plan.from < plan.to ? [plan.from, plan.to] : [plan.to, plan.from];
      const first = await Account.objects.require(lo, { forUpdate: true });
      const second = await Account.objects.require(hi, { forUpdate: true });
      const from = first.id === plan.from ? first : second;
      const to = first.id === plan.to ? first : second;
      fail(plan, "after-read");
      await writeBoth(plan, from.balance, to.balance);
    });

  const runAll = async (transfer: (plan: Plan) => Promise<void>, rand: () => number) => {
    const all = plans(rand);
    const outcomes = await Promise.allSettled(all.map((plan) => transfer(plan)));
    const committed = new Set<number>();
    const unexpected: unknown[] = [];
    let injected = 0;
    let overdrafts = 0;
    outcomes.forEach((outcome, i) => {
      if (outcome.status === "fulfilled") committed.add(all[i].tid);
      else if (outcome.reason instanceof InjectedFailure) injected++;
      else if (outcome.reason instanceof ValidationError) overdrafts++;
      else unexpected.push(outcome.reason);
    });
    for (const error of unexpected) assert.ok(error instanceof RegistryError, `untyped error: ${error}`);
    return { all, committed, injected, overdrafts, unexpected };
  };

  const verify = async (all: Plan[], committed: ReadonlySet<number>) => {
    const accounts = await Account.objects.all({ orderBy: "id" });
    const logs = await Transfer.objects.all();
    const total = accounts.reduce((sum, a) => sum + a.balance, 0);
    assert.equal(accounts.length, ACCOUNTS);
    assert.equal(total, ACCOUNTS * INITIAL, "the total balance changed");
    // The log holds exactly the transfers whose transaction resolved, once each.
    assert.deepEqual(
      logs.map((l) => l.tid).sort((a, b) => a - b),
      [...committed].sort((a, b) => a - b),
      "the log differs from the transfers that committed",
    );
    // Each balance is exactly what the logged transfers say: a half-applied transfer (a credit
    // without its debit, or writes without their log row) breaks this for some account.
    const expected = new Map<number, number>();
    for (let id = 1; id <= ACCOUNTS; id++) expected.set(id, INITIAL);
    const byTid = new Map(all.map((p) => [p.tid, p]));
    for (const log of logs) {
      const plan = byTid.get(log.tid) as Plan;
      assert.deepEqual([log.src, log.dst, log.amount], [plan.from, plan.to, plan.amount]);
      expected.set(log.src, (expected.get(log.src) as number) - log.amount);
      expected.set(log.dst, (expected.get(log.dst) as number) + log.amount);
    }
    for (const account of accounts) {
      assert.equal(account.balance, expected.get(account.id), `account ${account.id} is off`);
    }
  };

  // A leaked connection makes later transfers wait: bounded here (and by connectTimeout on servers).
  it("lock-then-read transfers: total invariant, no half-applied transfer, no leaked connection", {
    timeout: 240_000,
  }, async (t) => {
    const { all, committed, injected, overdrafts, unexpected } = await runAll(lockingTransfer, random(seed));
    assert.deepEqual(unexpected, [], "only injected failures and overdrafts may fail a transfer");
    assert.ok(injected > 0 && committed.size > 0, "the run exercised no failure or no success");
    await verify(all, committed);
    const free = await assertNoLeak(Account.objects.engine.driver, target.name);
    t.diagnostic(
      `figures: ${target.name} atomicity: ${TRANSFERS} transfers run (${committed.size} committed, ${injected} injected failures rolled back, ${overdrafts} overdrafts rejected), invariant held, ${free}`,
    );
  });

  it("get(key, { forUpdate: true }) transfers keep the invariant on every database", {
    timeout: 240_000,
  }, async (t) => {
    const { all, committed, injected, overdrafts, unexpected } = await runAll(
      forUpdateTransfer,
      random(seed + 2),
    );
    assert.deepEqual(unexpected, [], "only injected failures and overdrafts may fail a transfer");
    assert.ok(injected > 0 && committed.size > 0, "the run exercised no failure or no success");
    await verify(all, committed);
    const free = await assertNoLeak(Account.objects.engine.driver, target.name);
    t.diagnostic(
      `figures: ${target.name} atomicity (forUpdate): ${TRANSFERS} transfers run (${committed.size} committed, ${injected} injected, ${overdrafts} overdrafts), invariant held, ${free}`,
    );
  });

  // Two transactions lock the same two rows in opposite order: the database kills one (deadlock).
  // Inside `updateWhere` (a savepoint), MySQL has already rolled the whole transaction back, so
  // `ROLLBACK TO SAVEPOINT` fails too; the caller must still see the deadlock, not that follow-up.
  it("a deadlock inside a nested transaction surfaces as the deadlock", {
    skip: target.name.startsWith("sqlite") ? "SQLite serializes transactions: no deadlock" : false,
  }, async () => {
    let arrived = 0;
    let open!: () => void;
    const barrier = new Promise<void>((resolve) => {
      open = resolve;
    });
    const lockBoth = (first: number, second: number) =>
      Account.objects.transaction(async () => {
        await Account.objects.updateWhere({ id: first }, { touched: first });
        if (++arrived === 2) open();
        await barrier;
        await Account.objects.updateWhere({ id: second }, { touched: second });
      });
    const outcomes = await Promise.allSettled([lockBoth(1, 2), lockBoth(2, 1)]);
    const failures = outcomes.filter((o) => o.status === "rejected").map((o) => o.reason);
    assert.equal(failures.length, 1, "exactly one of the two transactions is the deadlock victim");
    const error = failures[0];
    assert.ok(error instanceof RegistryError, String(error));
    const cause = error.cause as { code?: unknown; errno?: unknown } | undefined;
    assert.ok(cause?.code === "40P01" || cause?.errno === 1213, `not the deadlock: ${error.message}`);
  });

  // The same plain get-then-write made safe without locks, by the transaction options: at
  // SERIALIZABLE a lost update becomes a conflict (PostgreSQL 40001, InnoDB's deadlock 1213 from
  // the shared read locks), surfaced as SerializationError, and `retries` reruns the callback.
  // Injected failures and overdrafts are not conflicts: they must not be retried.
  it("get-then-write transfers at serializable isolation with retries keep the invariant", async (t) => {
    let retried = 0;
    const serializableTransfer = (plan: Plan) =>
      Account.objects.transaction(
        async () => {
          const from = await Account.objects.require(plan.from);
          const to = await Account.objects.require(plan.to);
          fail(plan, "after-read");
          await writeBoth(plan, from.balance, to.balance);
        },
        { isolation: "serializable", retries: 100, onRetry: () => void retried++ },
      );
    const { all, committed, injected, overdrafts, unexpected } = await runAll(
      serializableTransfer,
      random(seed + 3),
    );
    assert.deepEqual(unexpected, [], "only injected failures and overdrafts may fail a transfer");
    assert.ok(injected > 0 && committed.size > 0, "the run exercised no failure or no success");
    if (!target.name.startsWith("sqlite"))
      assert.ok(retried > 0, "no conflict was retried: the test did not race");
    await verify(all, committed);
    const free = await assertNoLeak(Account.objects.engine.driver, target.name);
    t.diagnostic(
      `figures: ${target.name} atomicity (get-then-write, serializable + retries): ${TRANSFERS} transfers run (${committed.size} committed, ${injected} injected, ${overdrafts} overdrafts, ${retried} conflicts retried), invariant held, ${free}`,
    );
  });

  // Plain reads then writes, as a user would first write it. SQLite serializes transactions
  // (BEGIN IMMEDIATE on one connection), so it must hold there. PostgreSQL (READ COMMITTED) and
  // InnoDB (REPEATABLE READ) let two transactions read the same balance and both write: lost
  // updates, unless the reads lock (`get(key, { forUpdate: true })`, the test above).
  const serialized = target.name.startsWith("sqlite");
  it(
    "get-then-write transfers keep the invariant where transactions are serialized",
    serialized
      ? {}
      : {
          todo: 'plain get-then-write loses updates at the default isolation of PostgreSQL and InnoDB, as in any ORM: lock with get(key, { forUpdate: true }) or use { isolation: "serializable", retries } (both tested above)',
        },
    async (t) => {
      const { all, committed, injected, overdrafts, unexpected } = await runAll(
        naiveTransfer,
        random(seed + 1),
      );
      assert.deepEqual(unexpected, [], "only injected failures and overdrafts may fail a transfer");
      await verify(all, committed);
      const free = await assertNoLeak(Account.objects.engine.driver, target.name);
      t.diagnostic(
        `figures: ${target.name} atomicity (get-then-write): ${TRANSFERS} transfers run (${committed.size} committed, ${injected} injected, ${overdrafts} overdrafts), invariant held, ${free}`,
      );
    },
  );
});
