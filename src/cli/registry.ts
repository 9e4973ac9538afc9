// The command registry (`CommandRegistry`): registers commands and groups under names and
// aliases, resolves them, merges registries, and offers `run()`, `helpText()` and
// `listCommands()` as one-line shortcuts to run.ts and help.ts; `modelCommands()` registers a
// model's command set (model-commands.ts) as a group. It implements the read-only
// `CommandTable` view those modules work on, so they never import this class. May import every
// other src/cli module except index.ts and plugins.ts; nothing but index.ts and plugins.ts (a type
// import) imports it.
import { DuplicateCommandError, FrameworkError, UnknownCommandError } from "./errors.js";
import { renderCommandList, renderHelp } from "./help.js";
import { type ModelCommandsOptions, modelCommandSet } from "./model-commands.js";
import type { CommandModel } from "./model-types.js";
import { OUTPUT_FORMATS } from "./parse-args.js";
import { type RunOptions, run } from "./run.js";
import { type ShellOptions, shellCommand } from "./shell-command.js";
import { suggestSimilar } from "./suggest.js";
import { toArgSpecs } from "./to-arg-specs.js";
import type { ArgsShape, CommandEntry, CommandLookup, CommandMeta, CommandTable, Handler } from "./types.js";

/**
 * Options of `new CommandRegistry()`: the program name and version shown by help and `--version`.
 *
 * @example
 * ```ts
 * const cli = new CommandRegistry({ name: "todo", version: "1.0.0", description: "A todo list" });
 * ```
 */
export interface CommandRegistryOptions {
  /** Program name in usage lines; default: the entry script's file name. */
  readonly name?: string;
  /** Printed by `--version`; default: `version` of the nearest package.json above the entry script. */
  readonly version?: string;
  /** Shown under the usage line of the top-level help. */
  readonly description?: string;
}

/**
 * Options of `merge()`.
 *
 * @example
 * ```ts
 * cli.merge(plugins, { allowOverride: true } satisfies MergeOptions);
 * ```
 */
export interface MergeOptions {
  /** Let `other`'s commands replace same-named ones instead of throwing `DuplicateCommandError`. */
  readonly allowOverride?: boolean;
}

type Slot = { kind: "command"; name: string } | { kind: "group"; name: string };

/** `--greet` -> `greet`: aliases match with or without dashes. */
const bare = (alias: string): string => alias.replace(/^-+/, "");

/**
 * The set of commands of an app. `register(meta, handler)` adds one (and returns the handler);
 * `register(meta)` does the same as a decorator on a static method. `run()` parses `process.argv`,
 * dispatches and reports the exit code.
 *
 * @example
 * ```ts
 * import { CommandRegistry } from "registers/cli";
 *
 * const cli = new CommandRegistry({ name: "app" });
 * cli.register({ name: "greet", ops: ["-g"], args: { name: String } }, ({ name }) => `Hello, ${name}!`);
 * await cli.run(); // app greet Alice -> Hello, Alice!
 * ```
 */
export class CommandRegistry implements CommandTable {
  readonly #commands = new Map<string, CommandEntry>();
  readonly #groups = new Map<string, CommandRegistry>();
  readonly #slots = new Map<string, Slot>();
  readonly #options: CommandRegistryOptions;
  /** The registry this group belongs to (`undefined` at the top). */
  readonly parent: CommandRegistry | undefined;
  /** Group name (`undefined` at the top). */
  readonly groupName: string | undefined;
  /** Group description. */
  description: string;
  /** Group aliases. */
  readonly ops: readonly string[];

  /** `group` is internal: use `cli.group(name)` to make a group. */
  constructor(
    options: CommandRegistryOptions = {},
    group?: { parent: CommandRegistry; name: string; ops: readonly string[] },
  ) {
    this.#options = options;
    this.parent = group?.parent;
    this.groupName = group?.name;
    this.description = options.description ?? "";
    this.ops = [...(group?.ops ?? [])];
  }

  /** Program name used in usage lines. */
  get programName(): string {
    return this.root.#options.name ?? defaultProgramName();
  }

  /** Version given to the constructor, if any (see `--version`). */
  get version(): string | undefined {
    return this.root.#options.version;
  }

  /** The top-level registry. */
  get root(): CommandRegistry {
    return this.parent ? this.parent.root : this;
  }

  /** Group names from the top down to this registry: `["db"]`. */
  get path(): string[] {
    return this.parent ? [...this.parent.path, this.groupName as string] : [];
  }

