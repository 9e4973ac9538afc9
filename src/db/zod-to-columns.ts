/**
 * Zod types to columns: describes each field of a model's schema (column kind, nullability,
 * default, enum values) and the ranges every database stores exactly. It may import dialect types
 * and errors.
 */
import type { z } from "zod";
import type { ColumnKind } from "./dialect/dialect.js";
import { ConfigurationError } from "./errors.js";

/** What registers needs to know about one field of a model schema. */
export interface FieldInfo {
  readonly name: string;
  readonly kind: ColumnKind;
  /** The schema accepts `null`. */
  readonly nullable: boolean;
  /** The schema accepts `undefined` (optional or defaulted): stored as NULL when absent. */
  readonly optional: boolean;
  readonly hasDefault: boolean;
  /** The default, when it is a plain literal (used for `DEFAULT` in `addColumn`). */
  readonly defaultValue?: string | number | boolean | bigint | null;
  readonly enumValues?: readonly string[];
  /** Marked `.meta({ index: true })` (at any wrapper level): the column gets a (non-unique) index. */
  readonly index?: boolean;
  /**
   * The field's own schema, used to validate criteria values and partial updates; for dates and
   * bigints it also refuses values no database stores exactly (see `unstorable`).
   */
  readonly schema: z.ZodType;
}

/** The instants every database stores exactly: 0001-01-01 to 9999-12-31 (UTC), in milliseconds. */
export const DATE_RANGE = {
  min: Date.parse("0001-01-01T00:00:00.000Z"),
  max: Date.parse("9999-12-31T23:59:59.999Z"),
} as const;

/** The `bigint` values every database stores: signed 64 bits. */
export const BIGINT_RANGE = { min: -(2n ** 63n), max: 2n ** 63n - 1n } as const;

/**
 * Why a value of a field of this kind cannot be stored exactly on every database, or `undefined`
 * when it can. Dates are stored from 0001-01-01 to 9999-12-31 (UTC): PostgreSQL has no year 0, the
 * ISO text SQLite stores sorts wrongly past 9999, and MariaDB's `DATETIME` ends there. Bigints are
 * signed 64-bit integers. Other kinds are left to the schema.
 *
 * @example
 * ```ts
 * unstorable("bigint", 2n ** 64n); // "bigint values are stored in signed 64 bits (...)"
 * unstorable("date", new Date("2024-01-01")); // undefined
 * ```
 */
export function unstorable(kind: ColumnKind, value: unknown): string | undefined {
  if (kind === "date" && value instanceof Date) {
    const time = value.getTime();
    if (time >= DATE_RANGE.min && time <= DATE_RANGE.max) return undefined;
    return Number.isNaN(time)
      ? "expected a valid Date"
      : "dates are stored from 0001-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z (UTC) on every database";
  }
  if (kind === "bigint" && typeof value === "bigint") {
    if (value >= BIGINT_RANGE.min && value <= BIGINT_RANGE.max) return undefined;
    return `bigint values are stored in signed 64 bits (${BIGINT_RANGE.min} to ${BIGINT_RANGE.max})`;
  }
  return undefined;
}

/** The field schema plus a check that refuses unstorable values (dates and bigints only). */
function storable(name: string, kind: ColumnKind, schema: z.ZodType): z.ZodType {
  if (kind !== "date" && kind !== "bigint") return schema;
  return schema.check((payload) => {
    const problem = unstorable(kind, payload.value);
    if (problem !== undefined) {
      payload.issues.push({ code: "custom", message: problem, input: payload.value, path: [name] });
    }
  });
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  format?: string;
  checks?: Array<{ _zod: { def: { check?: string; format?: string } } }>;
  entries?: Record<string, string | number>;
  values?: unknown[];
  defaultValue?: unknown;
  getter?: () => z.ZodType;
  options?: z.ZodType[];
}

const INTEGER_FORMATS = new Set(["safeint", "int32", "uint32", "int64", "uint64"]);
const UUID_FORMATS = new Set(["uuid", "uuidv4", "uuidv6", "uuidv7", "guid"]);

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

/**
 * Maps one Zod field schema to a column description, reading Zod only through `_zod.def`.
 * Wrappers (`optional`, `nullable`, `default`, `prefault`, `readonly`, `catch`, `pipe`, `lazy`) are
 * unwrapped; objects, arrays, records, tuples and unions become JSON columns.
 * Throws `ConfigurationError` for types a database cannot store (functions, maps, sets, ...).
 *
 * @example
 * ```ts
 * describeField("id", z.int().nullable().default(null));
 * // { name: "id", kind: "integer", nullable: true, optional: true, hasDefault: true, defaultValue: null, ... }
 * ```
 */
