// Normalises a command's `args` descriptors (Zod schemas, `String`/`Number`/`Boolean`, plain
// option objects, dependency classes) into the `ArgSpec`s the parser, help, completion and
// dispatcher read: `toArgSpecs()` and `kebabCase()`. May import types.ts, errors.ts and
// zod-to-args.ts (which reads schemas structurally), never Zod itself.

import { extras } from "./arg-extras.js";
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
  if (d.schema !== undefined) {
    if (!isZodSchema(d.schema))
      throw new ArgumentDefinitionError(`argument '${key}': schema must be a Zod schema`);
    return zodToArg(key, flag, d.schema, d);
  }
  const hasDefault = d.default !== undefined;
  const multiple = Array.isArray(d.type);
  const declared = multiple ? (d.type as readonly unknown[])[0] : d.type;
  if (multiple && (d.type as readonly unknown[]).length !== 1)
    throw new ArgumentDefinitionError(`argument '${key}': an array type holds one type, such as [String]`);
  if (hasDefault && Array.isArray(d.default) !== multiple)
    throw new ArgumentDefinitionError(
      `argument '${key}': ${multiple ? "the default of an array argument is an array" : "an array default needs an array type, such as [String]"}`,
    );
  const defaults: unknown[] = hasDefault ? (multiple ? [...(d.default as Choice[])] : [d.default]) : [];
  let type: ValueType | undefined;
  if (d.choices !== undefined) {
    if (!Array.isArray(d.choices) || d.choices.length === 0)
      throw new ArgumentDefinitionError(`argument '${key}': choices must be a non-empty array`);
    type = "choice";
  } else if (declared !== undefined) {
    type = plainType(declared);
    if (type === undefined)
      throw new ArgumentDefinitionError(`argument '${key}': type must be String, Number or Boolean`);
    if (type === "number" && d.integer) type = "int";
  } else if (hasDefault) {
    const t = typeof d.default;
    type = t === "number" ? (d.integer ? "int" : "number") : t === "boolean" ? "boolean" : "string";
  } else type = "string";
  if (multiple && type === "boolean")
    throw new ArgumentDefinitionError(`argument '${key}': [Boolean] is not supported; use Boolean`);
  for (const value of defaults)
    if (d.choices && !d.choices.includes(value as Choice))
      throw new ArgumentDefinitionError(
        `argument '${key}': default ${String(value)} is not one of its choices`,
      );
  const kind: ArgKind =
    type === "boolean" ? "flag" : hasDefault || d.optional || d.named ? "option" : "positional";
  return {
    ...(kind === "option" && !hasDefault && !d.optional ? { required: true } : {}),
    key,
    flag,
    kind,
    type,
    choices: d.choices,
    // A repeatable option left out gives [] (its type is an array, never undefined).
    hasDefault: hasDefault || (multiple && kind === "option"),
    defaultValue: hasDefault ? d.default : multiple ? [] : undefined,
    absent: undefined,
    description: d.description,
    ...extras(key, d),
    ...(multiple ? { multiple } : {}),
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
  const shorts = new Map<string, string>();
  let variadic: string | undefined;
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
    if (spec.short !== undefined) {
      const owner = shorts.get(spec.short);
      if (owner !== undefined)
        throw new ArgumentDefinitionError(`arguments '${owner}' and '${key}' both use -${spec.short}`);
      if (spec.kind !== "option" && spec.kind !== "flag")
        throw new ArgumentDefinitionError(
          `argument '${key}': -${spec.short} names an option or a flag; a positional argument has no short name`,
        );
      shorts.set(spec.short, key);
    }
    if (spec.multiple && spec.kind === "positional") variadic = key;
    else if (variadic !== undefined && spec.kind === "positional")
      throw new ArgumentDefinitionError(
        `argument '${variadic}' takes many values, so it must be the last positional argument ('${key}' follows it)`,
      );
    specs.push(spec);
  }
  return specs;
}
