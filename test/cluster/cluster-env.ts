/**
 * What the cluster tests run against, from the environment `npm run test:cluster` sets
 * (`scripts/test-cluster.mjs`): the PostgreSQL primary and its streaming replica, and the three
 * Galera nodes. Unset: the cluster tests are skipped with the reason.
 */
export const pgPrimary = process.env.REGISTERS_CLUSTER_PG_PRIMARY ?? "";
export const pgReplica = process.env.REGISTERS_CLUSTER_PG_REPLICA ?? "";
export const galeraNodes = (process.env.REGISTERS_CLUSTER_GALERA ?? "").split(",").filter(Boolean);

/** `false` to run the PostgreSQL replica tests, or why they are skipped. */
export const skipPg: string | false =
  pgPrimary && pgReplica ? false : "REGISTERS_CLUSTER_PG_PRIMARY/REPLICA not set: run npm run test:cluster";

/** `false` to run the Galera tests, or why they are skipped. */
export const skipGalera: string | false =
  galeraNodes.length === 3 ? false : "REGISTERS_CLUSTER_GALERA not set: run npm run test:cluster";

/** Prints one figure for the report (`figure: ...` lines in the test output). */
export function figure(name: string, value: string | number): void {
  console.log(`figure: ${name}: ${value}`);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
