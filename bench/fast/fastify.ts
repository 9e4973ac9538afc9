// Fast mode, suite `fastify` (`npm run bench -- --fast --only=fastify`, alias `npm run bench:fastify`):
// requests per second of `GET /users/:id` through registers' `crudRoutes` against a hand-written
// Fastify route calling a raw better-sqlite3 prepared statement, side by side on one server (same
// process, same WAL database file of 10,000 rows). The client runs in a worker thread (keep-alive,
// BENCH_CONCURRENCY requests in flight, random ids); routes alternate for BENCH_ROUNDS rounds of
// BENCH_SECONDS each and the median req/s is reported with the ratio (target: at least 0.85x).
// Both routes validate the id; crudRoutes also validates the row with the model's Zod schema,
// returns an instance and serializes it through the record schema.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type BetterSqlite3 from "better-sqlite3";
import type FastifyModule from "fastify";
import { databaseRegistry, Model } from "../../src/db/index.js";
import { crudRoutes, registersPlugin } from "../../src/fastify/index.js";
import { envNumber } from "../src/harness/env.ts";
import { median } from "../src/harness/stats.ts";
import { markdownTable } from "../src/harness/table.ts";
import { rootImport } from "./_root.ts";

const Database = await rootImport<typeof BetterSqlite3>("better-sqlite3");
const Fastify = await rootImport<typeof FastifyModule>("fastify");
const { z } = await rootImport<typeof import("zod")>("zod");

const ROWS = 10_000;
const ROUNDS = envNumber("BENCH_ROUNDS", 5);
const SECONDS = envNumber("BENCH_SECONDS", 3);
const CONCURRENCY = envNumber("BENCH_CONCURRENCY", 16);

const dir = mkdtempSync(join(tmpdir(), "registers-bench-fastify-"));
const file = join(dir, "bench.db");

@databaseRegistry(file, { tableName: "users" })
class User extends Model({ id: z.int().nullable().default(null), name: z.string(), email: z.string() }) {}

const app = Fastify({ logger: false });
await app.register(registersPlugin, { models: [User] });
await app.register(crudRoutes(User, { prefix: "/users", only: ["get"] }));

await User.createSchema();
const raw = new Database(file);
raw.pragma("journal_mode = WAL");
const byId = raw.prepare("SELECT id, name, email FROM users WHERE id = ?");
app.get(
  "/raw/users/:id",
  { schema: { params: { type: "object", properties: { id: { type: "integer" } }, required: ["id"] } } },
  async function rawUser(request, reply) {
    const row = byId.get((request.params as { id: number }).id);
    if (row === undefined) return reply.code(404).send({ message: "not found" });
    return row;
  },
);

await app.ready();
const insert = raw.prepare("INSERT INTO users (name, email) VALUES (?, ?)");
raw.transaction(() => {
  for (let i = 0; i < ROWS; i++) insert.run(`user ${i}`, `user${i}@example.com`);
})();
await app.listen({ host: "127.0.0.1", port: 0 });
const { port } = app.server.address() as { port: number };

// The client: plain JS in a worker thread, so it does not share the server's event loop.
const client = `
const { parentPort, workerData } = require("node:worker_threads");
const http = require("node:http");
const agent = new http.Agent({ keepAlive: true, maxSockets: workerData.concurrency });
function once(path) {
  return new Promise((resolve) => {
    const req = http.get({ host: "127.0.0.1", port: workerData.port, path, agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode === 200));
    });
    req.on("error", () => resolve(false));
  });
}
parentPort.on("message", async ({ prefix, seconds }) => {
  let ok = 0, errors = 0;
  const deadline = Date.now() + seconds * 1000;
  const started = Date.now();
  await Promise.all(Array.from({ length: workerData.concurrency }, async () => {
    while (Date.now() < deadline) {
      const id = 1 + Math.floor(Math.random() * ${ROWS});
      if (await once(prefix + id)) ok++; else errors++;
    }
  }));
  parentPort.postMessage({ ok, errors, ms: Date.now() - started });
});
`;
const worker = new Worker(client, { eval: true, workerData: { port, concurrency: CONCURRENCY } });
const run = (prefix: string, seconds: number) =>
  new Promise<{ ok: number; errors: number; ms: number }>((resolve) => {
    worker.once("message", resolve);
    worker.postMessage({ prefix, seconds });
  });

await run("/users/", 1); // warm-up
await run("/raw/users/", 1);
const results: Record<string, number[]> = { crudRoutes: [], raw: [] };
let errors = 0;
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, prefix] of round % 2 === 0
    ? [
        ["crudRoutes", "/users/"],
        ["raw", "/raw/users/"],
      ]
    : [
        ["raw", "/raw/users/"],
        ["crudRoutes", "/users/"],
      ]) {
    const r = await run(prefix, SECONDS);
    errors += r.errors;
    results[name].push((r.ok / r.ms) * 1000);
  }
}
const registers = median(results.crudRoutes);
const handWritten = median(results.raw);
console.log(
  `GET /users/:id, ${ROWS} rows, ${CONCURRENCY} in flight, median of ${ROUNDS} rounds x ${SECONDS} s, errors: ${errors}\n`,
);
console.log(
  markdownTable(
    ["route", "req/s", "vs hand-written"],
    [
      ["hand-written Fastify + raw better-sqlite3 prepared get", String(Math.round(handWritten)), "1.00x"],
      [
        "registers crudRoutes (Model.objects.require)",
        String(Math.round(registers)),
        `${(registers / handWritten).toFixed(2)}x`,
      ],
    ],
    ["left", "right", "right"],
  ),
);

await worker.terminate();
await app.close();
raw.close();
rmSync(dir, { recursive: true, force: true });
