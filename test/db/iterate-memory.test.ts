// iterate() streams: walking 1,000,000 rows costs about the memory of walking 1,000.
//
// Each phase runs in its own child process (test/db/fixtures/iterate-memory.ts) so heaps and RSS do
// not mix: one child seeds the SQLite file with raw better-sqlite3 (fast, and its memory is not
// counted), another walks it with `iterate(undefined, { batchSize: 1000 })`, summing a field so every
// row is really hydrated, and samples RSS once per batch.
//
// Why the bound is meaningful: the control child loads the same 1,000,000 rows with `filter()` (one
// array of instances), which grows RSS by roughly 300+ MB on Node 20; a regression that buffers all
// rows (or keeps every batch alive) would exceed 100 MB the same way. The control's growth is
// asserted to exceed the bound, so a broken measurement (RSS never sampled, rows not consumed) cannot
// make the test pass vacuously.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const fixture = fileURLToPath(new URL("./fixtures/iterate-memory.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "registers-iterate-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const SMALL = 1_000;
const LARGE = 1_000_000;
const BOUND_MB = 100;

interface Walk {
  rows: number;
  sum: number;
  baselineMb: number;
  peakMb: number;
  growthMb: number;
  maxRssMb: number;
  ms: number;
}

async function child(mode: "seed" | "iterate" | "filter", file: string, rows: number): Promise<Walk> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", fixture, mode, file, String(rows)], {
    maxBuffer: 1024 * 1024,
  });
  return JSON.parse(stdout.trim().split("\n").pop() as string);
}

/** 0 + 1 + ... + 999, repeated: what the fixture's `value` column sums to over `n` rows. */
function expectedSum(n: number): number {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += i % 1000;
  return sum;
}

describe("iterate() memory", () => {
  it("walks 1,000,000 rows in about the memory of 1,000", { timeout: 180_000 }, async (t) => {
    const small = join(dir, "small.db");
    const large = join(dir, "large.db");
    await child("seed", small, SMALL);
    await child("seed", large, LARGE);

    const a = await child("iterate", small, SMALL);
    const b = await child("iterate", large, LARGE);
    const control = await child("filter", large, LARGE);
    const fmt = (w: Walk) =>
      `peak ${w.peakMb.toFixed(1)} MB (baseline ${w.baselineMb.toFixed(1)}, +${w.growthMb.toFixed(1)}), ${w.ms} ms`;
    t.diagnostic(`iterate ${SMALL.toLocaleString("en")} rows: ${fmt(a)}`);
    t.diagnostic(`iterate ${LARGE.toLocaleString("en")} rows: ${fmt(b)}`);
    t.diagnostic(`control filter() ${LARGE.toLocaleString("en")} rows: ${fmt(control)}`);

    assert.equal(a.rows, SMALL);
    assert.equal(b.rows, LARGE);
    assert.equal(a.sum, expectedSum(SMALL));
    assert.equal(b.sum, expectedSum(LARGE));
    assert.ok(
      b.peakMb - a.peakMb < BOUND_MB,
      `peak RSS iterating ${LARGE} rows (${b.peakMb.toFixed(1)} MB) exceeds the ${SMALL}-row peak (${a.peakMb.toFixed(1)} MB) by ${BOUND_MB} MB or more`,
    );
    assert.ok(b.growthMb < BOUND_MB, `RSS grew by ${b.growthMb.toFixed(1)} MB while iterating ${LARGE} rows`);
    // Sensitivity check (see the header): holding every row does exceed the bound.
    assert.equal(control.rows, LARGE);
    assert.ok(
      control.growthMb > BOUND_MB,
      `control: filter() of ${LARGE} rows grew RSS by only ${control.growthMb.toFixed(1)} MB; the measurement cannot tell streaming from buffering`,
    );
  });
});
