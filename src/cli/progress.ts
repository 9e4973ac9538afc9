// A progress bar for long-running commands (`progress()`), drawn on the running command's stderr
// when it is a TTY and the output is not JSON. May import run-context.ts only.
import { runContext } from "./run-context.js";

/** Options of `progress()`. */
export interface ProgressOptions {
  /** Number of steps, when known (enables the bar and the ETA). */
  total?: number;
  /** Text before the bar. */
  label?: string;
  /** Where to draw; default: the running command's stderr (or `process.stderr`). */
  stream?: { write(text: string): unknown; isTTY?: boolean; columns?: number };
}

/**
 * A progress display; every method is a no-op when it is not drawn.
 *
 * @example
 * ```ts
 * const bar: Progress = progress({ total: 3 });
 * bar.tick(); bar.update(3); bar.done();
 * ```
 */
export interface Progress {
  /** True when something is drawn (a TTY, and not `--output json`). */
  readonly active: boolean;
  /** Advances by `n` steps (default 1). */
  tick(n?: number): void;
  /** Sets the number of finished steps. */
  update(done: number): void;
  /** Finishes: draws the final state and ends the line. */
  done(): void;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const m = Math.floor(seconds / 60);
  return m < 60 ? `${m}m${Math.round(seconds % 60)}s` : `${Math.floor(m / 60)}h${m % 60}m`;
}

/**
 * A progress bar for long-running commands: count, rate and ETA, redrawn in place on a TTY at
 * most every 100 ms; draws nothing when the stream is piped or the command runs with `--output json`.
 *
 * @example
 * ```ts
 * cli.register({ name: "import", args: { file: String } }, async ({ file }) => {
 *   const rows = await readRows(file);
 *   const bar = progress({ total: rows.length, label: "importing" });
 *   for (const row of rows) { await save(row); bar.tick(); }
 *   bar.done();
 * });
 * ```
 */
export function progress(options: ProgressOptions = {}): Progress {
  const ctx = runContext.getStore();
  const stream = options.stream ?? ctx?.stderr ?? process.stderr;
  const active = stream.isTTY === true && ctx?.output !== "json";
  const started = performance.now();
  const total = options.total;
  let count = 0;
  let lastDraw = 0;
  let finished = false;

  const draw = (force: boolean) => {
    const now = performance.now();
    if (!active || (!force && now - lastDraw < 100)) return;
    lastDraw = now;
    const seconds = (now - started) / 1000;
    const rate = seconds > 0 ? count / seconds : 0;
    const parts: string[] = [];
    if (options.label) parts.push(options.label);
    if (total !== undefined && total > 0) {
      const ratio = Math.min(1, count / total);
      const width = 24;
      const full = Math.round(ratio * width);
      parts.push(`[${"#".repeat(full)}${"-".repeat(width - full)}]`, `${count}/${total}`);
      parts.push(`${rate.toFixed(1)}/s`, `ETA ${duration(rate > 0 ? (total - count) / rate : Number.NaN)}`);
    } else parts.push(`${count}`, `${rate.toFixed(1)}/s`);
    stream.write(`\r\x1b[2K${parts.join(" ")}`);
  };

  return {
    active,
    tick(n = 1) {
      if (finished) return;
      count += n;
      draw(false);
    },
    update(done) {
      if (finished) return;
      count = done;
      draw(false);
    },
    done() {
      if (finished) return;
      finished = true;
      draw(true);
      if (active) stream.write("\n");
    },
  };
}
