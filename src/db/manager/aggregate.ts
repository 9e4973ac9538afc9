/**
 * Aggregates over matching rows: `sum`, `avg`, `min`, `max` (typed per field kind; `null` on no
 * rows), the rows of `count`, and grouped aggregates (`aggregate({ by, count, countDistinct, sum,
 * avg, min, max, where })`, `countBy`, `countDistinct`) in one `GROUP BY` statement. It may import
 * the state, rows, sql, criteria ordering, describe-value and errors.
 */
import { isPlainObject, renderOrderBy } from "../criteria.js";
import { describe } from "../describe-value.js";
import type { Row, Session } from "../dialect/dialect.js";
import { InvalidQueryError } from "../errors.js";
import type { FieldInfo } from "../zod-to-columns.js";
import { decodeValue } from "./rows.js";
import { aggregateSql, countSql, groupSql } from "./sql.js";
import type { ModelState } from "./state.js";

/** Kinds `min` and `max` accept besides numbers. */
const AGGREGATE_KINDS = new Set(["string", "date", "enum"]);

/** `sum`/`avg`/`min`/`max` of a field over the rows matching `criteria`. */
export async function aggregate(
  s: ModelState,
  fn: "SUM" | "AVG" | "MIN" | "MAX",
  name: unknown,
  criteria: unknown,
): Promise<unknown> {
  const session = await s.session();
  const field = typeof name === "string" ? s.fields.get(name) : undefined;
  if (field === undefined) {
    throw new InvalidQueryError(
      `${fn.toLowerCase()}() takes a field of ${s.model.name}, got ${String(name)}; fields: ${s.columns.join(", ")}`,
    );
  }
  checkAggregated(fn, field, `${fn.toLowerCase()}()`);
  if (fn === "AVG") {
    // SUM / COUNT divided here: MariaDB's AVG of integers keeps only 4 decimals (div_precision_increment).
    const [row] = await groupAggregate(
      s,
      criteria === undefined ? { avg: name } : { avg: name, where: criteria },
    );
    return (row.avg as Record<string, number | null>)[field.name];
  }
  const compiled = s.compile(criteria);
  const statement = s.statements.prepare(session, `agg:${fn}:${field.name}:${compiled.shape}`, () =>
    aggregateSql(s, fn, field.name, s.where(compiled)),
  );
  return aggregateValue(s, fn, field, (await statement.all(compiled.params))[0]?.v);
}

/** `InvalidQueryError` unless `field` can be summed / averaged (numbers) or min/max'd (numbers, text, dates). */
function checkAggregated(fn: AggregateFn, field: FieldInfo, what: string): void {
  const numeric = field.kind === "integer" || field.kind === "float" || field.kind === "bigint";
  if (!numeric && (fn === "SUM" || fn === "AVG" || !AGGREGATE_KINDS.has(field.kind))) {
    throw new InvalidQueryError(
      `${what} needs a ${fn === "SUM" || fn === "AVG" ? "numeric" : "number, text or date"} field; "${field.name}" holds ${field.kind} values`,
    );
  }
}

/** A stored aggregate as the field's type: a number (a bigint for bigint sums), or the decoded value. */
function aggregateValue(s: ModelState, fn: AggregateFn, field: FieldInfo, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (fn === "AVG") return Number(value);
  if (fn === "SUM") return field.kind === "bigint" ? BigInt(value as bigint) : Number(value);
  return s.d.decode(field.kind, value);
}

type AggregateFn = "SUM" | "AVG" | "MIN" | "MAX";
const FUNCTIONS: ReadonlyArray<readonly [key: "sum" | "avg" | "min" | "max", fn: AggregateFn]> = [
  ["sum", "SUM"],
  ["avg", "AVG"],
  ["min", "MIN"],
  ["max", "MAX"],
];
const OPTION_KEYS = new Set(["by", "where", "count", "countDistinct", "sum", "avg", "min", "max"]);

/** A field that can group or be counted distinctly: a scalar field, not JSON, not stored hashed. */
function groupable(s: ModelState, name: unknown, what: string): FieldInfo {
  const field = typeof name === "string" ? s.fields.get(name) : undefined;
  if (field === undefined) {
    throw new InvalidQueryError(
      `${what} takes fields of ${s.model.name}, got ${describe(name)}; fields: ${s.columns.join(", ")}`,
    );
  }
  if (field.kind === "json") {
    throw new InvalidQueryError(
      `${what}: "${field.name}" is a JSON field, which cannot group or be counted distinctly`,
    );
  }
  const refusal = s.unorderable.get(field.name);
  if (refusal !== undefined) throw new InvalidQueryError(refusal);
  return field;
}

/** The field names of a `field | field[]` option. */
function names(value: unknown, what: string): unknown[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new InvalidQueryError(`${what} takes a field or a non-empty list of fields`);
  return list;
}

/**
 * `aggregate(options)`: one row per group of the `by` fields (one row in all without `by`), in
 * `by` order (NULL first), with the aggregates asked for. Every option is validated before SQL runs.
 */
