/**
 * Compiled equivalents of a Zod object parse for models made of plain fields (strings, numbers,
 * integers, booleans, nullable, defaulted and optional wrappers, no checks): a row check that proves
 * a decoded row already is the parse's output, and an input parse that builds the output of valid
 * data without Zod's generic machinery. Each answers "not proven" (`false` / `undefined`) for
 * anything else, and the caller then runs Zod itself, so errors, coercions and every other kind
 * keep Zod's behaviour. A leaf: it imports only Zod's types.
 */
import type { z } from "zod";

interface ZodDef {
  readonly type: string;
  readonly format?: string;
  readonly checks?: readonly unknown[];
  readonly innerType?: z.ZodType;
  readonly catchall?: unknown;
  readonly defaultValue?: unknown;
}

function defOf(schema: unknown): ZodDef | undefined {
  return (schema as { _zod?: { def?: ZodDef } } | null)?._zod?.def;
}

/**
 * A JS expression over `value` that is true exactly when Zod would accept it and return it as it
 * is, or `null` when the schema is not one of the plain kinds this knows.
 *
 * @example
 * ```ts
 * fieldCheck(z.int().nullable(), "v"); // '(v === null || Number.isSafeInteger(v))'
 * ```
 */
export function fieldCheck(schema: unknown, value: string): string | null {
  const def = defOf(schema);
  if (def === undefined || (def.checks !== undefined && def.checks.length > 0)) return null;
  switch (def.type) {
    case "string":
      return def.format === undefined ? `typeof ${value} === "string"` : null;
    case "number":
      if (def.format === undefined) return `(typeof ${value} === "number" && Number.isFinite(${value}))`;
      return def.format === "safeint" ? `Number.isSafeInteger(${value})` : null;
    case "boolean":
      return `typeof ${value} === "boolean"`;
    case "nullable": {
      const inner = fieldCheck(def.innerType, value);
      return inner === null ? null : `(${value} === null || ${inner})`;
    }
    case "default": {
      // undefined takes the default: not "returned as it is"
      const inner = fieldCheck(def.innerType, value);
      return inner === null ? null : `(${value} !== undefined && ${inner})`;
    }
    default:
      return null;
  }
}

/** The object schema's shape when the object itself has no checks and no catchall. */
function plainShape(schema: z.ZodObject): Record<string, z.ZodType> | null {
  const def = defOf(schema);
  if (def === undefined || def.type !== "object" || (def.checks?.length ?? 0) > 0) return null;
  if (def.catchall !== undefined) return null;
  return schema.shape as Record<string, z.ZodType>;
}

/**
 * The input parse of an object schema whose fields are all plain (see `fieldCheck`, at the top level
 * also `.default()` and `.optional()` of one): returns what `schema.parse(data)` returns for valid
 * data, a new object with the shape's keys in order, defaults read as Zod reads them, or `undefined`
 * when it cannot prove the data valid. `null` when some field is not plain. Unknown keys are not its
 * concern (Zod strips them; callers refuse them first).
 *
 * @example
 * ```ts
 * const parse = compileInputParse(z.object({ id: z.int().nullable().default(null), name: z.string() }));
 * parse?.({ name: "Ann" }); // { id: null, name: "Ann" }
 * ```
 */
export function compileInputParse(
  schema: z.ZodObject,
): ((data: Record<string, unknown>) => Record<string, unknown> | undefined) | null {
  const shape = plainShape(schema);
  if (shape === null) return null;
  const defaults: ZodDef[] = [];
  const body: string[] = ["const o = {};", "let v;"];
  for (const [name, field] of Object.entries(shape)) {
    const key = JSON.stringify(name);
    const def = defOf(field);
    if (def === undefined) return null;
    body.push(`v = d[${key}];`);
    if (def.type === "default") {
      const inner = fieldCheck(def.innerType, "v");
      if (inner === null) return null;
      defaults.push(def);
      body.push(
        `if (v === undefined) o[${key}] = D[${defaults.length - 1}].defaultValue; else if (${inner}) o[${key}] = v; else return undefined;`,
      );
    } else if (def.type === "optional") {
      const inner = fieldCheck(def.innerType, "v");
      if (inner === null) return null;
      body.push(
        `if (v === undefined) { if (${key} in d) o[${key}] = undefined; } else if (${inner}) o[${key}] = v; else return undefined;`,
      );
    } else {
      const check = fieldCheck(field, "v");
      if (check === null) return null;
      body.push(`if (${check}) o[${key}] = v; else return undefined;`);
    }
  }
  body.push("return o;");
  return new Function("D", `return (d) => { ${body.join("\n")} };`)(defaults) as (
    data: Record<string, unknown>,
  ) => Record<string, unknown> | undefined;
}

/**
 * The row check of an object schema over `columns`: plain kinds inline, other fields through their
 * own schema (what it returns is written back, only when every field passed, as the object parse
 * would). `true` means the row, as it now is, equals what the object parse returns. `null` when the
 * object schema has checks of its own or a catchall, or no column is a plain kind.
 *
 * @example
 * ```ts
 * const check = compileRowCheck(User.schema, ["id", "name"]);
 * check?.({ id: 1, name: "Ann" }); // true
 * ```
 */
export function compileRowCheck(
  schema: z.ZodObject,
  columns: readonly string[],
): ((row: Record<string, unknown>) => boolean) | null {
  const shape = plainShape(schema);
  if (shape === null) return null;
  const parsed: Array<readonly [string, z.ZodType]> = [];
  const parts: string[] = [];
  for (const name of columns) {
    const field = shape[name];
    if (field === undefined) return null;
    const inline = fieldCheck(field, `r[${JSON.stringify(name)}]`);
    if (inline === null) parsed.push([name, field]);
    else parts.push(inline);
  }
  if (parts.length === 0) return null; // nothing to gain over the object parse
  type Row = Record<string, unknown>;
  if (parsed.length === 0)
    return new Function(`return (r) => ${parts.join(" && ")};`)() as (row: Row) => boolean;
  const values = new Array<unknown>(parsed.length);
  const parse = (row: Row): boolean => {
    for (let i = 0; i < parsed.length; i++) {
      const value = row[parsed[i][0]];
      if (value === undefined) return false; // absent keys: left to the object parse
      const result = parsed[i][1].safeParse(value);
      if (!result.success || result.data === undefined) return false;
      values[i] = result.data;
    }
    for (let i = 0; i < parsed.length; i++) row[parsed[i][0]] = values[i];
    return true;
  };
  return new Function("p", `return (r) => ${parts.join(" && ")} && p(r);`)(parse) as (row: Row) => boolean;
}
