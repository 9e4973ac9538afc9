/**
 * The replica router on drivers that record what they run (no server needed): which statements may
 * go to a replica, round-robin, a failing replica left out for its cool-down and its call rerun
 * elsewhere, `usePrimary` and `Model.objects.primary`, the read-your-writes window, and the
 * validation of the `replicas` option. The same router on real servers: test/cluster/.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Connection, Driver, Statement } from "../../src/db/dialect/dialect.js";
import {
  ConfigurationError,
  ConnectionError,
  DatabaseError,
  usePrimary,
  useReplicas,
} from "../../src/db/index.js";
import { replicaConfig } from "../../src/db/replicas/replica-options.js";
import { isReplicaRead, ReplicaRouter, ReplicaSet } from "../../src/db/replicas/replica-router.js";

/** A driver that records `<name>: <sql>` and can be made to fail. */
function recordingDriver(name: string, log: string[], fail?: () => unknown): Driver & { closed: number } {
  const statement = (sql: string): Statement => ({
    all: async () => {
      const error = fail?.();
      if (error !== undefined) throw error;
      log.push(`${name}: ${sql}`);
      return [{ node: name }];
    },
    run: async () => {
      log.push(`${name}: ${sql}`);
      return { changes: 1 };
    },
  });
  const driver = {
    closed: 0,
    prepare: statement,
    exec: async (sql: string) => {
      log.push(`${name}: ${sql}`);
    },
    acquire: async (): Promise<Connection> => ({
      prepare: statement,
      exec: async (sql: string) => {
        log.push(`${name} (tx): ${sql}`);
      },
      release: () => {},
    }),
    close: async () => {
      driver.closed++;
    },
  };
  return driver;
}

function setUp(options: { cooldownMs?: number; primaryAfterWriteMs?: number; failing?: Set<string> } = {}) {
  const log: string[] = [];
  const failing = options.failing ?? new Set<string>();
  const primary = recordingDriver("primary", log);
  const urls = ["postgres://r1/app", "postgres://r2/app"];
  const opened: string[] = [];
  const replicas = new ReplicaSet(
    replicaConfig("postgres://p/app", {
      urls,
      cooldownMs: options.cooldownMs,
      primaryAfterWriteMs: options.primaryAfterWriteMs,
    }),
    async (url) => {
      const name = url === urls[0] ? "r1" : "r2";
      opened.push(name);
      return recordingDriver(name, log, () =>
        failing.has(name) ? new ConnectionError(`${name} is down`) : undefined,
      );
    },
  );
  const router = new ReplicaRouter(primary, replicas, (driver) => driver);
  return { log, router, replicas, opened, failing };
}

const SELECT = 'SELECT "id" FROM "t" WHERE "id" = $1';

