/**
 * `usePrimary(fn)`: an async scope (for instance one HTTP request) whose reads go to the primary
 * instead of a replica, so a request that just wrote reads its own write. Found by the replica
 * router through AsyncLocalStorage; costs one `getStore()` per replica-eligible read.
 */
import { AsyncLocalStorage } from "node:async_hooks";

const scope = new AsyncLocalStorage<true>();

/**
 * Runs `fn`; every read started inside it (at any async depth) goes to the primary, on every
 * database that has replicas. Returns what `fn` returns. Outside a replica setup it changes nothing.
 * An `iterate()` loop reads page by page: run the whole `for await` loop inside `fn`.
 *
 * @example
 * ```ts
 * await usePrimary(async () => {
 *   await User.objects.updateWhere({ id: 1 }, { name: "Ann" });
 *   return User.objects.get(1); // read on the primary: sees "Ann" whatever the replica lag
 * });
 * ```
 */
export function usePrimary<R>(fn: () => R): R {
  return scope.run(true, fn);
}

/**
 * Whether the current async context is inside `usePrimary()`.
 *
 * @example
 * ```ts
 * usePrimary(() => readsOnPrimary()); // true
 * ```
 */
export function readsOnPrimary(): boolean {
  return scope.getStore() === true;
}
