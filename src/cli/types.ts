// The shared types of registers/cli, and nothing else: argument descriptors and specs, command
// metadata, parse results, and `CommandTable`, the read-only view of a registry that help,
// completion, the parser, the dispatcher and `run()` work on (so none of them imports the
// `CommandRegistry` class). A leaf: it imports nothing and holds no runtime code, so every other
// file may depend on it. The public names are re-exported by index.ts; `CommandTable` and
// `CommandLookup` are internal (not exported from index.ts).

/**
 * The three plain argument types: `String`, `Number` and `Boolean`.
 *
 * @example
 * ```ts
 * const args = { name: String, pages: Number, verbose: Boolean } satisfies Record<string, PlainType>;
 * ```
 */
export type PlainType = StringConstructor | NumberConstructor | BooleanConstructor;

/** A scalar a `choices` list may hold. */
export type Choice = string | number | boolean;

/**
 * A plain argument descriptor, for apps that do not want to load Zod. `optional`, `default` or
 * `choices` refine the bare `String` / `Number` / `Boolean`.
 *
 * @example
 * ```ts
 * cli.register(
 *   { name: "list", args: { limit: { type: Number, integer: true, default: 10 }, status: { choices: ["open", "done"], optional: true } } },
 *   ({ limit, status }) => `${limit} ${status ?? "all"}`,
 * );
 * ```
 */
export interface ArgOptions {
  /**
   * `String` (default), `Number` or `Boolean`; inferred from `default` or `choices` when left out.
   * In brackets (`[String]`) the argument takes many values: a repeatable option
   * (`--tag a --tag b`) when `optional` or with a `default`, else a variadic last positional
   * (`<files...>`, at least one). The handler gets an array (`[]` for an option left out).
   */
  readonly type?: PlainType | readonly [PlainType];
  /** With `type: Number`: accept integers only. */
  readonly integer?: boolean;
  /** The argument becomes an `--option` that may be left out (the handler gets `undefined`). */
  readonly optional?: boolean;
  /** The argument becomes an `--option` with this value when left out. */
  readonly default?: Choice | readonly Choice[];
  /** Allowed values; anything else is a usage error listing them. */
  readonly choices?: readonly Choice[];
  /** Help text. */
  readonly description?: string;
  /** One letter: `-v` for a flag (combinable: `-vf`), `-o out.txt` / `-oout.txt` for an option. */
  readonly short?: string;
  /** Environment variable that fills the argument when the command line leaves it out (before the default). */
  readonly env?: string;
  /** Ask for the value on a terminal when it is missing and has no default (a choice list for `choices`). */
  readonly prompt?: boolean;
  /** A secret: prompted with hidden input, never shown in help (defaults) or echoed in errors. */
  readonly secret?: boolean;
  /** A required argument given as `--name value` rather than by position. */
  readonly named?: boolean;
  /**
   * A Zod schema that types and validates the value, for a schema you want to keep as it is (a
   * model's field): the other settings here apply on top of it, and `optional` makes it an
   * `--option` that may be left out (the schema is then not run on the missing value).
   */
  readonly schema?: ZodLike;
}

/**
 * The command-line settings a Zod schema carries in its metadata, read by registers/cli:
 * `z.string().meta({ short: "o", env: "OUT", prompt: true })`. Same meaning as in `ArgOptions`.
 *
 * @example
 * ```ts
 * const meta: ArgMeta = { short: "v" };
 * const verbose = z.boolean().meta(meta);
 * ```
 */
export interface ArgMeta {
  readonly short?: string;
  readonly env?: string;
  readonly prompt?: boolean;
  readonly secret?: boolean;
  readonly named?: boolean;
}

/** Structural view of a Zod 4 schema (no Zod import): `_zod.output` carries its output type. */
export interface ZodLike {
  readonly _zod: { readonly def: { readonly type: string }; readonly output?: unknown };
}

/** Any class: as an `args` value (other than `String`, `Number`, `Boolean`) it is a DI dependency. */
export type Constructor<T = unknown> = abstract new (...args: any[]) => T;

/**
 * What an `args` entry may be: a Zod schema, a plain type, a plain descriptor, or a dependency class.
 *
 * @example
 * ```ts
 * const args = { title: z.string(), pages: Number, limit: { default: 10 }, db: DatabaseService } satisfies ArgsShape;
 * ```
 */
export type ArgDescriptor = ZodLike | PlainType | ArgOptions | Constructor;

/** The `args` of a command: handler parameter name -> descriptor. Key order is positional order. */
export type ArgsShape = { readonly [key: string]: ArgDescriptor };

type PlainValue<T> = T extends StringConstructor
  ? string
  : T extends NumberConstructor
    ? number
    : T extends BooleanConstructor
      ? boolean
      : never;
