import assert from "node:assert/strict";
import { beforeEach, it } from "node:test";
import { z } from "zod";
import {
  databaseRegistry,
  type ManagerOf,
  Model,
  type QueryEvent,
  UniqueConstraintError,
} from "../../src/db/index.js";
import { subscribeQueries } from "../../src/db/query-log.js";
import { eachDatabase, freshTables } from "../support/each-database.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

eachDatabase("onQuery", (target) => {
  @databaseRegistry(target.url, { tableName: "oq_users", uniqueFields: ["email"] })
  class User extends Model({
    id: z.int().nullable().default(null),
    email: z.string(),
    age: z.int().nullable().default(null),
  }) {
    declare static readonly objects: ManagerOf<typeof User>;
  }

  @databaseRegistry(target.url, { tableName: "oq_notes" })
  class Note extends Model({ id: z.int().nullable().default(null), body: z.string() }) {
    declare static readonly objects: ManagerOf<typeof Note>;
  }

  freshTables(User, Note);
  beforeEach(async () => {
    for (const model of [User, Note]) await model.objects.count();
  });

  it("events carry sql, params and durationMs", async () => {
    const events: QueryEvent[] = [];
    const stop = User.objects.onQuery((event) => events.push(event));
    await User.objects.create({ email: "a@example.com", age: 30 });
    const found = await User.objects.filter({ age: { gte: 18 } });
    stop();
    assert.equal(found.length, 1);
    assert.equal(events.length, 2, events.map((e) => e.sql).join("\n"));
    const [insert, select] = events;
    assert.match(insert.sql, /^INSERT INTO/i);
    assert.ok(insert.params.includes("a@example.com"));
    assert.match(select.sql, /^SELECT .* FROM .*oq_users.* WHERE/is);
    assert.deepEqual(select.params, [18]);
    for (const event of events) {
      assert.equal(typeof event.durationMs, "number");
      assert.ok(event.durationMs >= 0 && Number.isFinite(event.durationMs));
      assert.equal("error" in event, false);
    }
  });

  it("sees every model on the same database, and failures with their error", async () => {
    const events: QueryEvent[] = [];
    const stop = User.objects.onQuery((event) => events.push(event));
    await Note.objects.create({ body: "hello" });
    await User.objects.create({ email: "dup@example.com" });
    await assert.rejects(User.objects.create({ email: "dup@example.com" }), UniqueConstraintError);
    stop();
    assert.ok(events[0].sql.includes("oq_notes"));
    const failed = events.at(-1) as QueryEvent;
    assert.match(failed.sql, /^INSERT INTO/i);
    assert.ok("error" in failed && failed.error !== undefined);
    assert.ok(!(failed.error instanceof UniqueConstraintError), "the driver's own error, before mapping");
    assert.equal(events.filter((e) => "error" in e).length, 1);
  });

  it("transaction statements appear: BEGIN, the statements, SAVEPOINT, COMMIT", async () => {
    const events: QueryEvent[] = [];
    const stop = Note.objects.onQuery((event) => events.push(event));
    await User.objects.transaction(async () => {
      await User.objects.create({ email: "t@example.com" });
      await Note.objects.transaction(async () => {
        await Note.objects.create({ body: "inner" });
      });
    });
    await assert.rejects(
      User.objects.transaction(async () => {
        await User.objects.create({ email: "u@example.com" });
        throw new Error("roll back");
      }),
      /roll back/,
    );
    stop();
    const sql = events.map((e) => e.sql);
    assert.match(sql[0], /^(BEGIN|START TRANSACTION)/i);
    assert.match(sql[1], /^INSERT INTO .*oq_users/i);
    assert.match(sql[2], /^SAVEPOINT/i);
    assert.match(sql[3], /^INSERT INTO .*oq_notes/i);
    assert.match(sql[4], /^RELEASE/i);
    assert.equal(sql[5], "COMMIT");
    assert.match(sql[6], /^(BEGIN|START TRANSACTION)/i);
    assert.match(sql[7], /^INSERT INTO .*oq_users/i);
    assert.equal(sql[8], "ROLLBACK");
    assert.equal(sql.length, 9);
    assert.equal(await User.objects.count(), 1);
  });

  it("unsubscribe stops events, is idempotent, and leaves other listeners subscribed", async () => {
    const a: string[] = [];
    const b: string[] = [];
    const stopA = User.objects.onQuery((e) => a.push(e.sql));
    const stopB = Note.objects.onQuery((e) => b.push(e.sql));
    await User.objects.count();
    stopA();
    stopA();
    await User.objects.count();
    assert.equal(a.length, 1);
    assert.equal(b.length, 2);
    stopB();
    await User.objects.count();
    await User.objects.transaction(() => User.objects.count());
    assert.equal(a.length, 1);
    assert.equal(b.length, 2);
    // The same function subscribed twice is two subscriptions.
    const twice: string[] = [];
    const listener = (e: QueryEvent) => twice.push(e.sql);
    const stop1 = User.objects.onQuery(listener);
    const stop2 = User.objects.onQuery(listener);
    await User.objects.count();
    stop1();
    await User.objects.count();
    stop2();
    await User.objects.count();
    assert.equal(twice.length, 3);
  });

  it("costs nothing once nobody listens: the engine's own driver and statements are back", async () => {
    const engine = User.objects.engine;
    await User.objects.count();
    const raw = engine.driver;
    assert.ok(raw !== null);
    const rawStatement = raw.prepare("SELECT 1 AS one");
    const stop = User.objects.onQuery(() => {});
    assert.notEqual(engine.driver, raw, "instrumented while listening");
    const wrapped = engine.driver?.prepare("SELECT 1 AS one");
    assert.equal(engine.driver?.prepare("SELECT 1 AS one"), wrapped, "wrappers are cached per statement");
    stop();
    assert.equal(engine.driver, raw);
    assert.equal(engine.driver?.prepare("SELECT 1 AS one"), rawStatement);
  });

  it("a synchronous driver stays synchronous while instrumented", async () => {
    await User.objects.count();
    const stop = User.objects.onQuery(() => {});
    const driver = User.objects.engine.driver;
    assert.ok(driver !== null);
    const rows = driver.prepare("SELECT 1 AS one").all([]);
    if (target.name.startsWith("sqlite")) assert.ok(Array.isArray(rows));
    else assert.ok(rows instanceof Promise);
    await rows;
    stop();
  });

  it("subscribing before the engine opens, and across close/reopen, still sees statements", async () => {
    const engine = User.objects.engine;
    await engine.close();
    assert.equal(engine.driver, null);
    const events: string[] = [];
    const stop = subscribeQueries(engine, (e) => events.push(e.sql));
    await User.createSchema();
    await User.objects.create({ email: "x@example.com" });
    assert.ok(events.some((sql) => /^INSERT INTO .*oq_users/i.test(sql)));
    await engine.close();
    events.length = 0;
    await User.createSchema();
    await User.objects.count();
    assert.ok(events.some((sql) => /COUNT/i.test(sql)));
    stop();
    events.length = 0;
    await User.objects.count();
    assert.deepEqual(events, []);
    await Note.createSchema();
  });

  it("a listener that throws never breaks the query; others still receive events; warned once", async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on("warning", onWarning);
    try {
      const seen: string[] = [];
      const stopBad = User.objects.onQuery(() => {
        throw new Error("listener bug");
      });
      const stopGood = User.objects.onQuery((e) => seen.push(e.sql));
      await User.objects.create({ email: "ok@example.com" });
      assert.equal((await User.objects.all()).length, 1);
      await User.objects.transaction(() => User.objects.count());
      stopBad();
      stopGood();
      assert.ok(seen.length >= 5);
      await tick();
      const ours = warnings.filter((w) => /onQuery listener threw/.test(w.message));
      assert.equal(ours.length, 1);
      assert.match(ours[0].message, /listener bug/);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it("statements a listener runs synchronously are not reported (no recursion)", async () => {
    let calls = 0;
    let nested: unknown;
    const stop = User.objects.onQuery(() => {
      calls++;
      if (calls === 1) nested = User.objects.engine.driver?.prepare("SELECT 1 AS one").all([]);
    });
    await User.objects.count();
    await nested;
    await tick();
    stop();
    // SQLite runs the listener's statement synchronously, inside the listener: not reported.
    // Server drivers finish it later, outside the listener: reported like any other.
    assert.equal(calls, target.name.startsWith("sqlite") ? 1 : 2);
  });

  it("onQuery rejects a non-function", () => {
    assert.throws(() => User.objects.onQuery(null as never), TypeError);
  });
});
