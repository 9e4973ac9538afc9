/**
 * `useReplicas(url, replicas)`: configures the read replicas of a database once, for every model
 * on its URL (the same as the `replicas` option of `databaseRegistry`, without repeating it on each
 * model). It may import the engine and the replica options.
 */
import { engineFor } from "../engine.js";
import { type ReplicaOptions, replicaConfig } from "./replica-options.js";

/**
 * Reads of the database at `url` (from every model registered on it) go to these replicas,
 * round-robin, outside transactions; writes, `forUpdate` reads and transactions stay on the primary.
 * Call it before the database's first use. A different configuration for the same URL is a
 * `ConfigurationError`.
 *
 * @example
 * ```ts
 * useReplicas("postgres://app@primary/shop", {
 *   urls: ["postgres://app@replica1/shop", "postgres://app@replica2/shop"],
 *   cooldownMs: 5_000,
 * });
 * ```
 */
export function useReplicas(url: string, replicas: readonly string[] | ReplicaOptions): void {
  engineFor(url).configureReplicas(replicaConfig(url, replicas));
}