type Widen<V> = V extends string ? string : V extends number ? number : V extends boolean ? boolean : V;
type OptionsValue<D extends ArgOptions> = D extends { readonly type: readonly [infer T] }
  ? D extends { readonly choices: readonly (infer C)[] }
    ? C[]
    : PlainValue<T>[]
  : D extends { readonly choices: readonly (infer C)[] }
    ? C
    : D extends { readonly type: infer T }
      ? PlainValue<T>
      : D extends { readonly default: infer V }
        ? Widen<V>
        : string;

/**
 * The handler-side value type of one descriptor.
 *
 * @example
 * ```ts
 * type Limit = InferArg<{ type: NumberConstructor; optional: true }>; // number | undefined
 * ```
 */
export type InferArg<D> = D extends { readonly _zod: { readonly output: infer O } }
  ? O
  : D extends PlainType
    ? PlainValue<D>
    : D extends Constructor<infer I>
      ? I
      : D extends { readonly schema: { readonly _zod: { readonly output: infer O } } }
        ? D extends { readonly optional: true }
          ? O | undefined
          : O
        : D extends ArgOptions
          ? D extends { readonly optional: true; readonly type?: PlainType }
            ? OptionsValue<D> | undefined
            : OptionsValue<D>
          : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<A> = { [K in keyof A]: undefined extends InferArg<A[K]> ? K : never }[keyof A];

/**
 * The parameter a handler receives for `args: A`: keys whose value may be `undefined` are optional.
 *
 * @example
 * ```ts
 * type P = InferArgs<{ name: typeof String; limit: { type: NumberConstructor; optional: true } }>;
 * // { name: string; limit?: number | undefined }
 * ```
 */
export type InferArgs<A> = Simplify<
  { -readonly [K in Exclude<keyof A, OptionalKeys<A>>]: InferArg<A[K]> } & {
    -readonly [K in OptionalKeys<A>]?: InferArg<A[K]>;
  }
>;

/** How an argument appears on the command line. */
export type ArgKind = "positional" | "option" | "flag" | "dependency";
/** The value type the parser converts a token to. */
export type ValueType = "string" | "number" | "int" | "bigint" | "boolean" | "choice";

/** Outcome of an extra validation step (Zod refinements). */
export type Validation = { ok: true; value: unknown } | { ok: false; message: string };

/**
 * One argument of a command, normalised from its descriptor. The parser, help, completion and
 * dispatcher work on specs only, never on Zod.
 *
 * @example
 * ```ts
 * const [spec] = toArgSpecs({ dryRun: Boolean }); // { key: "dryRun", flag: "--dry-run", kind: "flag", ... }
 * ```
 */
export interface ArgSpec {
  /** Handler parameter name. */
  readonly key: string;
  /** `--kebab-case` option name (also used as the positional's display name without dashes). */
  readonly flag: string;
  readonly kind: ArgKind;
  readonly type: ValueType;
  readonly choices?: readonly Choice[];
  /** Default shown in help (already applied by the parser or by the schema). */
  readonly defaultValue?: unknown;
  readonly hasDefault: boolean;
  /** Value the handler gets when an option is left out and there is no default. */
  readonly absent: undefined | null;
  readonly description?: string;
  /** The class to resolve from the container, for `kind: "dependency"`. */
  readonly dependency?: Constructor;
  /** Schema validation run on the converted value (Zod checks, transforms, defaults). */
  readonly validate?: (value: unknown) => Validation;
  /** Takes many values: a repeatable option, or a variadic last positional; `type` is each value's. */
  readonly multiple?: boolean;
  /** One-letter alias, without the dash: `"v"` for `-v`. */
  readonly short?: string;
  /** Environment variable read when the command line leaves the argument out. */
  readonly env?: string;
  /** Asked for on a terminal when missing. */
  readonly prompt?: boolean;
  /** Hidden when prompted; its default is not shown in help. */
  readonly secret?: boolean;
  /** An `--option` that must be given (`named: true`). */
  readonly required?: boolean;
}

/**
 * What `register()` records about a command.
 *
 * @example
 * ```ts
 * const meta: CommandMeta = { name: "greet", description: "Greet someone", ops: ["-g", "--greet"], args: { name: String } };
 * ```
 */
export interface CommandMeta<A extends ArgsShape = ArgsShape> {
  /** Canonical name, as typed after the program name. */
  readonly name: string;
  /** One line shown in help and listings. */
  readonly description?: string;
  /** Aliases: `"-g"`, `"--greet"` and `"g"` all resolve to the command (dashes are ignored when matching). */
  readonly ops?: readonly string[];
  /** Handler parameter name -> Zod schema, plain descriptor, or dependency class. */
  readonly args?: A;
  /** Example command lines shown under "Examples:" in the command's help. */
  readonly examples?: readonly string[];
  /**
   * Ask before running (on a terminal): the question, or a function of the parsed arguments that
   * returns it. `--yes` answers for the user; without a terminal and without `--yes` the command
   * is a usage error (exit 2) and does not run.
   */
  readonly confirm?: string | ((args: InferArgs<A>) => string);
  /** The output format when `--output` is not given (default: text, or a table for records on a terminal). */
  readonly output?: OutputFormat;
}

