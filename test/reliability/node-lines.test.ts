// No registers process aborts at exit, on any SQLite binding this Node has: better-sqlite3 12 aborted
// Node 24 at exit in about 5 runs of 6 (a native assertion from `Statement::~Statement`), and 13 crashes
// Node 20, so the exit paths are run repeatedly in real child processes. The binding loader refuses
// those pairs up front (see sqlite-drivers.test.ts); this file checks the pairs it accepts. The
// children run the built dist/ (`npm test` builds it first).
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { testTempDir } from "../support/databases.js";

const child = fileURLToPath(new URL("./fixtures/exit-child.mjs", import.meta.url));
const [major, minor] = process.versions.node.split(".").map(Number);
const nodeSqliteHere = major >= 24 || (major === 22 && minor >= 13) || (major === 23 && minor >= 4);
const RUNS = Number(process.env.REGISTERS_EXIT_RUNS ?? 2);

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runChild(file: string, mode: string, driver: string): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [child, file, mode], {
      env: { ...process.env, REGISTERS_SQLITE_DRIVER: driver },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    proc.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    proc.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    proc.on("error", reject);
    proc.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

for (const driver of ["better-sqlite3", "node"]) {
  const skip =
    driver === "node" && !nodeSqliteHere ? `node:sqlite is not in Node ${process.versions.node}` : false;
  describe(`exit on Node ${process.versions.node} with ${driver}`, () => {
    for (const mode of ["natural", "exit", "disposed"]) {
      it(`${RUNS} processes that end ${mode === "natural" ? "on their own" : mode === "exit" ? "with process.exit(0)" : "after disposeAll()"} exit 0 with no native assertion`, {
        skip,
      }, async () => {
        for (let run = 0; run < RUNS; run++) {
          const file = join(testTempDir(), `exit-${driver}-${mode}-${run}.db`);
          // Two at a time: the machine has two cores, and a crash at exit is timing-dependent.
          const results = await Promise.all([
            runChild(file, mode, driver),
            runChild(`${file}2`, mode, driver),
          ]);
          for (const result of results) {
            const where = `run ${run}: exit ${result.code ?? result.signal}\n${result.stderr}`;
            assert.equal(result.signal, null, where);
            assert.equal(result.code, 0, where);
            assert.equal(result.stdout, `ok ${driver} 23\n`, where);
            assert.doesNotMatch(result.stderr, /Assertion failed|Segmentation|ExperimentalWarning/, where);
          }
        }
      });
    }
  });
}