  /**
   * Adds a command. With a handler, returns the handler; without one, returns a TC39 decorator for
   * a static method. Throws `DuplicateCommandError` when the name or an alias is taken.
   *
   * @example
   * ```ts
   * const greet = cli.register({ name: "greet", args: { name: z.string() } }, ({ name }) => `Hello, ${name}!`);
   *
   * class Reports {
   *   @cli.register({ name: "report", args: { pages: z.int() } })
   *   static report({ pages }: { pages: number }) { return `${pages} pages`; }
   * }
   * ```
   */
  register<const A extends ArgsShape = {}, H extends Handler<A> = Handler<A>>(
    meta: CommandMeta<A>,
    handler: H,
  ): H;
  register<const A extends ArgsShape = {}>(
    meta: CommandMeta<A>,
  ): <M extends Handler<A>>(method: M, context: ClassMethodDecoratorContext) => void;
  register(meta: CommandMeta, handler?: Handler): unknown {
    if (handler !== undefined) {
      if (typeof handler !== "function")
        throw new FrameworkError(`register('${meta.name}'): the handler must be a function`, {
          code: "E_HANDLER",
        });
      this.#add(meta, handler);
      return handler;
    }
    toArgSpecs(meta.args); // a bad declaration fails where it is written
    const registry = this;
    return (method: Handler, context: ClassMethodDecoratorContext) => {
      // TypeScript's experimentalDecorators (legacy) call a method decorator with
      // (target, key, descriptor): the second argument is the name, not a context object.
      if (typeof context !== "object" || context === null)
        throw new FrameworkError(
          `@register('${meta.name}') was called as a legacy decorator: registers uses TC39 decorators; remove "experimentalDecorators" from tsconfig.json, or call cli.register(meta, handler) as a function`,
          { code: "E_LEGACY_DECORATOR" },
        );
      if (context.kind !== "method" || !context.static)
        throw new FrameworkError(
          `@register('${meta.name}') decorates static methods; for an instance method, register(meta, (args) => obj.method(args))`,
          { code: "E_DECORATOR" },
        );
      context.addInitializer(function (this: unknown) {
        registry.#add(meta, (args) => method.call(this, args));
      });
    };
  }

