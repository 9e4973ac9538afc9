/**
 * Process helpers for the test clusters: run a command (optionally as another OS user) and fail
 * with its output, wait for a condition, and find or kill the processes of one data directory.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";

/** Options of `run`. */
export interface RunOptions {
  /** Run as this OS user (through `runuser`, the cluster scripts run as root). */
  readonly user?: string;
  /** Return `null` instead of throwing when the command fails. */
  readonly allowFailure?: boolean;
  readonly input?: string;
}

/**
 * Runs a command to completion and returns its stdout; throws with its stderr when it fails.
 *
 * @example
 * ```ts
 * run("psql", ["-h", "127.0.0.1", "-U", "postgres", "-tAc", "SELECT 1"]); // "1\n"
 * ```
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): string | null {
  const [cmd, argv] =
    options.user === undefined ? [command, args] : ["runuser", ["-u", options.user, "--", command, ...args]];
  try {
    return execFileSync(cmd, argv, {
      encoding: "utf8",
      stdio: ["pipe", "pipe", "pipe"],
      input: options.input,
      timeout: 300_000,
    });
  } catch (error) {
    if (options.allowFailure) return null;
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${command} ${args.join(" ")} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

/**
 * Starts a long-running process detached from this one (its own session), output to `log`.
 *
 * @example
 * ```ts
 * const pid = startDetached("mariadbd", ["--defaults-file=/tmp/n1.cnf"], "/tmp/n1.log");
 * ```
 */
export function startDetached(command: string, args: readonly string[], log: string): number {
  const child = spawn("sh", ["-c", `exec "$0" "$@" >>"${log}" 2>&1`, command, ...args], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return child.pid;
}

/**
 * Polls `check` every 200 ms until it returns true; throws `what` after `timeoutMs`.
 *
 * @example
 * ```ts
 * await waitFor("the replica", () => isReady(5433), 60_000);
 * ```
 */
export async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** PIDs of running processes whose command line contains `needle` (never this process). */
export function processesWith(needle: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, "utf8").replaceAll("\0", " ");
      if (cmdline.includes(needle) && !isZombie(Number(entry))) out.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return true;
  }
}

/** The children (direct) of `pid`. */
export function childrenOf(pid: number): number[] {
  const path = `/proc/${pid}/task/${pid}/children`;
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
}

/** Sends SIGKILL to each pid (ignoring those already gone). */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Whether a process with this pid is alive (and not a zombie). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !isZombie(pid);
  } catch {
    return false;
  }
}
