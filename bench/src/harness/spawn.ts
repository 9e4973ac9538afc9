// Child processes: libraries run in their own process so that no JIT state, cache or module is shared.
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { BENCH_DIR } from "./paths.ts";

export const TSX = ["--import", "tsx"];

/** Runs a TypeScript entry (via tsx) to completion, streaming its stderr (progress lines). */
export function runTs(entry: string, args: string[], options: { timeoutMs?: number } = {}): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TSX, entry, ...args], {
      cwd: BENCH_DIR,
      stdio: ["ignore", "inherit", "inherit"],
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 15 * 60_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve(code ?? 1);
    });
  });
}

/** Starts a long-running TypeScript entry and resolves when it prints `READY <port>`. */
export function startServer(entry: string, args: string[]): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...TSX, entry, ...args], {
      cwd: BENCH_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`server did not start in 60 s: ${err.slice(-500)}`));
    }, 60_000);
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /READY (\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    });
    child.stderr!.on("data", (chunk) => {
      err += chunk;
    });
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `server exited with code ${code}: ${err.trim().split("\n").slice(-5).join(" ").slice(0, 500)}`,
        ),
      );
    });
  });
}

export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill("SIGTERM");
  });
}

/** Wall time of one whole process (spawn to exit), in milliseconds, with its output. */
export function timeProcess(
  args: string[],
  cwd: string,
): { ms: number; stdout: string; stderr: string; status: number | null } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return { ms, stdout: r.stdout ?? "", stderr: r.stderr ?? "", status: r.status };
}