/**
 * A command handler: receives the parsed (and injected) arguments, may be async.
 *
 * @example
 * ```ts
 * const greet: Handler<{ name: StringConstructor }> = async ({ name }) => `Hello, ${name}!`;
 * ```
 */
export type Handler<A extends ArgsShape = ArgsShape> = (args: InferArgs<A>) => unknown;

/**
 * A registered command, as `get()` returns it.
 *
 * @example
 * ```ts
 * const { name, handler, description, ops, args } = cli.get("-g");
 * ```
 */
export interface CommandEntry<A extends ArgsShape = ArgsShape> {
  readonly name: string;
  /** Name including its groups: `"db migrate"`. */
  readonly fullName: string;
  readonly handler: Handler<A>;
  readonly description: string;
  readonly ops: readonly string[];
  readonly args: A;
  /** The arguments as the parser sees them. */
  readonly specs: readonly ArgSpec[];
  /** Example command lines for help. */
  readonly examples: readonly string[];
  /** The confirmation question (see `CommandMeta.confirm`). */
  readonly confirm?: string | ((args: InferArgs<A>) => string);
  /** The command's default output format. */
  readonly output?: OutputFormat;
}

/** What one token (or a `"db migrate"` path) names in a registry: a command or a group. */
export type CommandLookup<G = CommandTable> =
  | { kind: "command"; entry: CommandEntry }
  | { kind: "group"; group: G };

/**
 * The read-only view of a registry (or of one of its groups) that help, completion, the parser,
 * the dispatcher and `run()` use. `CommandRegistry` implements it; a test may pass a stub.
 * Internal: not exported from index.ts.
 */
export interface CommandTable {
  /** Program name used in usage lines. */
  readonly programName: string;
  /** Version given to the constructor, if any (see `--version`). */
  readonly version: string | undefined;
  /** The top-level table. */
  readonly root: CommandTable;
  /** The table this group belongs to (`undefined` at the top). */
  readonly parent: CommandTable | undefined;
  /** Group name (`undefined` at the top). */
  readonly groupName: string | undefined;
  /** Group description (the program's at the top). */
  readonly description: string;
  /** Group aliases. */
  readonly ops: readonly string[];
  /** Group names from the top down to this table: `["db"]`. */
  readonly path: readonly string[];
  /** Resolves one token in this table only. */
  lookup(token: string): CommandLookup | undefined;
  /** Resolves a space-separated path (`"db migrate"`) through groups. */
  find(path: string): CommandLookup | undefined;
  /** The command for a name or alias; throws `UnknownCommandError` when there is none. */
  get(nameOrAlias: string): CommandEntry;
  /** Names of this table's own commands and groups (for suggestions). */
  names(): string[];
  /** This table's own commands, in registration order. */
  commands(): readonly CommandEntry[];
  /** This table's groups, in creation order. */
  groups(): readonly CommandTable[];
  /** Every command, groups included, in registration order. */
  all(): readonly CommandEntry[];
}

/** One of `json`, `table`, `plain`, `csv` (the values of `OUTPUT_FORMATS`). */
export type OutputFormat = "json" | "table" | "plain" | "csv";

/** Options `run()` understands anywhere on the line (unless the command declares the same name). */
export interface GlobalOptions {
  verbose: boolean;
  output?: OutputFormat;
  /** `--quiet` / `-q`: print no result (errors still go to stderr). */
  quiet?: boolean;
  /** `--yes` / `-y`: answer a command's confirmation with yes. */
  yes?: boolean;
}

/** One of `bash`, `zsh`, `fish` (the values of `SHELLS`). */
export type Shell = "bash" | "zsh" | "fish";

/**
 * What a command line asks for. Only `kind: "command"` runs a handler.
 *
 * @example
 * ```ts
 * const parsed: ParseResult = buildParser(cli).parse(["--verbose", "greet", "Alice"]);
 * if (parsed.kind === "command") console.log(parsed.command, parsed.args, parsed.verbose); // greet { name: "Alice" } true
 * ```
 */
export type ParseResult = GlobalOptions &
  (
    | {
        kind: "command";
        command: string;
        args: Record<string, unknown>;
        /** Arguments left to ask for on a terminal (`prompt: true`, parsed with `interactive`). */
        pending?: readonly ArgSpec[];
      }
    | { kind: "help" /** command or group path; `""` for the top level */; command: string }
    | { kind: "version" }
    | { kind: "none" /** group path, `""` at the top level */; group: string }
    | { kind: "completion"; shell: Shell }
  );
