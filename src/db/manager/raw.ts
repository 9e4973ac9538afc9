/**
 * `Model.objects.raw`...``: a raw SQL statement (see `raw-sql.ts`) whose rows are validated by the
 * model's schema and returned as instances, on the model's session (the ambient transaction's
 * connection when there is one), so `onQuery` sees it like any other statement. It may import the
 * state, rows, raw-sql and errors.
 */
import { InvalidQueryError } from "../errors.js";
import { compileSql, type SqlFragment } from "../raw-sql.js";
import { hydrateRow } from "./rows.js";
import type { ModelState } from "./state.js";

/**
 * Runs `fragment` and returns its rows as validated instances. A row missing one of the model's
 * columns is an `InvalidQueryError` naming them (select `*` or every field); extra columns are
 * ignored; a value breaking the schema is a `ValidationError`.
 */
export async function rawInstances<T extends object>(s: ModelState<T>, fragment: SqlFragment): Promise<T[]> {
  // Validated and rendered before any SQL runs (the session may create the table first).
  const { text, params } = compileSql(fragment, await s.engine.resolveDialect());
  const session = await s.session();
  const hints = s.fields.size > 0 && [...s.fields.values()].some((f) => f.kind === "bigint");
  const rows = await session.prepare(text, hints ? { bigints: true } : undefined).all(params);
  if (rows.length === 0) return [];
  // Every row of one statement has the same columns: check the first.
  const first = rows[0];
  const missing = s.columns.filter((name) => !(name in first));
  if (missing.length > 0) {
    throw new InvalidQueryError(
      `${s.model.name}.objects.raw: the rows have no column ${missing.map((m) => `"${m}"`).join(", ")}: ` +
        `select every field of ${s.model.name} (SELECT * or the list of its columns), or use database(...).query for plain rows`,
    );
  }
  const extra = Object.keys(first).length > s.columns.length;
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (!extra) {
      out[i] = hydrateRow(s, row);
      continue;
    }
    const own: Record<string, unknown> = {};
    for (const name of s.columns) own[name] = row[name];
    out[i] = hydrateRow(s, own);
  }
  return out;
}
