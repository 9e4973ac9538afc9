/**
 * `transaction(fn, { retries, isolation, onRetry })` on every database: options validated before
 * anything runs, the whole callback rerun on a `SerializationError` only (and never by default), the
 * isolation level in the statements that open the transaction, and on the servers a real deadlock
 * surfacing as a retryable `SerializationError` that `retries` turns into two commits.
 */
import assert from "node:assert/strict";
import { it } from "node:test";
import { z } from "zod";
import {
  ConfigurationError,
  DatabaseError,
  databaseRegistry,
  Model,
  type QueryEvent,
  SerializationError,
  type TransactionOptions,
} from "../../src/db/index.js";
import { eachDatabase, freshTables, isServer } from "../support/each-database.js";

eachDatabase("transaction options", (target) => {
  const Account = databaseRegistry(target.url, { tableName: "txo_accounts" })(
    class Account extends Model({ id: z.int(), balance: z.int() }) {},
  );
  freshTables(Account);

  it("refuses bad options with ConfigurationError before running anything", async () => {
    let ran = 0;
    const bad = [
      { retries: -1 },
      { retries: 1.5 },
      { retries: 101 },
      { retries: "3" },
      { isolation: "snapshot" },
      { isolation: "SERIALIZABLE" },
      { onRetry: "log" },
      null,
    ];
    for (const options of bad) {
      await assert.rejects(
        Account.objects.transaction(() => ran++, options as unknown as TransactionOptions),
        ConfigurationError,
        JSON.stringify(options),
      );
    }
    assert.equal(ran, 0);
  });

  it("reruns the whole callback on a SerializationError, after a back-off, reporting each retry", async () => {
    let attempts = 0;
    const retries: number[] = [];
    const result = await Account.objects.transaction(
      async () => {
        attempts++;
        await Account.objects.create({ id: attempts, balance: 10 });
        if (attempts < 3) throw new SerializationError("conflict (simulated)");
        return "done";
      },
      {
        retries: 5,
        onRetry: ({ attempt, error, delayMs }) => {
          assert.ok(error instanceof SerializationError);
          assert.ok(delayMs >= 0 && delayMs <= 1_000);
          retries.push(attempt);
        },
      },
    );
    assert.equal(result, "done");
    assert.equal(attempts, 3);
    assert.deepEqual(retries, [1, 2]);
    assert.deepEqual(
      (await Account.objects.all()).map((a) => a.id),
      [3],
      "failed attempts were rolled back",
    );
  });

  it("never reruns on other errors, never by default, and gives up after `retries`", async () => {
    let calls = 0;
    await assert.rejects(
      Account.objects.transaction(
        () => {
          calls++;
          throw new DatabaseError("not a conflict");
        },
        { retries: 5 },
      ),
      DatabaseError,
    );
    assert.equal(calls, 1);
    calls = 0;
    await assert.rejects(
      Account.objects.transaction(() => {
        calls++;
        throw new SerializationError("conflict");
      }),
      SerializationError,
    );
    assert.equal(calls, 1, "retries default to 0: rerunning is opt-in");
    calls = 0;
    await assert.rejects(
      Account.objects.transaction(
        () => {
          calls++;
          throw new SerializationError("conflict");
        },
        { retries: 2 },
      ),
      (error: unknown) =>
        error instanceof SerializationError && error.retryable && error.code === "REGISTERS_SERIALIZATION",
    );
    assert.equal(calls, 3);
  });

  it("retries and isolation belong to the outermost transaction: a nested call refuses them", async () => {
    await Account.objects.transaction(async () => {
      await assert.rejects(
        Account.objects.transaction(() => 1, { retries: 1 }),
        ConfigurationError,
      );
      await assert.rejects(
        Account.objects.transaction(() => 1, { isolation: "serializable" }),
        ConfigurationError,
      );
      assert.equal(await Account.objects.transaction(() => 2, {}), 2);
    });
  });

  it("opens the transaction at the isolation level asked for", async () => {
    const events: QueryEvent[] = [];
    const stop = Account.objects.onQuery((event) => events.push(event));
    try {
      for (const isolation of ["serializable", "repeatable read", "read committed"] as const) {
        events.length = 0;
        await Account.objects.transaction(
          () => Account.objects.create({ id: events.length + 100 + isolation.length, balance: 1 }),
          {
            isolation,
          },
        );
        const opening = events.filter((e) => /^(BEGIN|START|SET TRANSACTION)/i.test(e.sql)).map((e) => e.sql);
        const level = isolation.toUpperCase();
        if (target.name === "postgres") assert.deepEqual(opening, [`BEGIN ISOLATION LEVEL ${level}`]);
        else if (target.name === "mysql") {
          assert.deepEqual(opening, [`SET TRANSACTION ISOLATION LEVEL ${level}`, "START TRANSACTION"]);
        } else assert.deepEqual(opening, ["BEGIN IMMEDIATE"], "SQLite is always serializable");
      }
    } finally {
      stop();
    }
    assert.equal(await Account.objects.count(), 3);
  });

  it("a deadlock between two transactions is a retryable SerializationError; retries commit both", {
    skip: !isServer(target),
  }, async () => {
    await Account.objects.bulkCreate([
      { id: 1, balance: 100 },
      { id: 2, balance: 100 },
    ]);
    /** Both transactions hold their first row before either asks for its second: a deadlock. */
    const deadlock = (options?: TransactionOptions) => {
      let arrived = 0;
      let release!: () => void;
      const bothHoldOne = new Promise<void>((resolve) => {
        release = resolve;
      });
      const attempts = [0, 0];
      const transfer = (index: number, first: number, second: number) =>
        Account.objects.transaction(async () => {
          attempts[index]++;
          const a = await Account.objects.get(first, { forUpdate: true });
          if (attempts[index] === 1) {
            if (++arrived === 2) release();
            await bothHoldOne;
          }
          const b = await Account.objects.get(second, { forUpdate: true });
          assert.ok(a !== null && b !== null);
          await Account.objects.updateWhere({ id: first }, { balance: a.balance - 1 });
          await Account.objects.updateWhere({ id: second }, { balance: b.balance + 1 });
        }, options);
      return Promise.allSettled([transfer(0, 1, 2), transfer(1, 2, 1)]);
    };
    const plain = await deadlock();
    const rejected = plain.filter((r) => r.status === "rejected");
    assert.equal(rejected.length, 1, "the database chose one victim");
    const error = (rejected[0] as PromiseRejectedResult).reason;
    assert.ok(error instanceof SerializationError, String(error));
    assert.equal(error.retryable, true);
    let conflicts = 0;
    const retried = await deadlock({ retries: 3, onRetry: () => conflicts++ });
    assert.deepEqual(
      retried.map((r) => r.status),
      ["fulfilled", "fulfilled"],
    );
    assert.equal(conflicts, 1);
    const balances = (await Account.objects.all()).map((a) => a.balance);
    assert.equal(balances[0] + balances[1], 200, "no transfer was applied twice or half");
  });
});
