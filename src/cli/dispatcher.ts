// Runs one parsed command (`Dispatcher`): injects its dependencies from the DI container, runs
// the middleware around the handler, and returns the result. Works on the read-only
// `CommandTable` view, never on the `CommandRegistry` class. May import types.ts, errors.ts,
// container.ts and middleware.ts.
import { DIContainer } from "./container.js";
import { DependencyNotFoundError } from "./errors.js";
import { MiddlewareChain } from "./middleware.js";
import type { CommandTable } from "./types.js";

/**
 * Runs a command by name or alias: injects its dependencies from the container, runs the
 * pre-hooks, awaits the handler, runs the post-hooks, and returns the result. Errors propagate.
 *
 * @example
 * ```ts
 * const parsed = buildParser(registry, container).parse(process.argv.slice(2));
 * if (parsed.kind === "command") await new Dispatcher(registry, container).dispatch(parsed.command, parsed.args);
 * ```
 */
export class Dispatcher {
  readonly registry: CommandTable;
  readonly container: DIContainer;
  readonly middleware: MiddlewareChain;

  constructor(registry: CommandTable, container?: DIContainer, middleware?: MiddlewareChain) {
    this.registry = registry;
    this.container = container ?? new DIContainer();
    this.middleware = middleware ?? new MiddlewareChain();
  }

  /** Dispatches to `commandOrAlias` with parsed `args` (dependencies are added here). */
  async dispatch(commandOrAlias: string, args: Record<string, unknown> = {}): Promise<unknown> {
    const entry = this.registry.get(commandOrAlias);
    const resolved: Record<string, unknown> = { ...args };
    for (const spec of entry.specs) {
      if (spec.kind !== "dependency" || spec.dependency === undefined) continue;
      if (this.container.has(spec.dependency)) resolved[spec.key] = this.container.resolve(spec.dependency);
      else if (resolved[spec.key] === undefined)
        throw new DependencyNotFoundError(spec.dependency.name || spec.key, entry.fullName);
    }
    await this.middleware.runPre(entry.fullName, resolved);
    const result = await entry.handler(resolved as never);
    await this.middleware.runPost(entry.fullName, result);
    return result;
  }
}
