// Shared helpers of the CLI tests: run a registry with captured streams.
import type { CommandRegistry, RunOptions } from "../../src/cli/index.js";

export interface Captured {
  stdout: string;
  stderr: string;
  code: number | undefined;
  result: unknown;
}

/** Runs `cli` on `argv` with in-memory streams and returns what it printed and the exit code. */
export async function runCaptured(
  cli: CommandRegistry,
  argv: string[],
  options: Omit<RunOptions, "stdout" | "stderr" | "exit"> & { tty?: boolean } = {},
): Promise<Captured> {
  const out: Captured = { stdout: "", stderr: "", code: undefined, result: undefined };
  const { tty, ...rest } = options;
  out.result = await cli.run(argv, {
    env: {},
    ...rest,
    stdout: { write: (s: string) => (out.stdout += s), isTTY: tty },
    stderr: { write: (s: string) => (out.stderr += s), isTTY: tty },
    exit: (code) => {
      if (out.code !== undefined) throw new Error(`exit called twice (${out.code}, ${code})`);
      out.code = code;
    },
  });
  return out;
}
