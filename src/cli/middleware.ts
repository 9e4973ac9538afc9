// Pre- and post-command hooks (`MiddlewareChain`, `PreHook`, `PostHook`) and the built-in
// logging hooks (`loggingMiddlewarePre`, `loggingMiddlewarePost`). May import logger.ts only.
import { getLogger } from "./logger.js";

/**
 * Runs before a command with its name and resolved arguments; throwing stops the command.
 *
 * @example
 * ```ts
 * const requireLogin: PreHook = (command) => { if (!session.user) throw new Error(`log in to run ${command}`); };
 * ```
 */
export type PreHook = (command: string, args: Record<string, unknown>) => unknown;
/**
 * Runs after a command with its name and result.
 *
 * @example
 * ```ts
 * const audit: PostHook = (command, result) => auditLog.write(command, result);
 * ```
 */
export type PostHook = (command: string, result: unknown) => unknown;

/**
 * Ordered pre- and post-command hooks. Hooks may be async; each is awaited before the next.
 *
 * @example
 * ```ts
 * const chain = new MiddlewareChain()
 *   .addPre(loggingMiddlewarePre)
 *   .addPost(loggingMiddlewarePost)
 *   .addPost((command, result) => audit.write(command, result));
 * await cli.run(undefined, { middleware: chain });
 * ```
 */
export class MiddlewareChain {
  readonly #pre: PreHook[] = [];
  readonly #post: PostHook[] = [];

  /** Appends a pre-hook. */
  addPre(hook: PreHook): this {
    if (typeof hook !== "function") throw new TypeError("addPre(hook): hook must be a function");
    this.#pre.push(hook);
    return this;
  }

  /** Appends a post-hook. */
  addPost(hook: PostHook): this {
    if (typeof hook !== "function") throw new TypeError("addPost(hook): hook must be a function");
    this.#post.push(hook);
    return this;
  }

  /** Runs the pre-hooks in order. */
  async runPre(command: string, args: Record<string, unknown>): Promise<void> {
    for (const hook of this.#pre) await hook(command, args);
  }

  /** Runs the post-hooks in order. */
  async runPost(command: string, result: unknown): Promise<void> {
    for (const hook of this.#post) await hook(command, result);
  }
}

const started = new Map<string, number[]>();

function show(value: unknown): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "bigint") return `${value}n`;
    return typeof value === "string" ? JSON.stringify(value) : String(value);
  }
  const name = (value as object).constructor?.name;
  return name && name !== "Object" && name !== "Array"
    ? `<${name}>`
    : (JSON.stringify(value) ?? String(value));
}

/**
 * Built-in pre-hook: logs the command and its arguments, and starts its timer.
 *
 * @example
 * ```ts
 * chain.addPre(loggingMiddlewarePre); // [registers] greet name="Alice"
 * ```
 */
export function loggingMiddlewarePre(command: string, args: Record<string, unknown>): void {
  const list = Object.entries(args)
    .map(([k, v]) => `${k}=${show(v)}`)
    .join(" ");
  getLogger().debug(`${command}${list ? ` ${list}` : ""}`);
  const stack = started.get(command) ?? [];
  stack.push(performance.now());
  started.set(command, stack);
}

/**
 * Built-in post-hook: logs that the command finished and how long it took since the pre-hook.
 *
 * @example
 * ```ts
 * chain.addPost(loggingMiddlewarePost); // [registers] greet done in 0.4 ms
 * ```
 */
export function loggingMiddlewarePost(command: string, result: unknown): void {
  const t = started.get(command)?.pop();
  if (started.get(command)?.length === 0) started.delete(command);
  const elapsed = t === undefined ? "" : ` in ${(performance.now() - t).toFixed(1)} ms`;
  getLogger().debug(`${command} done${elapsed}`);
}
