// @internal Per-run settings read by the default logger and the progress helper.
import { AsyncLocalStorage } from "node:async_hooks";
import type { OutputFormat } from "./parse-args.js";

export interface RunContext {
  verbose: boolean;
  output?: OutputFormat;
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

export const runContext = new AsyncLocalStorage<RunContext>();
