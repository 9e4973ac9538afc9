// Resource bounds on the servers: the `statementTimeout` URL option stops a statement that runs too
// long (here: one waiting on a table lock held by an admin connection) with the typed
// `StatementTimeoutError`, on every pooled connection, inside transactions too, and the model keeps
// working afterwards.
import assert from "node:assert/strict";
import { after, before, beforeEach, it } from "node:test";
import { z } from "zod";
import { databaseRegistry, Model, StatementTimeoutError } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";
import { type AdminConnection, openAdmin } from "./fixtures/admin.js";

const TIMEOUT_MS = 400;
const POOL = 3;

eachDatabase("statementTimeout", { only: ["postgres", "mysql"] }, (target) => {
  const parsed = new URL(target.url || "postgres://unset");
  parsed.searchParams.set("statementTimeout", String(TIMEOUT_MS));
  parsed.searchParams.set("poolSize", String(POOL));
  const Job = databaseRegistry(parsed.toString(), { tableName: "rel_timeout_jobs" })(
    class Job extends Model({ id: z.int().nullable().default(null), name: z.string() }) {},
  );
  let admin: AdminConnection;

  before(async () => {
    admin = await openAdmin(target.name as "postgres" | "mysql", target.url);
  });
  after(async () => {
    await admin?.close();
  });
  freshTables(Job);
  beforeEach(async () => {
    await Job.objects.create({ name: "a" });
  });

  it("a statement over the limit fails with StatementTimeoutError on every pooled connection", async () => {
    await admin.lockTable("rel_timeout_jobs");
    const started = performance.now();
    let outcomes: PromiseSettledResult<unknown>[];
    try {
      // As many concurrent statements as pooled connections: each connection must carry the limit.
      outcomes = await Promise.allSettled([
        Job.objects.filter({ name: "a" }),
        Job.objects.count(),
        Job.objects.transaction(() => Job.objects.get(1)),
      ]);
    } finally {
      await admin.unlock();
    }
    const ms = performance.now() - started;
    for (const outcome of outcomes) {
      assert.equal(outcome.status, "rejected");
      const error = (outcome as PromiseRejectedResult).reason;
      assert.ok(error instanceof StatementTimeoutError, `expected StatementTimeoutError, got ${error}`);
      assert.equal(error.code, "REGISTERS_STATEMENT_TIMEOUT");
    }
    assert.ok(ms >= TIMEOUT_MS * 0.9 && ms < TIMEOUT_MS + 3000, `timed out after ${ms} ms`);
    // The connections stay usable.
    assert.equal(await Job.objects.count(), 1);
    assert.equal((await Job.objects.transaction(() => Job.objects.filter({ name: "a" }))).length, 1);
  });

  it("statements under the limit are unaffected", async () => {
    for (let i = 0; i < 20; i++) await Job.objects.create({ name: `n${i}` });
    assert.equal(await Job.objects.count(), 21);
  });
});
