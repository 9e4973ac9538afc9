// The dependency-injection container (`DIContainer`): one instance per class, resolved for the
// class-typed `args` of a command. May import types.ts and errors.ts.
import { DependencyNotFoundError } from "./errors.js";
import type { Constructor } from "./types.js";

/**
 * Holds one instance per class. A command whose `args` name a class (other than `String`,
 * `Number`, `Boolean`) gets that instance injected at dispatch; it never appears on the command line.
 *
 * @example
 * ```ts
 * const container = new DIContainer().register(DatabaseService, new DatabaseService("app.db"));
 * cli.register({ name: "seed", args: { count: z.int(), db: DatabaseService } }, ({ count, db }) => db.seed(count));
 * await cli.run(undefined, { container });
 * ```
 */
export class DIContainer {
  readonly #instances = new Map<Constructor, unknown>();

  /** Binds `instance` to `type` (replacing an earlier binding); returns the container for chaining. */
  register<T>(type: Constructor<T>, instance: T): this {
    if (typeof type !== "function")
      throw new TypeError("DIContainer.register(type, instance): type must be a class");
    this.#instances.set(type, instance);
    return this;
  }

  /**
   * The instance bound to `type`; `DependencyNotFoundError` when there is none.
   *
   * @example
   * ```ts
   * const db = container.resolve(DatabaseService);
   * ```
   */
  resolve<T>(type: Constructor<T>): T {
    if (!this.#instances.has(type)) throw new DependencyNotFoundError(type?.name || String(type));
    return this.#instances.get(type) as T;
  }

  /** True when `type` has an instance. */
  has(type: Constructor): boolean {
    return this.#instances.has(type);
  }
}