  #add(meta: CommandMeta, handler: Handler): CommandEntry {
    if (typeof meta?.name !== "string" || bare(meta.name).length === 0 || /\s/.test(meta.name))
      throw new FrameworkError(
        `a command needs a non-empty name without spaces, got ${JSON.stringify(meta?.name)}`,
        {
          code: "E_COMMAND_NAME",
        },
      );
    if (meta.output !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(meta.output))
      throw new FrameworkError(
        `register('${meta.name}'): output must be one of ${OUTPUT_FORMATS.join(", ")}, got ${JSON.stringify(meta.output)}`,
        { code: "E_OUTPUT_FORMAT" },
      );
    if (meta.confirm !== undefined && typeof meta.confirm !== "string" && typeof meta.confirm !== "function")
      throw new FrameworkError(
        `register('${meta.name}'): confirm must be a string or a function of the arguments`,
        {
          code: "E_CONFIRM",
        },
      );
    const entry: CommandEntry = {
      name: bare(meta.name),
      fullName: [...this.path, bare(meta.name)].join(" "),
      handler,
      description: meta.description ?? "",
      ops: [...(meta.ops ?? [])],
      args: meta.args ?? {},
      specs: toArgSpecs(meta.args),
      examples: [...(meta.examples ?? [])],
      ...(meta.confirm === undefined ? {} : { confirm: meta.confirm }),
      ...(meta.output === undefined ? {} : { output: meta.output }),
    };
    this.#claim({ kind: "command", name: entry.name }, [meta.name, ...entry.ops]);
    this.#commands.set(entry.name, entry);
    return entry;
  }

  /** Reserves every key of `aliases` for `slot`, or throws before reserving any. */
  #claim(slot: Slot, aliases: readonly string[], allowOverride = false): void {
    const keys = [...new Set(aliases.map(bare).filter((k) => k.length > 0))];
    for (const key of keys) {
      const owner = this.#slots.get(key);
      if (owner !== undefined && !allowOverride)
        throw new DuplicateCommandError(aliases.find((a) => bare(a) === key) ?? key, owner.name);
    }
    if (allowOverride) for (const key of keys) this.#release(this.#slots.get(key));
    for (const key of keys) this.#slots.set(key, slot);
  }

  #release(slot: Slot | undefined): void {
    if (slot === undefined) return;
    if (slot.kind === "command") this.#commands.delete(slot.name);
    else this.#groups.delete(slot.name);
    for (const [key, s] of this.#slots)
      if (s.kind === slot.kind && s.name === slot.name) this.#slots.delete(key);
  }

  /**
   * A nested group of commands: `cli.group("db").register({ name: "migrate" }, ...)` runs as
   * `app db migrate`. Asking for an existing group returns it.
   *
   * @example
   * ```ts
   * const db = cli.group("db", { description: "Database tasks" });
   * db.register({ name: "migrate" }, () => "migrated");
   * ```
   */
  group(name: string, options: { description?: string; ops?: readonly string[] } = {}): CommandRegistry {
    const key = bare(name);
    const existing = this.#groups.get(key);
    if (existing) {
      if (options.description) existing.description = options.description;
      return existing;
    }
    this.#claim({ kind: "group", name: key }, [name, ...(options.ops ?? [])]);
    const child = new CommandRegistry(
      { description: options.description },
      { parent: this, name: key, ops: options.ops ?? [] },
    );
    this.#groups.set(key, child);
    return child;
  }

  /**
   * The command for a name or alias (dashes optional; `"db migrate"` reaches into groups).
   * Throws `UnknownCommandError` with suggestions when there is none.
   *
   * @example
   * ```ts
   * cli.get("--greet").name; // "greet"
   * ```
   */
  get(nameOrAlias: string): CommandEntry {
    const found = this.find(nameOrAlias);
    if (found?.kind === "command") return found.entry;
    const parts = String(nameOrAlias).trim().split(/\s+/);
    let reg: CommandRegistry = this;
    for (const part of parts.slice(0, -1)) {
      const next = reg.lookup(part);
      if (next?.kind !== "group") break;
      reg = next.group;
    }
    const last = parts[parts.length - 1] ?? "";
    throw new UnknownCommandError(last, suggestSimilar(last, reg.names()), reg.path.join(" ") || undefined);
  }

  /**
   * True when a command answers to that name or alias.
   *
   * @example
   * ```ts
   * cli.has("g"); // true
   * ```
   */
  has(nameOrAlias: string): boolean {
    return this.find(nameOrAlias)?.kind === "command";
  }

  /** Resolves one token in this registry only. */
  lookup(token: string): CommandLookup<CommandRegistry> | undefined {
    const slot = this.#slots.get(bare(String(token)));
    if (slot === undefined) return undefined;
    if (slot.kind === "command")
      return { kind: "command", entry: this.#commands.get(slot.name) as CommandEntry };
    return { kind: "group", group: this.#groups.get(slot.name) as CommandRegistry };
  }

  /** Resolves a space-separated path (`"db migrate"`) through groups. */
  find(path: string): CommandLookup<CommandRegistry> | undefined {
    const parts = String(path).trim().split(/\s+/);
    let reg: CommandRegistry = this;
    for (let i = 0; i < parts.length; i++) {
      const hit = reg.lookup(parts[i]);
      if (hit === undefined) return undefined;
      if (i === parts.length - 1) return hit;
      if (hit.kind !== "group") return undefined;
      reg = hit.group;
    }
    return undefined;
  }

  /** Names of this registry's own commands and groups (for suggestions). */
  names(): string[] {
    return [...this.#commands.keys(), ...this.#groups.keys()];
  }

  /** This registry's own commands, in registration order. */
  commands(): CommandEntry[] {
    return [...this.#commands.values()];
  }

  /** This registry's groups, in creation order. */
  groups(): CommandRegistry[] {
    return [...this.#groups.values()];
  }

  /**
   * Every command, groups included (their `fullName` is `"db migrate"`), in registration order.
   *
   * @example
   * ```ts
   * cli.all().map((c) => c.fullName); // ["greet", "db migrate"]
   * ```
   */
  all(): CommandEntry[] {
    return [...this.commands(), ...this.groups().flatMap((g) => g.all())];
  }

  /** Number of commands, groups included. */
  get size(): number {
    return this.all().length;
  }

  /**
   * Copies every command and group of `other` into this registry. A name or alias already taken
   * throws `DuplicateCommandError` (nothing is copied) unless `allowOverride` is set, in which case
   * `other`'s command replaces the one holding it.
   *
   * @example
   * ```ts
   * cli.merge(pluginRegistry, { allowOverride: true });
   * ```
   */
  merge(other: CommandRegistry, options: MergeOptions = {}): this {
    if (!options.allowOverride) this.#checkMerge(other);
    for (const entry of other.commands()) {
      const aliases = [entry.name, ...entry.ops];
      this.#claim({ kind: "command", name: entry.name }, aliases, options.allowOverride);
      this.#commands.set(entry.name, { ...entry, fullName: [...this.path, entry.name].join(" ") });
    }
    for (const group of other.groups()) {
      const key = group.groupName as string;
      const mine = this.#groups.get(key);
      if (mine) mine.merge(group, options);
      else {
        if (options.allowOverride) this.#release(this.#slots.get(key));
        this.group(key, { description: group.description, ops: group.ops }).merge(group, options);
      }
    }
    return this;
  }

  #checkMerge(other: CommandRegistry): void {
    for (const entry of other.commands())
      for (const alias of [entry.name, ...entry.ops]) {
        const owner = this.#slots.get(bare(alias));
        if (owner) throw new DuplicateCommandError(alias, owner.name);
      }
    for (const group of other.groups()) {
      const owner = this.#slots.get(group.groupName as string);
      if (owner?.kind === "command") throw new DuplicateCommandError(group.groupName as string, owner.name);
      if (owner?.kind === "group") (this.#groups.get(owner.name) as CommandRegistry).#checkMerge(group);
    }
  }

  /**
   * Adds the `shell` command: `app shell` opens an interactive prompt over this registry's
   * commands (history, Tab completion of commands and options, `help`, errors shown without
   * leaving; `exit` or Ctrl-D to leave). It needs a terminal: piped, it is a usage error. The
   * shell's code (node:readline) loads only when it starts. The history lasts the session unless
   * `historyFile` names a file to keep it in (`~/` is the home directory). Returns the registry.
   *
   * @example
   * ```ts
   * const cli = new CommandRegistry({ name: "todo" }).enableShell({ historyFile: "~/.todo_history" });
   * // $ todo shell
   * // todo> add "Buy milk"
   * ```
   */
  enableShell(options: ShellOptions = {}): this {
    const { meta, handler } = shellCommand(this, options);
    this.register(meta, handler);
    return this;
  }

  /**
   * Writes one line per command (name, aliases, description) and returns the text.
   *
   * @example
   * ```ts
   * cli.listCommands(); // "greet (-g, --greet)  Greet someone by name\n"
   * ```
   */
  listCommands(out: { write(text: string): unknown } = process.stdout): string {
    const text = renderCommandList(this);
    out.write(text);
    return text;
  }

  /**
   * The top-level help (usage, commands, global options) as a string, without colour.
   *
   * @example
   * ```ts
   * console.log(cli.helpText());
   * ```
   */
  helpText(): string {
    return renderHelp(this);
  }

  /**
   * Parses `argv` (default `process.argv.slice(2)`), runs the command and reports the exit code.
   * See `run()` for the options and exit codes.
   *
   * @example
   * ```ts
   * await cli.run(["greet", "Alice"], { stdout: process.stdout }); // prints Hello, Alice!
   * ```
   */
  run(argv?: readonly string[], options?: RunOptions): Promise<unknown> {
    return run(this, argv, options);
  }
}

function defaultProgramName(): string {
  const script = process.argv[1];
  if (!script) return "app";
  const base = script.split(/[\\/]/).pop() ?? "app";
  return base.replace(/\.(c|m)?(j|t)s$/, "") || "app";
}

/**
 * The commands of a model, the CLI twin of `crudRoutes`, as a group named `options.name`:
 * `list` (filters from the fields, `--order -id`, `--limit`, `--offset`), `get <id>`, `create
 * --field value ...` (hashed fields asked with hidden input on a terminal), `update <id> --field
 * value` (only the fields given), `delete <id>` (asks first; `--yes`), `import <file>` (JSON Lines
 * or CSV through `bulkCreate`, all or nothing, with a progress bar) and `export` (streamed with
 * `iterate()`, JSON Lines or CSV). A missing record exits 1 with one line. Adds the group to
 * `options.registry`, or to a new registry to `merge()`; returns that registry.
 *
 * @example
 * ```ts
 * cli.merge(modelCommands(User, { name: "users" }));
 * // app users list --role admin --order -id --limit 10
 * // app users import users.csv
 * ```
 */
export function modelCommands(
  model: CommandModel,
  options: ModelCommandsOptions & { readonly registry?: CommandRegistry },
): CommandRegistry {
  const commands = modelCommandSet(model, options);
  const registry = options.registry ?? new CommandRegistry();
  const group = registry.group(options.name, {
    description: options.description ?? `${model.name} records`,
    ops: options.ops,
  });
  for (const { meta, handler } of commands) group.register(meta, handler);
  return registry;
}
