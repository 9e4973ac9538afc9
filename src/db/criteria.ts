/**
 * Criteria: validates a criteria object (values, lists, operators, `or`/`and`/`not`) against the
 * model's fields and compiles it to a `WHERE` condition with bound parameters, cached by shape. It
 * re-exports the criteria types and `orderBy` helpers for the manager. It may import criteria-types,
 * describe-value, order-by, dialect types, errors and zod-to-columns.
 */
import { existsSql, relationModes } from "./criteria-relations.js";
import { beyond, join, pattern } from "./criteria-terms.js";
import type { CompiledCriteria, LeafOp, RelationJoin, Term } from "./criteria-types.js";
import { describe, isPlainObject } from "./describe-value.js";
import type { Dialect } from "./dialect/dialect.js";
import { InvalidQueryError } from "./errors.js";
import { type FieldInfo, unstorable } from "./zod-to-columns.js";

export type * from "./criteria-types.js";
export { isPlainObject } from "./describe-value.js";
export { compileOrderBy, type OrderBy, type OrderItem, parseOrderBy, renderOrderBy } from "./order-by.js";

const EMPTY: CompiledCriteria = { shape: "", params: [], terms: [] };
const MAX_DEPTH = 32;
const LOGICAL = new Set(["or", "and", "not"]);
const COMPARISONS: Record<string, LeafOp> = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };
const PATTERNS = new Set(["like", "ilike", "contains", "startsWith", "endsWith"]);
const OPERATORS = new Set([...Object.keys(COMPARISONS), "in", "notIn", "between", "isNull", ...PATTERNS]);
const STRING_KINDS = new Set(["string", "enum", "uuid"]);
/** 2^63: integer columns hold [-2^63, 2^63 - 1] (a float bound is compared against these). */
const INT64_LIMIT = 2 ** 63;

/** Options of a `CriteriaCompiler`. */
export interface CriteriaCompilerOptions {
  /** Fields criteria may not name (stored hashed), with the message to give. */
  readonly unmatchable?: ReadonlyMap<string, string>;
  /**
   * The relationship of this name, for relationship filters (`{ posts: { some: {...} } }`), or
   * `undefined` when the model has none by that name. Its `compiler` is the related model's.
   */
  readonly relations?: (name: string) => RelationJoin | undefined;
}

/**
 * Compiles criteria for one model: validates field names, operators and values against the model's
 * schema before any SQL runs, encodes values through the dialect, and renders the `WHERE` clause.
 *
 * @example
 * ```ts
 * const compiler = new CriteriaCompiler(dialect, fieldsByName, "users");
 * const compiled = compiler.compile({ email: "a@example.com", age: { gte: 18 } });
 * const sql = `SELECT * FROM "users"${compiler.where(compiled.terms, 1)}`; // WHERE "email" = ? AND "age" >= ?
 * ```
 */
export class CriteriaCompiler {
  readonly #dialect: Dialect;
  readonly #fields: ReadonlyMap<string, FieldInfo>;
  readonly #table: string;
  readonly #unmatchable: ReadonlyMap<string, string>;
  readonly #relations: CriteriaCompilerOptions["relations"];
  /** Per field: the shared `=` and `IS NULL` terms and their shapes (no allocation per call). */
  readonly #eq = new Map<string, { term: Term; shape: string }>();
  readonly #isNull = new Map<string, { term: Term; shape: string }>();
  /** Most parameters criteria may bind: the dialect's limit less what the manager adds (see constructor). */
  readonly #maxParams: number;