describe("replica router", () => {
  it("sends plain reads to replicas; locking reads, catalog, variables and writes to the primary", () => {
    assert.equal(isReplicaRead(SELECT), true);
    assert.equal(isReplicaRead('  select count(*) AS "n" FROM "t"'), true);
    assert.equal(isReplicaRead(`${SELECT} FOR UPDATE`), false);
    assert.equal(isReplicaRead(`${SELECT} FOR SHARE`), false);
    assert.equal(isReplicaRead(`${SELECT} LOCK IN SHARE MODE`), false);
    assert.equal(isReplicaRead("SELECT 1 FROM information_schema.tables WHERE table_name = $1"), false);
    assert.equal(isReplicaRead("SELECT @@auto_increment_increment AS step"), false);
    assert.equal(
      isReplicaRead("SELECT i.indexrelid FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid"),
      false,
    );
    assert.equal(isReplicaRead("SELECT conname FROM pg_catalog.pg_constraint"), false);
    assert.equal(isReplicaRead("SELECT 'users'::regclass"), false);
    assert.equal(isReplicaRead('INSERT INTO "t" ("a") VALUES ($1) RETURNING "id"'), false);
    assert.equal(isReplicaRead('UPDATE "t" SET "a" = $1 RETURNING "id"'), false);
    assert.equal(isReplicaRead('DELETE FROM "t"'), false);
  });

  it("spreads reads round-robin over the replicas; writes, exec and transactions run on the primary", async () => {
    const { log, router } = setUp();
    for (let i = 0; i < 4; i++) await router.prepare(SELECT).all([i]);
    await router.prepare('INSERT INTO "t" VALUES ($1) RETURNING "id"').all([1]);
    await router.prepare('UPDATE "t" SET "a" = 1').run([]);
    await router.exec('CREATE TABLE "t" ("id" int)');
    const connection = await router.acquire();
    await connection.exec("BEGIN");
    await connection.prepare(SELECT).all([1]);
    connection.release();
    assert.deepEqual(
      log.map((line) => line.split(":")[0]),
      ["r1", "r2", "r1", "r2", "primary", "primary", "primary", "primary (tx)", "primary"],
    );
    assert.deepEqual(router.replicas.stats.replicaReads, { "replica:1": 2, "replica:2": 2 });
  });

  it("a replica that fails to answer is left out for its cool-down; its read runs on the next one", async () => {
    const failing = new Set(["r1"]);
    const { log, router, replicas, opened } = setUp({ cooldownMs: 60_000, failing });
    for (let i = 0; i < 4; i++) assert.deepEqual(await router.prepare(SELECT).all([i]), [{ node: "r2" }]);
    assert.equal(replicas.stats.failures, 1, "left out once, not tried again during the cool-down");
    assert.deepEqual(opened, ["r1", "r2"]);
    failing.add("r2");
    assert.deepEqual(await router.prepare(SELECT).all([5]), [{ node: "primary" }], "none left: the primary");
    assert.equal(replicas.stats.fallbacks, 1);
    assert.ok(log.every((line) => !line.startsWith("r1")));
  });

  it("tries a replica again after its cool-down, on a freshly opened pool", async () => {
    const failing = new Set(["r1", "r2"]);
    const { router, opened } = setUp({ cooldownMs: 30, failing });
    assert.deepEqual(await router.prepare(SELECT).all([1]), [{ node: "primary" }]);
    failing.clear();
    await new Promise((resolve) => setTimeout(resolve, 40));
    const nodes = [await router.prepare(SELECT).all([1]), await router.prepare(SELECT).all([1])];
    assert.deepEqual(nodes.map((rows) => rows[0].node).sort(), ["r1", "r2"]);
    assert.deepEqual(opened.slice(0, 2), ["r1", "r2"]);
    assert.deepEqual(opened.slice(2).sort(), ["r1", "r2"], "both opened again");
  });

  it("other errors of a replica reach the caller unchanged (a bad query is not a dead replica)", async () => {
    const log: string[] = [];
    const replicas = new ReplicaSet(replicaConfig("postgres://p/app", ["postgres://r1/app"]), async () =>
      recordingDriver("r1", log, () => new DatabaseError("syntax error")),
    );
    const router = new ReplicaRouter(recordingDriver("primary", log), replicas, (driver) => driver);
    await assert.rejects(Promise.resolve(router.prepare(SELECT).all([])), DatabaseError);
    assert.equal(replicas.stats.failures, 0);
  });

  it("a read a replica cancelled for a replay conflict runs again on the primary", async () => {
    const log: string[] = [];
    const conflict = Object.assign(new Error("canceling statement due to conflict with recovery"), {
      code: "40001",
    });
    const replicas = new ReplicaSet(
      replicaConfig("postgres://p/app", ["postgres://r1/app"]),
      async () => recordingDriver("r1", log, () => conflict),
      (error) => (error as { code?: string }).code === "40001",
    );
    const router = new ReplicaRouter(recordingDriver("primary", log), replicas, (driver) => driver);
    assert.deepEqual(await router.prepare(SELECT).all([]), [{ node: "primary" }]);
    assert.equal(replicas.stats.failures, 0, "the replica is not left out: it is alive");
    assert.equal(replicas.stats.fallbacks, 1);
  });

  it("usePrimary() sends the reads of its scope, at any async depth, to the primary", async () => {
    const { log, router } = setUp();
    await usePrimary(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      await router.prepare(SELECT).all([1]);
    });
    await router.prepare(SELECT).all([1]);
    assert.deepEqual(
      log.map((line) => line.split(":")[0]),
      ["primary", "r1"],
    );
  });

  it("primaryAfterWriteMs: reads go to the primary for that long after a write", async () => {
    const { log, router } = setUp({ primaryAfterWriteMs: 40 });
    await router.prepare(SELECT).all([1]);
    await router.prepare('UPDATE "t" SET "a" = 1').run([]);
    await router.prepare(SELECT).all([1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await router.prepare(SELECT).all([1]);
    assert.deepEqual(
      log.map((line) => line.split(":")[0]),
      ["r1", "primary", "primary", "r2"],
    );
  });

  it("closing the router closes the primary and every opened replica", async () => {
    const { router } = setUp();
    await router.prepare(SELECT).all([1]);
    await router.close();
    assert.equal((router.primary as Driver & { closed: number }).closed, 1);
    assert.equal(router.replicas.closed, true);
  });
});

describe("the replicas option", () => {
  it("is validated with ConfigurationError before any connection", () => {
    const bad: [string, unknown][] = [
      ["app.db", ["postgres://r/app"]],
      ["postgres://p/app", ["mysql://r/app"]],
      ["postgres://p/app", ["postgres://p/app"]],
      ["postgres://p/app", ["postgres://r/app", "postgres://r/app"]],
      ["postgres://p/app", "postgres://r/app"],
      ["postgres://p/app", { urls: ["postgres://r/app"], cooldownMs: -1 }],
      ["postgres://p/app", { urls: ["postgres://r/app"], primaryAfterWriteMs: Number.NaN }],
    ];
    for (const [url, replicas] of bad) {
      assert.throws(
        () => replicaConfig(url, replicas as never),
        ConfigurationError,
        JSON.stringify(replicas),
      );
    }
    assert.deepEqual(replicaConfig("mysql://p/app", ["mariadb://r/app"]), {
      urls: ["mariadb://r/app"],
      cooldownMs: 5_000,
      primaryAfterWriteMs: 0,
    });
  });

  it("one database has one replica configuration", () => {
    useReplicas("postgres://127.0.0.1:1/replica_option_test", ["postgres://127.0.0.1:2/replica_option_test"]);
    useReplicas("postgres://127.0.0.1:1/replica_option_test", ["postgres://127.0.0.1:2/replica_option_test"]);
    assert.throws(
      () =>
        useReplicas("postgres://127.0.0.1:1/replica_option_test", [
          "postgres://127.0.0.1:3/replica_option_test",
        ]),
      ConfigurationError,
    );
    assert.throws(() => useReplicas(":memory:", ["postgres://127.0.0.1:3/x"]), ConfigurationError);
  });
});
