/**
 * Relationship filters in criteria (`{ posts: { some: { published: true } } }`): validation of the
 * `some` / `none` / `every` object, and the `EXISTS` subquery a compiled filter renders to, joined
 * on the relationship's columns (directly, or through a join table for many-to-many). It may import
 * criteria types, describe-value, dialect types and errors.
 */
import type { RelationJoin } from "./criteria-types.js";
import { describe, isPlainObject } from "./describe-value.js";
import type { Dialect } from "./dialect/dialect.js";
import { InvalidQueryError } from "./errors.js";

/** The modes a relationship filter takes. */
export type RelationMode = "some" | "none" | "every";
const MODES: ReadonlySet<string> = new Set(["some", "none", "every"]);

/**
 * The `[mode, criteria]` pairs of a relationship filter, validated: a non-empty object of `some`,
 * `none`, `every`, each a criteria object of the related model.
 *
 * @example
 * ```ts
 * relationModes({ some: { published: true } }, "authors", "posts"); // [["some", { published: true }]]
 * ```
 */
export function relationModes(value: unknown, table: string, name: string): Array<[RelationMode, unknown]> {
  if (!isPlainObject(value) || Object.keys(value).length === 0) {
    throw new InvalidQueryError(
      `"${name}" in criteria for "${table}" is a relationship: filter it with { some: {...} }, { none: {...} } or { every: {...} }, got ${describe(value)}`,
    );
  }
  const out: Array<[RelationMode, unknown]> = [];
  for (const mode in value) {
    if (!MODES.has(mode)) {
      throw new InvalidQueryError(
        `unknown relationship filter "${mode}" on "${name}" in criteria for "${table}"; use some, none or every`,
      );
    }
    const criteria = value[mode];
    if (!isPlainObject(criteria)) {
      throw new InvalidQueryError(
        `${mode} on "${name}" takes criteria of the related model (an object; {} for any row), got ${describe(criteria)}`,
      );
    }
    out.push([mode as RelationMode, criteria]);
  }
  return out;
}

/**
 * The SQL of one relationship filter: `[NOT] EXISTS (SELECT 1 FROM <related> AS <alias> ... WHERE
 * <join> [AND <condition>])`. `owner` is how the owning row is referenced (its quoted table, or the
 * alias of an enclosing subquery), `alias` the related table's alias and `link` the join table's;
 * `condition` the related criteria rendered against `alias` (or
 * `""` for any row). `every` is "no related row fails the condition" (NULL counts as failing).
 *
 * @example
 * ```ts
 * existsSql(d, join, { owner: '"authors"', alias: '"r1"', link: '"j1"' }, '"r1"."published" = ?', "some");
 * // EXISTS (SELECT 1 FROM "posts" AS "r1" WHERE "r1"."author_id" = "authors"."id" AND "r1"."published" = ?)
 * ```
 */
export function existsSql(
  d: Dialect,
  join: RelationJoin,
  refs: { readonly owner: string; readonly alias: string; readonly link: string },
  condition: string,
  mode: RelationMode,
): string {
  const { owner, alias, link } = refs;
  let from: string;
  let on: string;
  if (join.through === undefined) {
    from = `${d.quote(join.table)} AS ${alias}`;
    on = `${alias}.${d.quote(join.column)} = ${owner}.${d.quote(join.ownerColumn)}`;
  } else {
    const t = join.through;
    from = `${d.quote(t.table)} AS ${link} INNER JOIN ${d.quote(join.table)} AS ${alias} ON ${alias}.${d.quote(join.column)} = ${link}.${d.quote(t.column)}`;
    on = `${link}.${d.quote(t.ownerColumn)} = ${owner}.${d.quote(join.ownerColumn)}`;
  }
  let where = on;
  if (mode === "every") where += ` AND (${condition === "" ? "1 = 1" : condition}) IS NOT TRUE`;
  else if (condition !== "") where += ` AND ${condition}`;
  return `${mode === "some" ? "" : "NOT "}EXISTS (SELECT 1 FROM ${from} WHERE ${where})`;
}
