// The settings of the command being run (`runContext`: verbose, output format, stderr), set by
// `run()` and read by the default logger and the progress helper. A plain module variable rather
// than AsyncLocalStorage: a CLI process runs one command, and AsyncLocalStorage on Node 20 turns on
// promise hooks that slow every await of the handler. Internal: not exported from index.ts.
// May import types.ts only.
import type { OutputFormat } from "./types.js";

/** What `run()` records about the command it runs. */
export interface RunContext {
  verbose: boolean;
  output?: OutputFormat;
  stderr: { write(text: string): unknown; isTTY?: boolean };
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
