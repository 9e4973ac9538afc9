import type { Dialect } from "./dialect/dialect.js";
import { InvalidQueryError } from "./errors.js";
import type { FieldInfo } from "./zod-to-columns.js";

/**
 * Equality criteria: `{ field: value }`. An array means `IN (...)`, `null` means `IS NULL`.
 * `undefined` is rejected (`InvalidQueryError`), never dropped.
 *
 * @example
 * ```ts
 * const criteria: Criteria<{ role: string; age: number | null }> = { role: ["admin", "owner"], age: null };
 * ```
 */
export type Criteria<D> = { [K in keyof D]?: D[K] | readonly D[K][] };

/** One compiled term: the SQL shape of a criteria entry. */
export interface Term {
  readonly column: string;
  /** `=`, `null` (IS NULL), `in` (with `count` parameters), `none` (an empty IN: matches nothing). */
  readonly op: "=" | "null" | "in" | "none";
  readonly count: number;
}

/**
 * Criteria compiled to bound parameters and a shape. Statements are cached by `shape`, so the SQL
 * text (`where()`) is built only the first time a shape is seen.
 */
export interface CompiledCriteria {
  /** Stable across calls with the same fields and operators (not values): the statement cache key. */
  readonly shape: string;
  /** Encoded parameter values, in order. */
  readonly params: unknown[];
  readonly terms: readonly Term[];
}

const EMPTY: CompiledCriteria = { shape: "", params: [], terms: [] };

/**
 * Compiles criteria for one model: validates field names and values against the model's schema
 * before any SQL runs, encodes values through the dialect, and renders the `WHERE` clause.
 * New operators (`{ age: { gt: 18 } }`) add a `Term` op and a case in `#term` / `where`.
 *
 * @example
 * ```ts
 * const compiler = new CriteriaCompiler(dialect, fieldsByName, "users");
 * const compiled = compiler.compile({ email: "a@example.com" });
 * const sql = `SELECT * FROM "users"${compiler.where(compiled.terms, 1)}`; // WHERE "email" = ?
 * ```
 */
export class CriteriaCompiler {
  readonly #dialect: Dialect;
  readonly #fields: ReadonlyMap<string, FieldInfo>;
  readonly #table: string;
  /** Per field: the shared `=` and `IS NULL` terms and their shapes (no allocation per call). */
  readonly #eq = new Map<string, { term: Term; shape: string }>();
  readonly #isNull = new Map<string, { term: Term; shape: string }>();

  constructor(dialect: Dialect, fields: ReadonlyMap<string, FieldInfo>, table: string) {
    this.#dialect = dialect;
    this.#fields = fields;
    this.#table = table;
    for (const name of fields.keys()) {
      this.#eq.set(name, {
        term: Object.freeze({ column: name, op: "=", count: 1 }),
        shape: `${name}\u0000=1\u0000`,
      });
      this.#isNull.set(name, {
        term: Object.freeze({ column: name, op: "null", count: 0 }),
        shape: `${name}\u0000null0\u0000`,
      });
    }
  }

  /** Validates and compiles `criteria` (`undefined` or `{}` means no filter). */
  compile(criteria: unknown): CompiledCriteria {
    if (criteria === undefined) return EMPTY;
    if (!isPlainObject(criteria)) {
      throw new InvalidQueryError(`criteria for "${this.#table}" must be an object like { field: value }`);
    }
    let shape = "";
    let terms: Term[] | null = null;
    let params: unknown[] | null = null;
    for (const name in criteria) {
      const value = (criteria as Record<string, unknown>)[name];
      const field = this.#field(name);
      terms ??= [];
      params ??= [];
      if (value === null) {
        const shared = this.#isNull.get(name) as { term: Term; shape: string };
        terms.push(shared.term);
        shape = shape === "" ? shared.shape : shape + shared.shape;
      } else if (Array.isArray(value) || value === undefined) {
        const term = this.#term(field, value, params);
        terms.push(term);
        shape += `${name}\u0000${term.op}${term.count}\u0000`;
      } else {
        const shared = this.#eq.get(name) as { term: Term; shape: string };
        params.push(this.value(field, value));
        terms.push(shared.term);
        shape = shape === "" ? shared.shape : shape + shared.shape;
      }
    }
    return terms === null ? EMPTY : { shape, params: params as unknown[], terms };
  }

  /** The field named in criteria, or `InvalidQueryError` naming it and the fields that exist. */
  #field(name: string): FieldInfo {
    const field = this.#fields.get(name);
    if (field === undefined) {
      throw new InvalidQueryError(
        `unknown field "${name}" in criteria for "${this.#table}"; fields: ${[...this.#fields.keys()].join(", ")}`,
      );
    }
    return field;
  }

  #term(field: FieldInfo, value: unknown, params: unknown[]): Term {
    if (value === undefined) {
      throw new InvalidQueryError(
        `criteria field "${field.name}" is undefined: pass a value, null (IS NULL), or leave the field out`,
      );
    }
    if (value === null) return { column: field.name, op: "null", count: 0 };
    if (Array.isArray(value) && field.kind !== "json") {
      if (value.length === 0) return { column: field.name, op: "none", count: 0 };
      for (const item of value) params.push(this.value(field, item));
      return { column: field.name, op: "in", count: value.length };
    }
    params.push(this.value(field, value));
    return { column: field.name, op: "=", count: 1 };
  }

  /** Validates one value against the field's schema and encodes it for the dialect. */
  value(field: FieldInfo, value: unknown): unknown {
    if (value === undefined || value === null) {
      throw new InvalidQueryError(
        `criteria field "${field.name}" cannot match ${String(value)} inside a list`,
      );
    }
    const result = field.schema.safeParse(value);
    if (!result.success) {
      const detail = result.error.issues[0]?.message ?? "invalid value";
      throw new InvalidQueryError(
        `invalid value for "${field.name}" in criteria for "${this.#table}": ${detail} (got ${describe(value)})`,
        { cause: result.error },
      );
    }
    return this.#dialect.encode(field.kind, result.data);
  }

  /** Renders ` WHERE ...` (or `""`) with placeholders numbered from `firstParam`. */
  where(terms: readonly Term[], firstParam: number): string {
    if (terms.length === 0) return "";
    const dialect = this.#dialect;
    let next = firstParam;
    const parts = terms.map((term) => {
      const column = dialect.quote(term.column);
      switch (term.op) {
        case "null":
          return `${column} IS NULL`;
        case "none":
          return "1 = 0";
        case "in": {
          const placeholders: string[] = [];
          for (let i = 0; i < term.count; i++) placeholders.push(dialect.param(next++));
          return `${column} IN (${placeholders.join(", ")})`;
        }
        default:
          return `${column} = ${dialect.param(next++)}`;
      }
    });
    return ` WHERE ${parts.join(" AND ")}`;
  }
}

