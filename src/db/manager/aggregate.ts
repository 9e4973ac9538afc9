/**
 * Aggregates over matching rows: `sum`, `avg`, `min`, `max` (typed per field kind; `null` on no
 * rows) and the rows of `count`. It may import the state, sql and errors.
 */
import type { Row, Session } from "../dialect/dialect.js";
import { InvalidQueryError } from "../errors.js";
import { aggregateSql, countSql } from "./sql.js";
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
  const numeric = field.kind === "integer" || field.kind === "float" || field.kind === "bigint";
  if (!numeric && (fn === "SUM" || fn === "AVG" || !AGGREGATE_KINDS.has(field.kind))) {
    throw new InvalidQueryError(
      `${fn.toLowerCase()}() needs a ${fn === "SUM" || fn === "AVG" ? "numeric" : "number, text or date"} field; "${field.name}" holds ${field.kind} values`,
    );
  }
  const compiled = s.compile(criteria);
  const statement = s.statements.prepare(session, `agg:${fn}:${field.name}:${compiled.shape}`, () =>
    aggregateSql(s, fn, field.name, s.where(compiled)),
  );
  const value = (await statement.all(compiled.params))[0]?.v;
  if (value === null || value === undefined) return null;
  if (fn === "AVG") return Number(value);
  if (fn === "SUM") return field.kind === "bigint" ? BigInt(value as bigint) : Number(value);
  return s.d.decode(field.kind, value);
}

/** The one row of `count(criteria)` (`n`); synchronous when the session is. */
export function countRows(s: ModelState, session: Session, criteria: unknown): Row[] | Promise<Row[]> {
  const compiled = s.compile(criteria);
  const statement = s.countStatements.prepare(session, compiled.shape, () => countSql(s, s.where(compiled)));
  return statement.all(compiled.params);
}