export function describeField(name: string, schema: z.ZodType): FieldInfo {
  let nullable = false;
  let optional = false;
  let hasDefault = false;
  let defaultValue: FieldInfo["defaultValue"];
  let index = false;
  let current = schema;
  for (let depth = 0; depth < 32; depth++) {
    const def = defOf(current);
    if (metaOf(current)?.index === true) index = true;
    switch (def.type) {
      case "optional":
        optional = true;
        current = def.innerType as z.ZodType;
        continue;
      case "nullable":
        nullable = true;
        current = def.innerType as z.ZodType;
        continue;
      case "default":
      case "prefault": {
        hasDefault = true;
        optional = true;
        const value = def.defaultValue;
        if (value === null) nullable = true;
        if (value === null || ["string", "number", "boolean", "bigint"].includes(typeof value)) {
          defaultValue = value as FieldInfo["defaultValue"];
        }
        current = def.innerType as z.ZodType;
        continue;
      }
      case "readonly":
      case "catch":
      case "nonoptional":
        current = def.innerType as z.ZodType;
        continue;
      case "pipe": {
        const out = def.out as z.ZodType;
        current = defOf(out).type === "transform" ? (def.in as z.ZodType) : out;
        continue;
      }
      case "lazy":
        current = (def.getter as () => z.ZodType)();
        continue;
      default: {
        const base = {
          name,
          nullable,
          optional,
          hasDefault,
          defaultValue,
          schema,
          ...(index ? { index } : {}),
        };
        if (def.type === "enum") {
          const values = Object.values(def.entries ?? {});
          if (values.every((v) => typeof v === "string"))
            return { ...base, kind: "enum", enumValues: values as string[] };
          return { ...base, kind: values.every((v) => Number.isInteger(v)) ? "integer" : "float" };
        }
        if (def.type === "literal") {
          const literal = literalKind(name, def.values ?? []);
          return { ...base, ...literal, schema: storable(name, literal.kind, schema) };
        }
        const kind = kindOf(name, def);
        return { ...base, kind, schema: storable(name, kind, schema) };
      }
    }
  }
  throw new ConfigurationError(`field "${name}": its schema nests too many wrappers to map to a column`);
}

/** The schema's `.meta()` (Zod's global registry, read through the schema's own method). */
function metaOf(schema: z.ZodType): { index?: unknown } | undefined {
  const read = (schema as { meta?: unknown }).meta;
  if (typeof read !== "function") return undefined;
  const meta = read.call(schema) as unknown;
  return meta !== null && typeof meta === "object" ? (meta as { index?: unknown }) : undefined;
}

function kindOf(name: string, def: Def): ColumnKind {
  switch (def.type) {
    case "number":
      if (def.format && INTEGER_FORMATS.has(def.format)) return "integer";
      if (
        def.checks?.some(
          (c) => c._zod.def.check === "number_format" && INTEGER_FORMATS.has(c._zod.def.format ?? ""),
        )
      ) {
        return "integer";
      }
      return "float";
    case "string":
      if (def.format && UUID_FORMATS.has(def.format)) return "uuid";
      if (def.checks?.some((c) => UUID_FORMATS.has(c._zod.def.format ?? ""))) return "uuid";
      return "string";
    case "boolean":
      return "boolean";
    case "date":
      return "date";
    case "bigint":
      return "bigint";
    case "object":
    case "array":
    case "record":
    case "tuple":
    case "union":
    case "intersection":
    case "any":
    case "unknown":
      return "json";
    default:
      throw new ConfigurationError(
        `field "${name}": a ${def.type} schema cannot be stored in a column; ` +
          "use a string, number, int, boolean, date, bigint, enum, or a JSON-serializable object/array",
      );
  }
}

function literalKind(name: string, values: unknown[]): { kind: ColumnKind; enumValues?: string[] } {
  if (values.every((v) => typeof v === "string")) return { kind: "enum", enumValues: values as string[] };
  if (values.every((v) => typeof v === "boolean")) return { kind: "boolean" };
  if (values.every((v) => Number.isInteger(v))) return { kind: "integer" };
  if (values.every((v) => typeof v === "number")) return { kind: "float" };
  if (values.every((v) => typeof v === "bigint")) return { kind: "bigint" };
  throw new ConfigurationError(`field "${name}": a literal of mixed types cannot be stored in one column`);
}

/**
 * The fields of a `z.object(...)` schema, in declaration order.
 *
 * @example
 * ```ts
 * describeShape(z.object({ id: z.int(), name: z.string() })).map((f) => f.kind); // ["integer", "string"]
 * ```
 */
export function describeShape(schema: z.ZodType): FieldInfo[] {
  const def = defOf(schema);
  if (def.type !== "object" || def.shape === undefined) {
    throw new ConfigurationError("a model schema must be a z.object(...)");
  }
  return Object.entries(def.shape).map(([name, field]) => describeField(name, field));
}

/**
 * Whether a value is a Zod schema (has `_zod.def`).
 *
 * @example
 * ```ts
 * isZodSchema(z.string()); // true
 * ```
 */
export function isZodSchema(value: unknown): value is z.ZodType {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { _zod?: { def?: unknown } })._zod?.def === "object"
  );
}

/**
 * Whether a Zod schema is a `z.object(...)`.
 *
 * @example
 * ```ts
 * isZodObject(z.object({})); // true
 * ```
 */
export function isZodObject(value: unknown): value is z.ZodObject {
  return isZodSchema(value) && defOf(value).type === "object";
}