  constructor(
    dialect: Dialect,
    fields: ReadonlyMap<string, FieldInfo>,
    table: string,
    options: CriteriaCompilerOptions = {},
  ) {
    this.#dialect = dialect;
    this.#fields = fields;
    this.#table = table;
    this.#unmatchable = options.unmatchable ?? new Map();
    this.#relations = options.relations;
    // Statements bind more than criteria: updateWhere's assignments (one per field), a keyset
    // position (up to n(n+1)/2 for n order items), LIMIT and OFFSET.
    const n = fields.size + 1;
    this.#maxParams = Math.max(1, dialect.maxParameters - (n * (n + 1)) / 2 - 2);
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
    const params: unknown[] = [];
    const out = { shape: "" };
    const terms = this.#group(criteria, params, out, 0);
    if (params.length > this.#maxParams) {
      throw new InvalidQueryError(
        `criteria for "${this.#table}" bind ${params.length} values, more than the ${this.#maxParams} one ` +
          `${this.#dialect.name} statement takes here (${this.#dialect.maxParameters} less room for the ` +
          "query's own values): match many values of one field with in / notIn, which bind a list as one value",
      );
    }
    return terms.length === 0 ? EMPTY : { shape: out.shape, params, terms };
  }

  /** Compiles one criteria object to ANDed terms, appending to `params` and `out.shape`. */
  #group(criteria: unknown, params: unknown[], out: { shape: string }, depth: number): Term[] {
    if (!isPlainObject(criteria)) {
      throw new InvalidQueryError(
        `criteria for "${this.#table}" must be an object like { field: value }, got ${describe(criteria)}`,
      );
    }
    if (depth > MAX_DEPTH) {
      throw new InvalidQueryError(`criteria for "${this.#table}" nest deeper than ${MAX_DEPTH} levels`);
    }
    const terms: Term[] = [];
    for (const name in criteria) {
      const value = criteria[name];
      if (!this.#fields.has(name) && LOGICAL.has(name)) {
        terms.push(this.#logical(name as "or" | "and" | "not", value, params, out, depth));
        continue;
      }
      const join = this.#fields.has(name) ? undefined : this.#relations?.(name);
      if (join !== undefined) {
        this.#relation(join, value, terms, params, out, depth);
        continue;
      }
      const field = this.#field(name);
      if (value === null) {
        const shared = this.#isNull.get(name) as { term: Term; shape: string };
        terms.push(shared.term);
        out.shape += shared.shape;
      } else if (Array.isArray(value) && field.kind !== "json") {
        terms.push(this.#list(field, value, "in", params, out));
      } else if (isPlainObject(value) && (field.kind !== "json" || isOperatorObject(value))) {
        this.#operators(field, value, terms, params, out);
      } else {
        const shared = this.#eq.get(name) as { term: Term; shape: string };
        params.push(this.value(field, value));
        terms.push(shared.term);
        out.shape += shared.shape;
      }
    }
    return terms;
  }

  #logical(
    op: "or" | "and" | "not",
    value: unknown,
    params: unknown[],
    out: { shape: string },
    depth: number,
  ): Term {
    out.shape += `\u0001${op}`;
    let children: Term[];
    if (op === "not") {
      if (!isPlainObject(value)) {
        throw new InvalidQueryError(`"not" in criteria for "${this.#table}" takes one criteria object`);
      }
      children = this.#group(value, params, out, depth + 1);
    } else {
      if (!Array.isArray(value)) {
        throw new InvalidQueryError(
          `"${op}" in criteria for "${this.#table}" takes a list of criteria objects, e.g. { ${op}: [{ a: 1 }, { b: 2 }] }`,
        );
      }
      children = value.map((item) => {
        out.shape += "\u0003";
        return { op: "and", children: this.#group(item, params, out, depth + 1) } as Term;
      });
    }
    out.shape += "\u0002";
    return { op, children };
  }

  /** A relationship filter: one term per mode, over criteria compiled by the related model's compiler. */
  #relation(
    join: RelationJoin,
    value: unknown,
    terms: Term[],
    params: unknown[],
    out: { shape: string },
    depth: number,
  ): void {
    const related = join.compiler as CriteriaCompiler;
    for (const [mode, criteria] of relationModes(value, this.#table, join.name)) {
      out.shape += `\u0001${join.name}.${mode}`;
      let children = related.#group(criteria, params, out, depth + 1);
      if (join.scope !== undefined) children = join.scope(children);
      out.shape += "\u0002";
      terms.push({ op: mode, join, children });
    }
  }

  #operators(
    field: FieldInfo,
    ops: Record<string, unknown>,
    terms: Term[],
    params: unknown[],
    out: { shape: string },
  ): void {
    let any = false;
    for (const op in ops) {
      any = true;
      const value = ops[op];
      if (!OPERATORS.has(op)) {
        throw new InvalidQueryError(
          `unknown operator "${op}" on "${field.name}" in criteria for "${this.#table}"; operators: ${[...OPERATORS].join(", ")}`,
        );
      }
      if (value === undefined) {
        throw new InvalidQueryError(
          `operator "${op}" on "${field.name}" is undefined: pass a value or leave the operator out`,
        );
      }
      if (field.kind === "json" && op !== "isNull") {
        throw new InvalidQueryError(
          `"${field.name}" is a JSON field: criteria can only test it with isNull or match it whole`,
        );
      }
      let term: Term;
      if (op === "isNull") {
        if (typeof value !== "boolean") {
          throw new InvalidQueryError(
            `isNull on "${field.name}" takes true or false, got ${describe(value)}`,
          );
        }
        term = { column: field.name, op: value ? "null" : "notNull", count: 0 };
      } else if (op === "between") {
        this.#between(field, value, terms, params, out);
        continue;
      } else if (op === "in" || op === "notIn") {
        if (!Array.isArray(value)) {
          throw new InvalidQueryError(`${op} on "${field.name}" takes a list, got ${describe(value)}`);
        }
        terms.push(this.#list(field, value, op, params, out));
        continue;
      } else if (PATTERNS.has(op)) {
        if (!STRING_KINDS.has(field.kind)) {
          throw new InvalidQueryError(
            `${op} works on text fields only; "${field.name}" holds ${field.kind} values (use eq, gt, lt, in ...)`,
          );
        }
        if (typeof value !== "string") {
          throw new InvalidQueryError(`${op} on "${field.name}" takes a string, got ${describe(value)}`);
        }
        params.push(pattern(op, value));
        term = { column: field.name, op: op === "ilike" ? "ilike" : "like", count: 1 };
      } else if (op === "eq") {
        params.push(this.value(field, value));
        term = { column: field.name, op: "=", count: 1 };
      } else {
        term = this.#comparison(field, op, value, params);
      }
      terms.push(term);
      out.shape += `${field.name}\u0000${term.op}${(term as { count: number }).count}\u0000`;
    }
    if (!any) {
      throw new InvalidQueryError(
        `criteria field "${field.name}" has an empty operator object: give an operator such as { gt: 1 }, or leave the field out`,
      );
    }
  }

  /**
   * `between: [low, high]`: `>= low` and `<= high`, each bound validated and rounded as `gte` and
   * `lte` are (so `{ between: [1.5, 3.5] }` on an integer field is `>= 2 AND <= 3`).
   */
  #between(field: FieldInfo, value: unknown, terms: Term[], params: unknown[], out: { shape: string }): void {
    if (
      !Array.isArray(value) ||
      value.length !== 2 ||
      value.some((bound) => bound === null || bound === undefined)
    ) {
      throw new InvalidQueryError(
        `between on "${field.name}" in criteria for "${this.#table}" takes [low, high] (two values, both ends included), got ${describe(value)}`,
      );
    }
    for (const [op, bound] of [
      ["gte", value[0]],
      ["lte", value[1]],
    ] as const) {
      const term = this.#comparison(field, op, bound, params, "between");
      terms.push(term);
      out.shape += `${field.name}\u0000${term.op}${(term as { count: number }).count}\u0000`;
    }
  }

