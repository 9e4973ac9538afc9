// Connection faults on the servers: the server-side connection is killed while a model query is in
// flight (it waits on a table lock held by an admin connection, so it is reliably mid-query), and
// servers that refuse or never answer at start. Every failure must be the typed `ConnectionError`
// (naming host and port, never the password), the pool must replace the dead connection so the next
// call succeeds, and nothing may hang past the connect timeout.
import assert from "node:assert/strict";
import { once } from "node:events";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, beforeEach, it } from "node:test";
import { z } from "zod";
import { ConnectionError, databaseRegistry, Model } from "../../src/db/index.js";
import { eachDatabase, freshTables } from "../support/each-database.js";
import { type AdminConnection, openAdmin } from "./fixtures/admin.js";

const SECRET = "pw-never-shown-7f3a";

/** The target's URL with this file's own small pool and connect timeout. */
function withOptions(url: string, options: Record<string, string>): string {
  const parsed = new URL(url);
  for (const [k, v] of Object.entries(options)) parsed.searchParams.set(k, v);
  return parsed.toString();
}

/** The same server URL pointing at another host:port, with a password that must never be shown. */
function elsewhere(url: string, host: string, port: number, connectTimeout: number): string {
  const parsed = new URL(url);
  parsed.hostname = host;
  parsed.port = String(port);
  parsed.password = SECRET;
  parsed.search = "";
  parsed.searchParams.set("connectTimeout", String(connectTimeout));
  return parsed.toString();
}

function assertNoSecret(error: ConnectionError): void {
  const seen = [error.message, String(error.stack), String(error.cause), JSON.stringify(error.cause ?? {})];
  for (const text of seen) assert.ok(!text.includes(SECRET), `the password leaked: ${text}`);
}

async function timed<T>(work: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const started = performance.now();
  try {
    await work;
    return { ms: performance.now() - started, error: undefined };
  } catch (error) {
    return { ms: performance.now() - started, error };
  }
}

eachDatabase("connection faults", { only: ["postgres", "mysql"] }, (target) => {
  const url = withOptions(target.url, { poolSize: "2", connectTimeout: "3000" });
  const Item = databaseRegistry(url, { tableName: "rel_fault_items" })(
    class Item extends Model({ id: z.int().nullable().default(null), name: z.string() }) {},
  );
  let admin: AdminConnection;

  before(async () => {
    admin = await openAdmin(target.name as "postgres" | "mysql", target.url);
  });
  after(async () => {
    await admin?.close();
  });
  freshTables(Item);
  beforeEach(async () => {
    await Item.objects.create({ name: "a" });
  });

  /** Runs `query` while the table is locked, kills the server session running it, returns its outcome. */
  const killMidQuery = async (query: () => Promise<unknown>) => {
    await admin.lockTable("rel_fault_items");
    let outcome: { ms: number; error: unknown } | undefined;
    try {
      let finished = false;
      const pending = timed(query()).finally(() => {
        finished = true;
      });
      const session = await admin.waitForBlockedSession("rel_fault_items", () => finished);
      if (session === undefined) {
        const early = await pending;
        assert.fail(`the query finished without waiting for the lock: ${String(early.error ?? "ok")}`);
      }
      await admin.kill(session);
      outcome = await pending;
    } finally {
      await admin.unlock();
    }
    return outcome;
  };

  it("a session killed mid-query fails with ConnectionError; the next call succeeds", async (t) => {
    let survived = 0;
    for (const [name, query] of [
      ["filter", () => Item.objects.filter({ name: "a" })],
      ["count", () => Item.objects.count()],
      ["create", () => Item.objects.create({ name: "b" })],
      ["updateWhere", () => Item.objects.updateWhere({ name: "a" }, { name: "c" })],
    ] as const) {
      const { error } = await killMidQuery(query);
      assert.ok(error instanceof ConnectionError, `${name}: expected ConnectionError, got ${error}`);
      assert.equal(error.code, "REGISTERS_CONNECTION");
      // The pool replaced the dead connection: the next calls succeed (more than the pool size).
      for (let i = 0; i < 3; i++) assert.ok((await Item.objects.count()) >= 1);
      survived++;
    }
    t.diagnostic(
      `figures: ${target.name} connection faults: ${survived} mid-query kills, each followed by a successful call`,
    );
  });

  it("a session killed inside transaction() fails with ConnectionError and frees its connection", async () => {
    await admin.lockTable("rel_fault_items");
    let error: unknown;
    try {
      let finished = false;
      const pending = timed(
        Item.objects.transaction(async () => {
          await Item.objects.filter({ name: "a" });
        }),
      ).finally(() => {
        finished = true;
      });
      const session = await admin.waitForBlockedSession("rel_fault_items", () => finished);
      if (session === undefined) assert.fail(`finished without waiting: ${String((await pending).error)}`);
      await admin.kill(session);
      error = (await pending).error;
    } finally {
      await admin.unlock();
    }
    assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${error}`);
    // Both pooled connections are usable again: two transactions that each hold one at once.
    let inside = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const holders = [1, 2].map(() =>
      Item.objects.transaction(async () => {
        await Item.objects.count();
        if (++inside === 2) release();
        await gate;
      }),
    );
    const stuck = setTimeout(() => release(), 4000);
    await Promise.all(holders);
    clearTimeout(stuck);
    assert.equal(inside, 2);
  });

  it("a refused server at start gives ConnectionError at once, naming host:port, never the password", async () => {
    const Refused = databaseRegistry(elsewhere(target.url, "127.0.0.1", 1, 2000), {
      tableName: "rel_fault_refused",
    })(class Refused extends Model({ id: z.int().nullable().default(null), name: z.string() }) {});
    const { ms, error } = await timed(Refused.objects.count());
    assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${error}`);
    assert.match(error.message, /127\.0\.0\.1:1\b/);
    assertNoSecret(error);
    assert.ok(ms < 2000 + 1500, `took ${ms} ms`);
    // Still typed (and still quick) on the next call: nothing cached a half-open engine.
    const again = await timed(Refused.objects.filter({ name: "x" }));
    assert.ok(again.error instanceof ConnectionError);
  });

  it("a server that accepts TCP but never answers gives ConnectionError within connectTimeout", async () => {
    const sockets = new Set<Socket>();
    const silent: Server = createServer((socket) => {
      sockets.add(socket);
      socket.on("error", () => {});
    });
    silent.listen(0, "127.0.0.1");
    await once(silent, "listening");
    const port = (silent.address() as { port: number }).port;
    try {
      const Silent = databaseRegistry(elsewhere(target.url, "127.0.0.1", port, 1000), {
        tableName: "rel_fault_silent",
      })(class Silent extends Model({ id: z.int().nullable().default(null), name: z.string() }) {});
      const { ms, error } = await timed(Silent.objects.get(1));
      assert.ok(error instanceof ConnectionError, `expected ConnectionError, got ${error}`);
      assertNoSecret(error);
      assert.ok(ms >= 900, `gave up before the connect timeout (${ms} ms)`);
      assert.ok(ms < 1000 + 2000, `hung past the connect timeout: ${ms} ms`);
      await Silent.objects.dispose();
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});
