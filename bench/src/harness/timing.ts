// Timing method: after a warm-up, operations run back to back in batches; each batch is timed
// with process.hrtime.bigint() and divided by its size (the batch mean), and the figure reported
// is the median of the batch means. Timing batches rather than single operations keeps the clock
// read (about 0.05 us) out of sub-microsecond figures; the median of batches discards the batches
// hit by a GC pause or by another process taking the core.
//
// An operation may return a value or a promise: promises are awaited, plain values are not, so
// a synchronous driver (better-sqlite3, Drizzle on it) is timed without a microtask per call.
import { median, quantile } from "./stats.ts";

export type Op = (i: number) => unknown;

export interface Plan {
  /** untimed calls before measuring */
  warmup: number;
  /** number of timed batches */
  batches: number;
  /** operations per batch */
  batchSize: number;
}

export interface Timing {
  /** median over batches of the mean time per operation, microseconds */
  usPerOp: number;
  p25: number;
  p75: number;
  ops: number;
  batches: number;
  /** every batch mean, us per operation (rounds are merged by pooling these) */
  batchMeans: number[];
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as any).then === "function";
}

/** Pools the batches of several rounds (separate processes) into one figure. */
export function mergeTimings(timings: Timing[]): Timing {
  const means = timings.flatMap((t) => t.batchMeans);
  return {
    usPerOp: median(means),
    p25: quantile(means, 0.25),
    p75: quantile(means, 0.75),
    ops: timings.reduce((n, t) => n + t.ops, 0),
    batches: means.length,
    batchMeans: means,
  };
}

export async function measure(op: Op, plan: Plan): Promise<Timing> {
  let i = 0;
  for (let w = 0; w < plan.warmup; w++) {
    const r = op(i++);
    if (isThenable(r)) await r;
  }
  const means: number[] = [];
  for (let b = 0; b < plan.batches; b++) {
    const start = process.hrtime.bigint();
    for (let k = 0; k < plan.batchSize; k++) {
      const r = op(i++);
      if (isThenable(r)) await r;
    }
    const elapsed = Number(process.hrtime.bigint() - start) / 1000;
    means.push(elapsed / plan.batchSize);
  }
  return {
    usPerOp: median(means),
    p25: quantile(means, 0.25),
    p75: quantile(means, 0.75),
    ops: plan.batches * plan.batchSize,
    batches: plan.batches,
    batchMeans: means,
  };
}
