// Maps one Zod schema to an `ArgSpec` (`zodToArg()`, `isZodSchema()`): the only file of
// registers/cli that understands Zod. It reads schemas through `_zod.def` (structurally: Zod is
// never imported, so a CLI without schemas never pays for loading it) and validates through the
// Standard Schema `~standard.validate` every Zod 4 schema carries. May import types.ts and
// errors.ts; never `zod`.

import { extras } from "./arg-extras.js";
import { ArgumentDefinitionError } from "./errors.js";
import type { ArgKind, ArgMeta, ArgSpec, Choice, Validation, ValueType, ZodLike } from "./types.js";

interface Def {
  type: string;
  innerType?: ZodLike;
  defaultValue?: unknown;
  in?: ZodLike;
  format?: string;
  checks?: { _zod?: { def?: { format?: string } } }[];
  entries?: Record<string, Choice>;
  values?: Choice[];
  options?: ZodLike[];
  element?: ZodLike;
}

type StandardResult = { value?: unknown; issues?: readonly { message: string; path?: readonly unknown[] }[] };
interface Standard {
  "~standard"?: { validate?: (value: unknown) => StandardResult | Promise<StandardResult> };
}

const def = (s: ZodLike): Def => s._zod.def as Def;

/**
 * True when `value` is a Zod 4 schema (it has a `_zod.def`), checked without importing Zod.
 *
 * @example
 * ```ts
 * isZodSchema(z.string()); // true
 * isZodSchema(String); // false
 * ```
 */
export function isZodSchema(value: unknown): value is ZodLike {
  if (value === null || typeof value !== "object") return false;
  const internals = (value as { _zod?: { def?: { type?: unknown } } })._zod;
  return typeof internals?.def?.type === "string";
}

function literalChoices(s: ZodLike): Choice[] | undefined {
  const d = def(s);
  if (d.type === "enum") return Object.values(d.entries ?? {});
  if (d.type === "literal") return d.values;
  if (d.type === "union") {
    const all: Choice[] = [];
    for (const o of d.options ?? []) {
      const c = literalChoices(o);
      if (c === undefined) return undefined;
      all.push(...c);
    }
    return all;
  }
  return undefined;
}

function valueType(key: string, s: ZodLike): { type: ValueType; choices?: Choice[] } {
  const d = def(s);
  switch (d.type) {
    case "string":
      return { type: "string" };
    case "number": {
      const int = d.format?.includes("int") || d.checks?.some((c) => c._zod?.def?.format?.includes("int"));
      return { type: int ? "int" : "number" };
    }
    case "bigint":
      return { type: "bigint" };
    case "boolean":
      return { type: "boolean" };
    case "pipe":
      return valueType(key, d.in as ZodLike);
    case "enum":
    case "literal":
    case "union": {
      const choices = literalChoices(s);
      if (choices?.every((c) => ["string", "number", "boolean"].includes(typeof c)))
        return { type: "choice", choices };
      break;
    }
  }
  throw new ArgumentDefinitionError(
    `argument '${key}': a z.${d.type}() schema cannot be read from the command line; use a string, number, int, bigint, boolean, enum or literal schema`,
  );
}

function describe(s: ZodLike): string | undefined {
  const text = (s as { description?: unknown }).description;
  return typeof text === "string" ? text : undefined;
}

/** The schema's `.meta()` (Zod's global registry, read through the schema's own method). */
function metaOf(s: ZodLike): ArgMeta | undefined {
  const read = (s as { meta?: unknown }).meta;
  if (typeof read !== "function") return undefined;
  const meta = read.call(s) as unknown;
  return meta !== null && typeof meta === "object" ? (meta as ArgMeta) : undefined;
}

function validator(schema: ZodLike): ((value: unknown) => Validation) | undefined {
  const validate = (schema as Standard)["~standard"]?.validate;
  if (typeof validate !== "function") return undefined;
  return (value) => {
    const r = validate(value);
    if (r instanceof Promise)
      return { ok: false, message: "asynchronous schemas are not supported for arguments" };
    if (r.issues && r.issues.length > 0)
      return { ok: false, message: r.issues.map((i) => i.message).join("; ") };
    return { ok: true, value: r.value };
  };
}

/**
 * Command-line settings given beside a schema (`{ schema, short, optional, ... }` descriptors).
 *
 * @example
 * ```ts
 * zodToArg("email", "--email", z.email(), { named: true, prompt: true } satisfies ZodArgSettings);
 * ```
 */
export interface ZodArgSettings extends ArgMeta {
  /** An `--option` that may be left out; the schema is not run on the missing value. */
  readonly optional?: boolean;
  readonly description?: string;
}

/**
 * Maps one Zod schema to an argument spec: required scalars are positional, booleans are flags,
 * `.optional()` / `.nullable()` / `.default()` make an `--option`, enums and literal unions are
 * choices, `.describe()` is the help text.
 *
 * @example
 * ```ts
 * zodToArg("limit", "--limit", z.int().default(10)); // { kind: "option", type: "int", defaultValue: 10, ... }
 * ```
 */
export function zodToArg(key: string, flag: string, schema: ZodLike, settings: ZodArgSettings = {}): ArgSpec {
  let s = schema;
  let optional = settings.optional === true;
  let nullable = false;
  let hasDefault = false;
  let defaultValue: unknown;
  let description = settings.description ?? describe(s);
  // The settings, then the metadata of the outer wrappers, win over the inner schema's.
  const meta: { -readonly [K in keyof ArgMeta]: ArgMeta[K] } = {};
  const take = (m: ArgMeta | undefined) => {
    for (const name of ["short", "env", "prompt", "secret", "named"] as const)
      if (m?.[name] !== undefined && meta[name] === undefined)
        (meta as Record<string, unknown>)[name] = m[name];
  };
  take(settings);
  take(metaOf(s));
  for (;;) {
    const d = def(s);
    if (d.type === "optional") optional = true;
    else if (d.type === "nullable") nullable = true;
    else if (d.type === "default" || d.type === "prefault") {
      if (!hasDefault) defaultValue = d.defaultValue;
      hasDefault = true;
    } else if (d.type === "readonly" || d.type === "catch" || d.type === "nonoptional") {
      // same command-line shape as the inner schema
    } else break;
    s = d.innerType as ZodLike;
    description ??= describe(s);
    take(metaOf(s));
  }
  const multiple = def(s).type === "array";
  if (multiple) {
    s = def(s).element as ZodLike;
    take(metaOf(s));
  }
  const { type, choices } = valueType(key, s);
  if (multiple && type === "boolean")
    throw new ArgumentDefinitionError(
      `argument '${key}': an array of booleans cannot be read from the command line`,
    );
  const kind: ArgKind =
    type === "boolean" ? "flag" : optional || nullable || hasDefault || meta.named ? "option" : "positional";
  const validate = validator(schema);
  return {
    ...extras(key, meta),
    ...(kind === "option" && !(optional || nullable || hasDefault) ? { required: true } : {}),
    ...(multiple ? { multiple } : {}),
    key,
    flag,
    kind,
    type,
    choices,
    hasDefault,
    defaultValue,
    absent: nullable && !optional ? null : undefined,
    description,
    // `settings.optional` wraps a schema that would refuse a missing value: it is not run then.
    validate:
      settings.optional && validate
        ? (value: unknown) => (value === undefined ? { ok: true, value } : validate(value))
        : validate,
  };
}
