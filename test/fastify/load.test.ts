// A short load check of the shop over loopback: concurrent GET and POST for LOAD_SECONDS (default 3;
// `LOAD_SECONDS=10 node scripts/test.mjs --no-build fastify/load` for the 10 s run), zero errors
// allowed. The server runs in its own process, as in production, and must stop cleanly on SIGTERM.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";

const seconds = Number(process.env.LOAD_SECONDS ?? 3);
const concurrency = Number(process.env.LOAD_CONCURRENCY ?? 32);

it(`the shop serves ${seconds} s of concurrent GET and POST with zero errors`, {
  timeout: (seconds + 30) * 1000,
}, async () => {
  const dir = mkdtempSync(join(tmpdir(), "registers-load-"));
  const child = spawn(process.execPath, ["--import", "tsx", "examples/shop/server.ts"], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      SHOP_DB: join(dir, "shop.db"),
      LOG_LEVEL: "warn",
      DATABASE_URL: "",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk) => {
    output += chunk;
  });
  child.stderr.on("data", (chunk) => {
    output += chunk;
  });
  try {
    const base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server did not start: ${output}`)), 20_000);
      child.stdout.on("data", () => {
        const m = /listening on (http:\/\/\S+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${output}`)));
    });

    const seed = await fetch(`${base}/products`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "Seed", price: 1 }),
    });
    const seedId = ((await seed.json()) as { id: number }).id;

    const counts = { get: 0, post: 0, errors: 0 };
    const latencies: number[] = [];
    const deadline = Date.now() + seconds * 1000;
    const worker = async (w: number) => {
      for (let i = 0; Date.now() < deadline; i++) {
        const post = i % 4 === 0;
        const started = performance.now();
        try {
          const response = post
            ? await fetch(`${base}/products`, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ name: `p${w}-${i}`, price: i, stock: w }),
              })
            : await fetch(`${base}/products/${seedId}`);
          await response.arrayBuffer();
          if (response.status !== (post ? 201 : 200)) counts.errors++;
          else if (post) counts.post++;
          else counts.get++;
        } catch {
          counts.errors++;
        }
        latencies.push(performance.now() - started);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    latencies.sort((a, b) => a - b);
    const total = counts.get + counts.post;
    const p = (q: number) =>
      latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(2);
    console.log(
      `load: ${seconds} s, ${concurrency} connections: ${total} requests (${counts.get} GET, ${counts.post} POST), ` +
        `${Math.round(total / seconds)} req/s, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, errors ${counts.errors}`,
    );
    assert.equal(counts.errors, 0);
    assert.ok(counts.post > 0 && counts.get > 0);
    const count = await fetch(`${base}/products?limit=1&orderBy=-id`);
    const [last] = (await count.json()) as Array<{ id: number }>;
    assert.equal(last.id, counts.post + 1, "every POST was stored, none twice");
  } finally {
    const exited =
      child.exitCode !== null
        ? Promise.resolve(child.exitCode)
        : new Promise<number | null>((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const code = await exited;
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, output);
    assert.match(output, /database engines closed/);
  }
});