export async function groupAggregate(s: ModelState, options: unknown): Promise<Record<string, unknown>[]> {
  // Options are validated (and the criteria compiled) before any SQL runs, the table's creation included.
  if (s.dialect === null) s.useDialect(await s.engine.resolveDialect());
  if (!isPlainObject(options)) {
    throw new InvalidQueryError(
      `aggregate() takes an options object like { by: ["role"], count: true, sum: "amount" }, got ${describe(options)}`,
    );
  }
  for (const key in options) {
    if (!OPTION_KEYS.has(key)) {
      throw new InvalidQueryError(
        `unknown aggregate() option "${key}"; options: ${[...OPTION_KEYS].join(", ")}`,
      );
    }
  }
  const d = s.d;
  const by = options.by === undefined ? [] : options.by;
  if (!Array.isArray(by))
    throw new InvalidQueryError(`aggregate()'s by takes a list of fields, e.g. by: ["role"]`);
  const groups = by.map((name) => groupable(s, name, "aggregate()'s by"));
  if (new Set(by).size !== by.length) throw new InvalidQueryError("aggregate()'s by names a field twice");
  const select = groups.map((f, i) => `${d.quote(f.name)} AS ${d.quote(`g${i}`)}`);
  const outputs: Array<(row: Row, out: Record<string, unknown>) => void> = [];
  if (options.count !== undefined && typeof options.count !== "boolean") {
    throw new InvalidQueryError(`aggregate()'s count takes true or false, got ${describe(options.count)}`);
  }
  if (options.count === true) {
    select.push(`COUNT(*) AS ${d.quote("n")}`);
    outputs.push((row, out) => {
      out.count = Number(row.n);
    });
  }
  const distinct = names(options.countDistinct, "aggregate()'s countDistinct").map((name) =>
    groupable(s, name, "aggregate()'s countDistinct"),
  );
  if (distinct.length > 0) {
    distinct.forEach((f, i) => {
      select.push(`COUNT(DISTINCT ${d.quote(f.name)}) AS ${d.quote(`d${i}`)}`);
    });
    outputs.push((row, out) => {
      const counts: Record<string, number> = {};
      distinct.forEach((f, i) => {
        counts[f.name] = Number(row[`d${i}`]);
      });
      out.countDistinct = counts;
    });
  }
  for (const [key, fn] of FUNCTIONS) {
    const fields = names(options[key], `aggregate()'s ${key}`).map((name) => {
      const field = typeof name === "string" ? s.fields.get(name) : undefined;
      if (field === undefined) {
        throw new InvalidQueryError(
          `aggregate()'s ${key} takes fields of ${s.model.name}, got ${describe(name)}; fields: ${s.columns.join(", ")}`,
        );
      }
      checkAggregated(fn, field, `aggregate()'s ${key}`);
      return field;
    });
    if (fields.length === 0) continue;
    fields.forEach((f, i) => {
      const column = d.quote(f.name);
      // AVG as SUM / COUNT divided here, in double precision on every database (MariaDB's AVG of
      // integers keeps only 4 decimals).
      if (fn === "AVG")
        select.push(
          `SUM(${column}) AS ${d.quote(`${key}${i}`)}, COUNT(${column}) AS ${d.quote(`${key}c${i}`)}`,
        );
      else select.push(`${fn}(${column}) AS ${d.quote(`${key}${i}`)}`);
    });
    outputs.push((row, out) => {
      const values: Record<string, unknown> = {};
      fields.forEach((f, i) => {
        const value = row[`${key}${i}`];
        if (fn !== "AVG") values[f.name] = aggregateValue(s, fn, f, value);
        else
          values[f.name] =
            value === null || value === undefined ? null : Number(value) / Number(row[`${key}c${i}`]);
      });
      out[key] = values;
    });
  }
  if (select.length === 0) {
    throw new InvalidQueryError(
      "aggregate() needs by fields or at least one of count, countDistinct, sum, avg, min, max",
    );
  }
  const compiled = s.compile(options.where);
  const session = await s.session();
  const spec = JSON.stringify([
    by,
    options.count === true,
    distinct.map((f) => f.name),
    FUNCTIONS.map(([k]) => options[k] ?? null),
  ]);
  const statement = s.statements.prepare(session, `group:${spec}|${compiled.shape}`, () =>
    groupSql(
      s,
      select,
      s.where(compiled),
      groups.map((f) => f.name),
      // Ordered by the group columns; their NULL group first, on every database (as orderBy does).
      renderOrderBy(
        groups.map((f) => [f.name, "asc"] as const),
        s.orderFields,
        d,
      ),
    ),
  );
  const rows = await statement.all(compiled.params);
  return rows.map((row) => {
    const out: Record<string, unknown> = {};
    groups.forEach((f, i) => {
      out[f.name] = decodeValue(s, f, row[`g${i}`]);
    });
    for (const output of outputs) output(row, out);
    return out;
  });
}

/** `countBy(field, criteria)`: `{ <field>: value, count }` per distinct value, in value order (NULL first). */
export function countBy(
  s: ModelState,
  field: unknown,
  criteria: unknown,
): Promise<Record<string, unknown>[]> {
  if (typeof field !== "string") {
    return Promise.reject(new InvalidQueryError(`countBy() takes one field name, got ${describe(field)}`));
  }
  return groupAggregate(
    s,
    criteria === undefined ? { by: [field], count: true } : { by: [field], count: true, where: criteria },
  );
}

/** `countDistinct(field, criteria)`: how many distinct non-null values the field has over matching rows. */
export async function countDistinct(s: ModelState, field: unknown, criteria: unknown): Promise<number> {
  const options =
    criteria === undefined ? { countDistinct: field } : { countDistinct: field, where: criteria };
  if (typeof field !== "string") {
    throw new InvalidQueryError(`countDistinct() takes one field name, got ${describe(field)}`);
  }
  const [row] = await groupAggregate(s, options);
  return (row.countDistinct as Record<string, number>)[field];
}

/** The one row of `count(criteria)` (`n`); synchronous when the session is. */
export function countRows(s: ModelState, session: Session, criteria: unknown): Row[] | Promise<Row[]> {
  const compiled = s.compile(criteria);
  const statement = s.countStatements.prepare(session, compiled.shape, () => countSql(s, s.where(compiled)));
  return statement.all(compiled.params);
}
