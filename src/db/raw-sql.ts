/**
 * Raw SQL, safely: the `sql` tagged template builds a `SqlFragment` in which every interpolated
 * value is a bound parameter and identifiers enter only through `sql.id()`; fragments nest
 * (`sql.join`, `${otherFragment}`), and `compileSql` renders one for a dialect (`?` or `$n`
 * placeholders, dialect quoting). A plain string where a template is expected is an
 * `InvalidQueryError`, so user input never becomes SQL text by accident. It may import the dialect
 * types, describe-value and errors.
 */
import { describe } from "./describe-value.js";
import type { Dialect } from "./dialect/dialect.js";
import { InvalidQueryError } from "./errors.js";

/**
 * What a raw SQL template may interpolate: a value bound as a parameter (`null`, a string, a finite
 * number, a bigint, a boolean, a valid Date, bytes), an identifier from `sql.id()`, or a fragment.
 *
 * @example
 * ```ts
 * const values: SqlValue[] = [42, "Ann", new Date(), null, sql.id("users"), sql`LIMIT ${10}`];
 * ```
 */
export type SqlValue =
  | string
  | number
  | bigint
  | boolean
  | Date
  | Uint8Array
  | null
  | SqlIdentifier
  | SqlFragment;

/**
 * A quoted identifier (table, column, alias), made by `sql.id()`: the only way a name enters raw SQL
 * text. Dotted paths are given as separate parts (`sql.id("public", "users")`).
 *
 * @example
 * ```ts
 * const table = sql.id("users"); // "users" on SQLite / PostgreSQL, `users` on MariaDB
 * ```
 */
export class SqlIdentifier {
  /** The name's parts (`["public", "users"]` for `"public"."users"`). */
  readonly parts: readonly string[];
  constructor(parts: readonly string[]) {
    if (parts.length === 0) throw new InvalidQueryError("sql.id() takes at least one name");
    for (const part of parts) {
      if (typeof part !== "string" || part === "" || part.includes("\u0000")) {
        throw new InvalidQueryError(
          `sql.id() takes non-empty names without NUL characters, got ${describe(part)}`,
        );
      }
    }
    this.parts = Object.freeze([...parts]);
  }
}

/**
 * A piece of SQL: literal text from a template, and what was interpolated into it (bound values,
 * identifiers, nested fragments). Immutable; build with the `sql` tag, `sql.join` or `sql.empty`.
 *
 * @example
 * ```ts
 * const adults = sql`age >= ${18}`;
 * const query = sql`SELECT * FROM ${sql.id("users")} WHERE ${adults} ORDER BY ${sql.id("name")}`;
 * ```
 */
export class SqlFragment {
  /** The literal text around the interpolations (one more than `values`). */
  readonly strings: readonly string[];
  readonly values: readonly SqlValue[];
  constructor(strings: readonly string[], values: readonly SqlValue[]) {
    this.strings = strings;
    this.values = Object.freeze([...values]);
  }
}

/** A fragment rendered for one dialect: the text with placeholders, and the parameters in order. */
export interface CompiledSql {
  readonly text: string;
  readonly params: unknown[];
}

/**
 * Whether `strings` is the strings array of a tagged template call: a frozen array of strings with a
 * frozen `raw` of the same length, one longer than the values. A string or an array built at run time
 * is not one.
 */
function isTemplate(strings: unknown, valueCount: number): strings is TemplateStringsArray {
  if (!Array.isArray(strings) || !Object.isFrozen(strings)) return false;
  const raw = (strings as { raw?: unknown }).raw;
  return (
    Array.isArray(raw) &&
    Object.isFrozen(raw) &&
    raw.length === strings.length &&
    strings.length === valueCount + 1 &&
    strings.every((s) => typeof s === "string")
  );
}

/** How the refusal of a plain string shows a template (the text of `${id}`, not an interpolation). */
const EXAMPLE = `\`SELECT ... WHERE id = $\{id}\``;

/**
 * The fragment a raw-SQL entry point was called with: a tagged template call (`strings`, `values`)
 * or one `SqlFragment`. Anything else (a plain string above all) is an `InvalidQueryError` naming
 * `what` (e.g. ``"User.objects.raw`...`"``).
 *
 * @example
 * ```ts
 * const fragment = toFragment(strings, values, "db.query`...`");
 * ```
 */
export function toFragment(strings: unknown, values: readonly unknown[], what: string): SqlFragment {
  if (strings instanceof SqlFragment && values.length === 0) return strings;
  if (!isTemplate(strings, values.length)) {
    throw new InvalidQueryError(
      `${what} takes a tagged template (${what.replace("`...`", EXAMPLE)}) or an sql\`...\` fragment, ` +
        `got ${typeof strings === "string" ? "a plain string" : describe(strings)}: a string would become SQL text as it is, ` +
        "so values from users could change the statement; interpolate values into the template instead (each becomes a bound parameter)",
    );
  }
  return new SqlFragment(strings, values as SqlValue[]);
}

const EMPTY = new SqlFragment([""], []);
const COMMA = new SqlFragment([", "], []);

/**
 * Builds a `SqlFragment`: every `${value}` is a bound parameter, `${sql.id(name)}` a quoted
 * identifier, `${fragment}` nested SQL. Run it with `Model.objects.raw(fragment)`,
 * `database(url).query(fragment)` or `.execute(fragment)`.
 *
 * @example
 * ```ts
 * const minAge = 18;
 * const where = sql`${sql.id("age")} >= ${minAge}`;
 * const rows = await database("app.db").query(sql`SELECT * FROM ${sql.id("users")} WHERE ${where}`);
 * ```
 */