/** `orderBy` as `filter` accepts it: `"name"`, `"-name"` (descending), or `[["name", "asc"], ...]`. */
export type OrderBy<D> =
  | (keyof D & string)
  | `-${keyof D & string}`
  | ReadonlyArray<readonly [keyof D & string, "asc" | "desc"]>;

/**
 * Compiles `orderBy` to ` ORDER BY ...`, validating field names. Returns the SQL (its own shape).
 * NULLs sort as the smallest value (first ascending, last descending) on every database.
 *
 * @example
 * ```ts
 * compileOrderBy("-name", fields, dialect, "users"); // ' ORDER BY "name" DESC'
 * ```
 */
export function compileOrderBy(
  orderBy: unknown,
  fields: ReadonlyMap<string, FieldInfo>,
  dialect: Dialect,
  table: string,
): string {
  if (orderBy === undefined || orderBy === null) return "";
  const items: Array<[string, string]> = [];
  if (typeof orderBy === "string") {
    items.push(orderBy.startsWith("-") ? [orderBy.slice(1), "desc"] : [orderBy, "asc"]);
  } else if (Array.isArray(orderBy)) {
    for (const item of orderBy) {
      if (!Array.isArray(item) || typeof item[0] !== "string" || (item[1] !== "asc" && item[1] !== "desc")) {
        throw new InvalidQueryError(`orderBy entries must be [field, "asc" | "desc"], got ${describe(item)}`);
      }
      items.push([item[0], item[1]]);
    }
  } else {
    throw new InvalidQueryError(
      `orderBy must be "field", "-field" or [["field", "asc"]], got ${describe(orderBy)}`,
    );
  }
  if (items.length === 0) return "";
  return ` ORDER BY ${items
    .map(([name, direction]) => {
      if (!fields.has(name)) {
        throw new InvalidQueryError(
          `unknown field "${name}" in orderBy for "${table}"; fields: ${[...fields.keys()].join(", ")}`,
        );
      }
      const column = dialect.quote(name);
      const field = fields.get(name) as FieldInfo;
      const sql = `${column} ${direction === "desc" ? "DESC" : "ASC"}`;
      if (!field.nullable && !field.optional) return sql;
      // NULL sorts first ascending and last descending on every database (PostgreSQL's default is
      // the opposite); written portably, as MySQL has no NULLS FIRST/LAST.
      return `(${column} IS NULL) ${direction === "desc" ? "ASC" : "DESC"}, ${sql}`;
    })
    .join(", ")}`;
}

/**
 * Whether a value is a plain object (criteria, data), not an array, Date or class instance.
 *
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject(new Date()); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date) return `Date(${value.toISOString()})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
