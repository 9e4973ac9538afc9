// Crash safety on SQLite: a child process writes in a loop and is killed with SIGKILL at random
// moments, 20 times on the same file. Every write it acknowledged (printed after the Promise resolved)
// must survive, the file must pass `PRAGMA integrity_check`, 10-row transactions must be whole or
// absent, and the next process must open the file without error.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Database from "better-sqlite3";
import { testTempDir } from "../support/databases.js";

const writer = join(import.meta.dirname, "fixtures", "crash-writer.ts");
const KILLS = 20;
// A seeded generator: a failure names its seed, and REGISTERS_CRASH_SEED replays it.
const seed = Number(process.env.REGISTERS_CRASH_SEED ?? Date.now() % 100_000);
// REGISTERS_CRASH_PROVE_DETECTION=1 runs the writer's deliberately broken modes (acknowledging writes
// that never commit; 10 creates not enclosed in one transaction): both tests must then FAIL.
const prove = process.env.REGISTERS_CRASH_PROVE_DETECTION === "1";

function random(seedValue: number): () => number {
  let state = seedValue >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

interface KilledRun {
  /** Complete lines the child acknowledged (each one written after its write resolved). */
  readonly lines: string[];
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Spawns the writer and SIGKILLs it: usually a random 0-200 ms after it is ready (mid-write), and on
 * some runs at a random moment from spawn (during start-up, opening or WAL recovery).
 */
function killedRun(file: string, run: number, mode: string, rand: () => number): Promise<KilledRun> {
  return new Promise((resolve, reject) => {
    const acks = `${file}.acks-${run}`;
    const child = spawn(process.execPath, ["--import", "tsx", writer, file, String(run), mode, acks], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timer: NodeJS.Timeout | undefined;
    const kill = () => child.kill("SIGKILL");
    if (run % 7 === 3) timer = setTimeout(kill, 100 + Math.floor(rand() * 600));
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      if (timer === undefined && (stdout + chunk).includes("ready\n")) {
        timer = setTimeout(kill, Math.floor(rand() * 200));
      }
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (_code, signal) => {
      clearTimeout(timer);
      // Only complete lines count: a line cut by the kill acknowledges nothing.
      const text = existsSync(acks) ? readFileSync(acks, "utf8") : "";
      resolve({ lines: text.split("\n").slice(0, -1), signal, stderr });
    });
  });
}

/** Opens the file the way a fresh process would, and counts rows through registers. */
function countInNewProcess(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", writer, file, "0", "count"], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function integrity(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return (db.pragma("integrity_check") as Array<{ integrity_check: string }>)
      .map((r) => r.integrity_check)
      .join("; ");
  } finally {
    db.close();
  }
}

async function killRepeatedly(file: string, mode: string, rand: () => number): Promise<string[][]> {
  const acknowledged: string[][] = [];
  for (let run = 1; run <= KILLS; run++) {
    const result = await killedRun(file, run, mode, rand);
    assert.equal(
      result.signal,
      "SIGKILL",
      `run ${run} (seed ${seed}) ended by itself instead of being killed:\n${result.stderr}`,
    );
    acknowledged.push(result.lines);
  }
  return acknowledged;
}

async function assertReopens(file: string, expectedRows: number): Promise<void> {
  const next = await countInNewProcess(file);
  assert.equal(next.code, 0, `the next process failed to open the file:\n${next.stderr}`);
  assert.equal(next.stderr, "");
  assert.equal(Number(next.stdout.trim()), expectedRows);
}

describe(`SQLite survives ${KILLS} SIGKILLs on one file (seed ${seed})`, { concurrency: 2 }, () => {
  it("every acknowledged create is present with its payload; the file is intact", async (t) => {
    const file = join(testTempDir(), "crash-rows.db");
    const rand = random(seed);
    const runs = await killRepeatedly(file, prove ? "rows-uncommitted" : "rows", rand);

    assert.equal(integrity(file), "ok");
    const db = new Database(file, { readonly: true });
    const stored = new Map(
      (db.prepare("SELECT id, payload FROM crash_items").all() as Array<{ id: number; payload: string }>).map(
        (r) => [r.id, r.payload],
      ),
    );
    db.close();

    let acknowledged = 0;
    for (const [index, lines] of runs.entries()) {
      for (const line of lines) {
        const space = line.indexOf(" ");
        const id = Number(line.slice(0, space));
        const payload = line.slice(space + 1);
        assert.equal(
          stored.get(id),
          payload,
          `run ${index + 1}: acknowledged row ${id} is missing or altered`,
        );
        acknowledged++;
      }
    }
    // A killed create may have committed without being printed (at most one per run), never more.
    assert.ok(stored.size >= acknowledged);
    assert.ok(
      stored.size - acknowledged <= KILLS,
      `${stored.size} rows but ${acknowledged} acknowledged: rows appeared that no create wrote`,
    );
    assert.ok(acknowledged > 0, "no create was acknowledged before the kills: the test checked nothing");
    await assertReopens(file, stored.size);
    t.diagnostic(
      `figures: sqlite-file crash rows: ${KILLS} kills survived, ${acknowledged} acknowledged rows checked (${stored.size} stored)`,
    );
  });

  it("10-row transactions are whole or absent, and every acknowledged one is whole", async (t) => {
    const file = join(testTempDir(), "crash-tx.db");
    const rand = random(seed + 1);
    const runs = await killRepeatedly(file, prove ? "tx-unenclosed" : "tx", rand);

    assert.equal(integrity(file), "ok");
    const db = new Database(file, { readonly: true });
    const groups = new Map(
      (
        db.prepare("SELECT grp, COUNT(*) AS n FROM crash_items GROUP BY grp").all() as Array<{
          grp: string;
          n: number;
        }>
      ).map((r) => [r.grp, r.n]),
    );
    const total = (db.prepare("SELECT COUNT(*) AS n FROM crash_items").get() as { n: number }).n;
    db.close();

    for (const [grp, n] of groups) assert.equal(n, 10, `transaction ${grp} is half-applied: ${n} of 10 rows`);
    let acknowledged = 0;
    for (const lines of runs) {
      for (const grp of lines) {
        assert.equal(groups.get(grp), 10, `acknowledged transaction ${grp} is missing`);
        acknowledged++;
      }
    }
    assert.ok(groups.size - acknowledged <= KILLS, "transactions appeared that were never run");
    assert.ok(acknowledged > 0, "no transaction was acknowledged before the kills: the test checked nothing");
    await assertReopens(file, total);
    t.diagnostic(
      `figures: sqlite-file crash transactions: ${KILLS} kills survived, ${acknowledged} acknowledged transactions (${total} rows) checked`,
    );
  });
});
