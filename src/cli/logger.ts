// The logger of the logging middleware (`getLogger()`, `setLogger()`, `Logger`): quiet unless
// the run has --verbose or DEBUG names registers. May import run-context.ts only.
import { runContext } from "./run-context.js";

/**
 * Where the logging middleware writes. Replace it with `setLogger()` (pino, winston, console...).
 *
 * @example
 * ```ts
 * setLogger({ debug: (message) => console.log(message) });
 * ```
 */
export interface Logger {
  debug(message: string): void;
}

/** Quiet unless the run has `--verbose` or `DEBUG` names `registers` (or `*`); writes to the run's stderr. */
const defaultLogger: Logger = {
  debug(message) {
    const ctx = runContext.getStore();
    const debug = process.env.DEBUG ?? "";
    if (!ctx?.verbose && !/(^|[\s,])(registers|\*)([\s,]|$)/.test(debug)) return;
    (ctx?.stderr ?? process.stderr).write(`[registers] ${message}\n`);
  },
};

let current: Logger = defaultLogger;

/**
 * Replaces the logger of `loggingMiddlewarePre` / `loggingMiddlewarePost`; no argument restores the
 * default (quiet unless `--verbose` or `DEBUG=registers`).
 *
 * @example
 * ```ts
 * setLogger({ debug: (m) => myLogger.info(m) });
 * ```
 */
export function setLogger(logger?: Logger): void {
  current = logger ?? defaultLogger;
}

/**
 * The logger in use.
 *
 * @example
 * ```ts
 * getLogger().debug("starting");
 * ```
 */
export function getLogger(): Logger {
  return current;
}
