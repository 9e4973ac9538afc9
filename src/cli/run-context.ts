// The settings of the command being run (`runContext`: verbose, output format, stderr, whether a
// terminal is attached, and how to run another command line with the same options), set by
// `run()` and read by the default logger, the progress helper and the shell. A plain module variable rather
// than AsyncLocalStorage: a CLI process runs one command, and AsyncLocalStorage on Node 20 turns on
// promise hooks that slow every await of the handler. Internal: not exported from index.ts.
// May import types.ts only.
import type { OutputFormat } from "./types.js";

/** What `run()` records about the command it runs. */
export interface RunContext {
  verbose: boolean;
  output?: OutputFormat;
  stderr: { write(text: string): unknown; isTTY?: boolean };
  /** `--quiet` was given. */
  quiet?: boolean;
  /** Both stdin and stdout are terminals (prompts and the shell may ask). */
  interactive?: boolean;
  /** Runs another command line with the options of this run; resolves to its exit code. */
  rerun?: (argv: readonly string[]) => Promise<number>;
}

let current: RunContext | undefined;

export const runContext = {
  getStore(): RunContext | undefined {
    return current;
  },
  async run<T>(context: RunContext, fn: () => Promise<T>): Promise<T> {
    const saved = current;
    current = context;
    try {
      return await fn();
    } finally {
      current = saved;
    }
  },
};
