// Side-by-side timing for the fast suites: the raw driver and registers run in many short rounds,
// one after the other in each round, so both see the same machine load. Each side's figure is the
// median of its per-round means; the ratio is the median of the per-round ratios (registers / raw).
// A raw operation that returns a plain value is called without an await (better-sqlite3 stays
// synchronous); one that returns a promise is awaited, like registers.
import { median } from "./stats.ts";

export interface Compared {
  /** median us/op of the raw side */
  raw: number;
  /** median us/op of registers */
  registers: number;
  /** median of the per-round ratios registers / raw */
  ratio: number;
}

export interface RoundsOptions {
  /** calls per side per round */
  calls: number;
  rounds: number;
  /** untimed calls per side first (default: none) */
  warmup?: number;
  /** swap which side goes first every other round (default: raw always first) */
  alternate?: boolean;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && typeof value === "object" && typeof (value as any).then === "function";
}

/** Mean us per call of `calls` calls of `fn`, awaiting them only if `fn` is asynchronous. */
export async function usPerCall(fn: () => unknown, calls: number, async: boolean): Promise<number> {
  const t = performance.now();
  if (async) for (let i = 0; i < calls; i++) await fn();
  else for (let i = 0; i < calls; i++) fn();
  return ((performance.now() - t) * 1000) / calls;
}

/** Times `raw` against `registers` in alternating rounds; see the file header. */
export async function compareRounds(
  raw: () => unknown,
  registers: () => unknown,
  options: RoundsOptions,
): Promise<Compared> {
  const firstRaw = raw();
  const rawAsync = isThenable(firstRaw);
  if (rawAsync) await firstRaw;
  const firstReg = registers();
  const regAsync = isThenable(firstReg);
  if (regAsync) await firstReg;
  for (let i = 0; i < (options.warmup ?? 0); i++) {
    if (rawAsync) await raw();
    else raw();
    await registers();
  }
  const rawTimes: number[] = [];
  const regTimes: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    let rawUs: number;
    let regUs: number;
    if (options.alternate && round % 2 === 1) {
      regUs = await usPerCall(registers, options.calls, regAsync);
      rawUs = await usPerCall(raw, options.calls, rawAsync);
    } else {
      rawUs = await usPerCall(raw, options.calls, rawAsync);
      regUs = await usPerCall(registers, options.calls, regAsync);
    }
    rawTimes.push(rawUs);
    regTimes.push(regUs);
    ratios.push(regUs / rawUs);
  }
  return { raw: median(rawTimes), registers: median(regTimes), ratio: median(ratios) };
}
