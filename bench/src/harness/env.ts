// The one environment-variable scheme of both modes (`npm run bench` and `npm run bench -- --fast`).
//   BENCH_ROUNDS         timed rounds (each suite has its own default; db times 10x this many rounds)
//   BENCH_SCALE          multiplies the operations per round (fast mode)
//   BENCH_RUNS           process runs per app in the start-up suites (RUNS is still read)
//   BENCH_BULK_RUNS      runs of the 100,000-row bulkCreate (fast db suite)
//   BENCH_SECONDS, BENCH_CONCURRENCY   HTTP rounds of the fast fastify suite
//   BENCH_POSTGRES_URL   PostgreSQL server (REGISTERS_BENCH_POSTGRES_URL, then REGISTERS_TEST_POSTGRES_URL,
//                        are read when it is unset)

/** A positive number from `names` (the first one set wins), else `fallback`. */
export function envNumber(names: string | readonly string[], fallback: number): number {
  for (const name of typeof names === "string" ? [names] : names) {
    const raw = process.env[name];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}=${raw}: expected a positive number`);
    return value;
  }
  return fallback;
}

/** The PostgreSQL URL the environment names, or undefined (fast mode then skips PostgreSQL). */
export function postgresUrl(): string | undefined {
  const env = process.env;
  return (
    env.BENCH_POSTGRES_URL || env.REGISTERS_BENCH_POSTGRES_URL || env.REGISTERS_TEST_POSTGRES_URL || undefined
  );
}
