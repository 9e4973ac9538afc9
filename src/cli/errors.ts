// The error classes of registers/cli: `FrameworkError` (stable `code`, `exitCode`) and its
// subclasses, plus `escapeControl()` for messages that echo user input. A leaf: imports nothing.

/**
 * Base of every error thrown by `registers/cli`. `code` is stable (match on it, not on the message)
 * and `exitCode` is what `run()` reports when the error reaches it.
 *
 * @example
 * ```ts
 * try {
 *   registry.get("deploy");
 * } catch (err) {
 *   if (err instanceof FrameworkError) console.error(err.code, err.message);
 * }
 * ```
 */
export class FrameworkError extends Error {
  /** Stable machine-readable code, such as `E_UNKNOWN_COMMAND`. */
  readonly code: string;
  /** Process exit code `run()` reports for this error. */
  readonly exitCode: number;
  /**
   * What the command reports although it failed (a check's differences, say): under `--output
   * json|table|plain|csv` `run()` prints it on stdout like a result, writes nothing on stderr and
   * still exits with `exitCode`; as text, the message goes to stderr as for any error.
   */
  readonly result?: unknown;

  constructor(
    message: string,
    options: { code?: string; exitCode?: number; cause?: unknown; result?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code ?? "E_FRAMEWORK";
    this.exitCode = options.exitCode ?? 1;
    if (options.result !== undefined) this.result = options.result;
  }
}

/**
 * A command name or alias is already taken (as a name or an alias, with or without dashes).
 *
 * @example
 * ```ts
 * cli.register({ name: "greet", ops: ["-g"] }, () => "hi");
 * cli.register({ name: "g" }, () => "hi"); // throws DuplicateCommandError (code E_DUPLICATE_COMMAND)
 * ```
 */
export class DuplicateCommandError extends FrameworkError {
  /** The name or alias that collided. */
  readonly alias: string;
  /** The command that already holds it. */
  readonly existing: string;

  constructor(alias: string, existing: string) {
    super(
      `'${alias}' is already registered${existing === alias ? "" : ` (by command '${existing}')`}; pick another name or alias, or merge with { allowOverride: true }`,
      { code: "E_DUPLICATE_COMMAND" },
    );
    this.alias = alias;
    this.existing = existing;
  }
}

/**
 * Bad command-line input: unknown option, missing or malformed value, extra argument.
 * `run()` prints `error: <message>` and the command's usage, and exits with 2.
 *
 * @example
 * ```ts
 * try {
 *   buildParser(cli).parse(["greet"]);
 * } catch (err) {
 *   if (err instanceof UsageError) console.error(err.message); // missing required argument <name>
 * }
 * ```
 */
export class UsageError extends FrameworkError {
  /** Full name of the command whose usage applies (`"db migrate"`), if one was recognised. */
  readonly command: string | undefined;

  constructor(message: string, options: { command?: string; code?: string; cause?: unknown } = {}) {
    super(escapeControl(message), { code: options.code ?? "E_USAGE", exitCode: 2, cause: options.cause });
    this.command = options.command;
  }
}

/**
 * No command or alias by that name. A usage error (exit code 2) whose `suggestions` hold the
 * closest registered names, which `run()` prints as "Did you mean ...?".
 *
 * @example
 * ```ts
 * try {
 *   cli.get("gret");
 * } catch (err) {
 *   if (err instanceof UnknownCommandError) console.log(err.suggestions); // ["greet"]
 * }
 * ```
 */
export class UnknownCommandError extends UsageError {
  /** What was asked for. */
  readonly requested: string;
  /** Registered names close to `requested`, best first. */
  readonly suggestions: readonly string[];

  constructor(requested: string, suggestions: readonly string[] = [], group?: string) {
    const hint =
      suggestions.length > 0 ? `\nDid you mean ${suggestions.map((s) => `'${s}'`).join(" or ")}?` : "";
    super(`unknown command '${requested}'`, { command: group, code: "E_UNKNOWN_COMMAND" });
    // The hint's line break is ours; the user's input above was escaped by UsageError.
    this.message += hint;
    this.requested = requested;
    this.suggestions = suggestions;
  }
}

/**
 * The DI container holds no instance for a class a command depends on.
 *
 * @example
 * ```ts
 * new DIContainer().resolve(DatabaseService); // throws DependencyNotFoundError (E_DEPENDENCY_NOT_FOUND)
 * ```
 */
export class DependencyNotFoundError extends FrameworkError {
  /** Name of the missing class. */
  readonly dependency: string;

  constructor(dependency: string, command?: string) {
    super(
      `no instance of ${dependency} is registered${command ? ` (needed by command '${command}')` : ""}; call container.register(${dependency}, instance) first`,
      { code: "E_DEPENDENCY_NOT_FOUND" },
    );
    this.dependency = dependency;
  }
}

/**
 * A plugin folder is missing, or one of its modules failed to import. The original error is `cause`.
 *
 * @example
 * ```ts
 * await loadPlugins("./missing", cli); // throws PluginLoadError (E_PLUGIN_LOAD)
 * ```
 */
export class PluginLoadError extends FrameworkError {
  /** Path of the folder or module that failed. */
  readonly module: string;

  constructor(module: string, reason: string, cause?: unknown) {
    super(`cannot load plugin ${module}: ${reason}`, { code: "E_PLUGIN_LOAD", cause });
    this.module = module;
  }
}

/**
 * A command's `args` declaration cannot be mapped to the command line (unsupported schema type,
 * reserved name, bad descriptor). Thrown by `register()`, so it surfaces when the app starts.
 *
 * @example
 * ```ts
 * cli.register({ name: "x", args: { tags: z.array(z.string()) } }, () => {}); // ArgumentDefinitionError
 * ```
 */
export class ArgumentDefinitionError extends FrameworkError {
  constructor(message: string) {
    super(message, { code: "E_ARGUMENT_DEFINITION" });
  }
}

/**
 * Escapes control characters (newlines, ANSI escapes, C1 controls) in a usage message, which
 * echoes user input: the report stays one line and cannot drive the terminal.
 * @internal
 */
export function escapeControl(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => {
    const named: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };
    return named[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}
