// Normalises a command's `args` descriptors (Zod schemas, `String`/`Number`/`Boolean`, plain
// option objects, dependency classes) into the `ArgSpec`s the parser, help, completion and
// dispatcher read: `toArgSpecs()` and `kebabCase()`. May import types.ts, errors.ts and
// zod-to-args.ts (which reads schemas structurally), never Zod itself.
import { ArgumentDefinitionError } from "./errors.js";
import type { ArgKind, ArgOptions, ArgSpec, ArgsShape, Choice, Constructor, ValueType } from "./types.js";
import { isZodSchema, zodToArg } from "./zod-to-args.js";

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
