import { ArgumentDefinitionError } from "./errors.js";
import { isZodSchema, zodToArg } from "./zod-to-args.js";

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
  /** `String` (default), `Number` or `Boolean`; inferred from `default` or `choices` when left out. */
  readonly type?: PlainType;
  /** With `type: Number`: accept integers only. */
  readonly integer?: boolean;
  /** The argument becomes an `--option` that may be left out (the handler gets `undefined`). */
  readonly optional?: boolean;
  /** The argument becomes an `--option` with this value when left out. */
  readonly default?: Choice;
  /** Allowed values; anything else is a usage error listing them. */
  readonly choices?: readonly Choice[];
  /** Help text. */
  readonly description?: string;
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
type OptionsValue<D extends ArgOptions> = D extends { readonly choices: readonly (infer C)[] }
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
      : D extends ArgOptions
        ? D extends { readonly optional: true }
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
}

/**
 * The option spelling of a key: camelCase and snake_case become kebab-case.
 *
 * @example
 * ```ts
 * kebabCase("dryRun"); // "dry-run"
 * ```
 */
export function kebabCase(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase();
}

const RESERVED = new Set(["help"]);

function plainType(t: unknown): ValueType | undefined {
  if (t === String) return "string";
  if (t === Number) return "number";
  if (t === Boolean) return "boolean";
  return undefined;
}

function fromOptions(key: string, flag: string, d: ArgOptions): ArgSpec {
  const hasDefault = d.default !== undefined;
  let type: ValueType | undefined;
  if (d.choices !== undefined) {
    if (!Array.isArray(d.choices) || d.choices.length === 0)
      throw new ArgumentDefinitionError(`argument '${key}': choices must be a non-empty array`);
    type = "choice";
  } else if (d.type !== undefined) {
    type = plainType(d.type);
    if (type === undefined)
      throw new ArgumentDefinitionError(`argument '${key}': type must be String, Number or Boolean`);
    if (type === "number" && d.integer) type = "int";
  } else if (hasDefault) {
    const t = typeof d.default;
    type = t === "number" ? (d.integer ? "int" : "number") : t === "boolean" ? "boolean" : "string";
  } else type = "string";
  if (hasDefault && d.choices && !d.choices.includes(d.default as Choice))
    throw new ArgumentDefinitionError(
      `argument '${key}': default ${String(d.default)} is not one of its choices`,
    );
  const kind: ArgKind = type === "boolean" ? "flag" : hasDefault || d.optional ? "option" : "positional";
  return {
    key,
    flag,
    kind,
    type,
    choices: d.choices,
    hasDefault,
    defaultValue: d.default,
    absent: undefined,
    description: d.description,
  };
}

/**
 * Normalises a command's `args` into specs, in key order. Zod schemas are recognised by their
 * `_zod` property, so this never loads Zod.
 *
 * @example
 * ```ts
 * toArgSpecs({ name: String, limit: { type: Number, default: 10 }, verbose: Boolean });
 * ```
 */
export function toArgSpecs(args: ArgsShape | undefined): ArgSpec[] {
  const specs: ArgSpec[] = [];
  const flags = new Map<string, string>();
  for (const [key, d] of Object.entries(args ?? {})) {
    const flag = `--${kebabCase(key)}`;
    if (RESERVED.has(kebabCase(key)))
      throw new ArgumentDefinitionError(`argument '${key}': --${kebabCase(key)} is reserved for help`);
    const clash = flags.get(flag);
    if (clash !== undefined)
      throw new ArgumentDefinitionError(`arguments '${clash}' and '${key}' both map to ${flag}`);
    flags.set(flag, key);
    let spec: ArgSpec;
    if (isZodSchema(d)) spec = zodToArg(key, flag, d);
    else if (typeof d === "function") {
      const t = plainType(d);
      spec =
        t === undefined
          ? {
              key,
              flag,
              kind: "dependency",
              type: "string",
              hasDefault: false,
              absent: undefined,
              dependency: d as Constructor,
            }
          : {
              key,
              flag,
              kind: t === "boolean" ? "flag" : "positional",
              type: t,
              hasDefault: false,
              absent: undefined,
            };
    } else if (d !== null && typeof d === "object") spec = fromOptions(key, flag, d as ArgOptions);
    else throw new ArgumentDefinitionError(`argument '${key}': unsupported descriptor ${String(d)}`);
    specs.push(spec);
  }
  return specs;
}