export const sql: SqlTag = Object.assign(
  function sqlTag(strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment {
    return toFragment(strings, values, "sql`...`");
  },
  {
    id(...parts: string[]): SqlIdentifier {
      return new SqlIdentifier(parts);
    },
    join(items: readonly SqlValue[], separator?: SqlFragment): SqlFragment {
      if (!Array.isArray(items)) {
        throw new InvalidQueryError(`sql.join() takes a list, got ${describe(items)}`);
      }
      if (separator !== undefined && !(separator instanceof SqlFragment)) {
        throw new InvalidQueryError("sql.join()'s separator is an sql`...` fragment, e.g. sql` AND `");
      }
      const sep = separator ?? COMMA;
      if (items.length === 0) return EMPTY;
      const strings = [""];
      const values: SqlValue[] = [];
      items.forEach((item, i) => {
        if (i > 0) {
          values.push(sep);
          strings.push("");
        }
        values.push(item);
        strings.push("");
      });
      return new SqlFragment(strings, values);
    },
    empty: EMPTY,
  },
);

/**
 * The `sql` tag and its helpers (`id`, `join`, `empty`).
 *
 * @example
 * ```ts
 * const tag: SqlTag = sql;
 * const fragment = tag`SELECT * FROM ${tag.id("users")} WHERE id IN (${tag.join([1, 2])})`;
 * ```
 */
export interface SqlTag {
  (strings: TemplateStringsArray, ...values: SqlValue[]): SqlFragment;
  /**
   * A quoted identifier: `sql.id("users")`, `sql.id("public", "users")` (`"public"."users"`).
   *
   * @example
   * ```ts
   * sql`SELECT ${sql.id("email")} FROM ${sql.id("users")}`;
   * ```
   */
  id(...parts: string[]): SqlIdentifier;
  /**
   * Items joined by `separator` (default `, `): values become parameters, fragments and identifiers
   * are inlined. An empty list is an empty fragment (so `IN (${sql.join([])})` is not valid SQL:
   * test for an empty list first).
   *
   * @example
   * ```ts
   * sql`WHERE id IN (${sql.join([1, 2, 3])})`; // WHERE id IN (?, ?, ?)
   * sql.join([sql`a = ${1}`, sql`b = ${2}`], sql` AND `);
   * ```
   */
  join(items: readonly SqlValue[], separator?: SqlFragment): SqlFragment;
  /**
   * A fragment with no text (for optional clauses).
   *
   * @example
   * ```ts
   * const filter = onlyAdults ? sql`WHERE age >= ${18}` : sql.empty;
   * ```
   */
  readonly empty: SqlFragment;
}

/** Fragments nest deeper than this only by mistake (a fragment containing itself cannot be built). */
const MAX_DEPTH = 64;

/**
 * Renders a fragment for `dialect`: placeholders numbered from 1 (`?` or `$n`), identifiers quoted,
 * values validated and encoded (Dates, booleans and bigints as the dialect stores them).
 * `InvalidQueryError` on a value that cannot be a parameter (undefined, NaN, an object, a list: use
 * `sql.join` for lists).
 *
 * @example
 * ```ts
 * compileSql(sql`SELECT * FROM ${sql.id("users")} WHERE id = ${1}`, postgres);
 * // { text: 'SELECT * FROM "users" WHERE id = $1', params: [1] }
 * ```
 */
export function compileSql(fragment: SqlFragment, dialect: Dialect): CompiledSql {
  const params: unknown[] = [];
  const text = render(fragment, dialect, params, 0);
  if (params.length > dialect.maxParameters) {
    throw new InvalidQueryError(
      `this raw statement binds ${params.length} values, more than the ${dialect.maxParameters} one ${dialect.name} statement takes`,
    );
  }
  return { text, params };
}

function render(fragment: SqlFragment, d: Dialect, params: unknown[], depth: number): string {
  if (depth > MAX_DEPTH) throw new InvalidQueryError(`sql fragments nest deeper than ${MAX_DEPTH} levels`);
  let text = fragment.strings[0];
  for (let i = 0; i < fragment.values.length; i++) {
    const value = fragment.values[i];
    if (value instanceof SqlFragment) text += render(value, d, params, depth + 1);
    else if (value instanceof SqlIdentifier) text += value.parts.map((p) => d.quote(p)).join(".");
    else {
      params.push(encodeValue(value, d, i));
      text += d.param(params.length);
    }
    text += fragment.strings[i + 1];
  }
  return text;
}

/** One interpolated value as a driver parameter. */
function encodeValue(value: unknown, d: Dialect, index: number): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case "string":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      break;
    case "bigint":
      return d.encode("bigint", value);
    case "boolean":
      return d.encode("boolean", value);
    case "object":
      if (value instanceof Date) {
        if (!Number.isNaN(value.getTime())) return d.encode("date", value);
        break;
      }
      if (value instanceof Uint8Array) return value;
      if (Array.isArray(value)) {
        throw new InvalidQueryError(
          `value ${index + 1} of a raw SQL template is a list: write IN (\${sql.join(list)}) so each item is a parameter`,
        );
      }
      throw new InvalidQueryError(
        `value ${index + 1} of a raw SQL template is ${describe(value)}: bind JSON as text (JSON.stringify(value)), ` +
          "names through sql.id(), and SQL through sql`...` fragments",
      );
  }
  throw new InvalidQueryError(
    `value ${index + 1} of a raw SQL template is ${describe(value)}, which cannot be a parameter: ` +
      "pass null, a string, a finite number, a bigint, a boolean, a valid Date or bytes",
  );
}