  #list(
    field: FieldInfo,
    value: readonly unknown[],
    op: "in" | "notIn",
    params: unknown[],
    out: { shape: string },
  ): Term {
    let term: Term;
    if (value.length === 0) {
      term = { column: field.name, op: op === "in" ? "none" : "notNull", count: 0 };
    } else if (value.length === 1) {
      // One value: `=` / `<>` (same NULL semantics), which every planner answers with one index lookup.
      params.push(this.value(field, value[0]));
      term = { column: field.name, op: op === "in" ? "=" : "<>", count: 1 };
    } else {
      const values = new Array<unknown>(value.length);
      for (let i = 0; i < value.length; i++) values[i] = this.#checked(field, value[i]);
      params.push(this.#dialect.encodeList(field.kind, values));
      term = { column: field.name, op, count: 1 };
    }
    out.shape += `${field.name}\u0000${term.op}${(term as { count: number }).count}\u0000`;
    return term;
  }

  /** The field named in criteria, or `InvalidQueryError` naming it and the fields that exist. */
  #field(name: string): FieldInfo {
    const field = this.#fields.get(name);
    if (field === undefined) {
      throw new InvalidQueryError(
        `unknown field "${name}" in criteria for "${this.#table}"; fields: ${[...this.#fields.keys()].join(", ")}`,
      );
    }
    const refusal = this.#unmatchable.get(name);
    if (refusal !== undefined) throw new InvalidQueryError(refusal);
    return field;
  }

  /**
   * A comparison (`ne`, `gt`, `gte`, `lt`, `lte`): the bound is checked against the field's type only,
   * not its refinements (`{ age: { gt: -1 } }` is fine on `z.int().min(0)`), and encoded for the
   * dialect. A number compares as numbers do on every database: on an integer or bigint field a
   * fraction is rounded the way the operator needs (`gt: 35.5` is `> 35`, `lte: 35.5` is `<= 35`,
   * `ne: 35.5` matches every non-null value), and a bound beyond every 64-bit integer (or ±Infinity,
   * on any numeric field) becomes "every non-null value" or "none" without a parameter. NaN, and
   * bigints or dates no database stores (`unstorable`), are an `InvalidQueryError`.
   */
  #comparison(field: FieldInfo, op: string, value: unknown, params: unknown[], label = op): Term {
    const column = field.name;
    const d = this.#dialect;
    let bound = value;
    let ok: boolean;
    switch (field.kind) {
      case "integer":
      case "bigint":
        if (typeof value === "number" && !Number.isNaN(value))
          return this.#integerComparison(field, op, value, params);
        ok = field.kind === "bigint" && typeof value === "bigint";
        break;
      case "float":
        ok = typeof value === "number" && !Number.isNaN(value);
        if (ok && !Number.isFinite(value)) return beyond(column, op, (value as number) > 0);
        break;
      case "boolean":
        ok = typeof value === "boolean";
        break;
      case "date":
        ok = value instanceof Date && !Number.isNaN(value.getTime());
        break;
      default:
        ok = typeof value === "string";
    }
    if (!ok) {
      throw new InvalidQueryError(
        `${label} on "${field.name}" in criteria for "${this.#table}" takes a ${field.kind} value, got ${describe(value)}`,
      );
    }
    const problem = unstorable(field.kind, bound);
    if (problem !== undefined) {
      throw new InvalidQueryError(
        `${label} on "${field.name}" in criteria for "${this.#table}": ${problem} (got ${describe(value)})`,
      );
    }
    if (field.kind === "bigint") bound = BigInt(bound as bigint);
    params.push(d.encode(field.kind, bound));
    return { column, op: COMPARISONS[op], count: 1 };
  }

  /** A number bound on an integer column: rounded toward the operator, or beyond every stored value. */
  #integerComparison(field: FieldInfo, op: string, value: number, params: unknown[]): Term {
    if (op === "ne" && !Number.isInteger(value)) return beyond(field.name, op, false);
    // x > 35.5 <=> x > 35 and x <= 35.5 <=> x <= 35 (floor); x >= 35.5 <=> x >= 36 and x < 35.5 <=> x < 36 (ceil).
    const rounded = op === "gt" || op === "lte" ? Math.floor(value) : op === "ne" ? value : Math.ceil(value);
    if (rounded >= INT64_LIMIT) return beyond(field.name, op, true);
    if (rounded < -INT64_LIMIT) return beyond(field.name, op, false);
    const d = this.#dialect;
    params.push(
      field.kind === "integer" && Number.isSafeInteger(rounded)
        ? d.encode("integer", rounded)
        : d.encode("bigint", BigInt(rounded)),
    );
    return { column: field.name, op: COMPARISONS[op], count: 1 };
  }

  /** Validates one value against the field's schema and encodes it for the dialect. */
  value(field: FieldInfo, value: unknown): unknown {
    return this.#dialect.encode(field.kind, this.#checked(field, value));
  }

  /**
   * One value validated against the field's schema (refinements included, and `unstorable` values
   * refused by `FieldInfo.schema`), not yet encoded.
   */
  #checked(field: FieldInfo, value: unknown): unknown {
    if (value === undefined || value === null) {
      throw new InvalidQueryError(
        value === undefined
          ? `criteria field "${field.name}" is undefined: pass a value, null (IS NULL), or leave the field out`
          : `criteria field "${field.name}" cannot match null inside a list: use { isNull: true }`,
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
    return result.data;
  }

  /** Renders ` WHERE ...` (or `""`) with placeholders numbered from `firstParam`. */
  where(terms: readonly Term[], firstParam: number): string {
    return terms.length === 0 ? "" : ` WHERE ${this.condition(terms, firstParam)}`;
  }

  /** Renders the condition alone (no ` WHERE `); `"1 = 1"` for no terms. */
  condition(terms: readonly Term[], firstParam: number): string {
    return this.#and(terms, { next: firstParam }, "", 0);
  }

  /**
   * Terms ANDed. `qualifier` prefixes columns (the alias of a relationship subquery, `""` at the
   * top), `depth` numbers the aliases of nested relationship subqueries.
   */
  #and(terms: readonly Term[], counter: { next: number }, qualifier: string, depth: number): string {
    if (terms.length === 0) return "1 = 1";
    if (terms.length === 1) return this.#render(terms[0], counter, qualifier, depth);
    return join(
      terms.map((term) => this.#render(term, counter, qualifier, depth)),
      " AND ",
    );
  }

  #render(term: Term, counter: { next: number }, qualifier: string, depth: number): string {
    const d = this.#dialect;
    if ("join" in term) {
      const related = term.join.compiler as CriteriaCompiler;
      const refs = {
        owner: qualifier === "" ? d.quote(this.#table) : qualifier,
        alias: d.quote(`r${depth + 1}`),
        link: d.quote(`j${depth + 1}`),
      };
      const condition =
        term.children.length === 0 ? "" : related.#and(term.children, counter, refs.alias, depth + 1);
      return existsSql(d, term.join, refs, condition, term.op);
    }
    if ("children" in term) {
      if (term.op === "not") return `(${this.#and(term.children, counter, qualifier, depth)}) IS NOT TRUE`;
      if (term.op === "and") return `(${this.#and(term.children, counter, qualifier, depth)})`;
      if (term.children.length === 0) return "1 = 0";
      return `(${join(
        term.children.map((child) => this.#render(child, counter, qualifier, depth)),
        " OR ",
      )})`;
    }
    const column = qualifier === "" ? d.quote(term.column) : `${qualifier}.${d.quote(term.column)}`;
    switch (term.op) {
      case "null":
        return `${column} IS NULL`;
      case "notNull":
        return `${column} IS NOT NULL`;
      case "none":
        return "1 = 0";
      case "in":
      case "notIn": {
        const kind = (this.#fields.get(term.column) as FieldInfo).kind;
        return d.inList(column, kind, d.param(counter.next++), term.op === "notIn");
      }
      case "like":
        return d.like(column, d.param(counter.next++));
      case "ilike":
        return d.ilike(column, d.param(counter.next++));
      default:
        return `${column} ${term.op} ${d.param(counter.next++)}`;
    }
  }
}

/** Whether a JSON field's object value is an operator object (`{ isNull: true }`), not a JSON value. */
function isOperatorObject(value: Record<string, unknown>): boolean {
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => OPERATORS.has(key));
}
