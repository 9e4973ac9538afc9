/**
 * Soft-delete scopes: which rows a model's reads see (live rows, or only soft-deleted ones), as a
 * term appended to every compiled criteria and a condition for statements by key. A leaf: it may
 * import criteria and dialect types only.
 */
import type { CompiledCriteria, Term } from "../criteria.js";
import type { Dialect } from "../dialect/dialect.js";

/** The rows a soft-delete model's reads see. */
export interface Scope {
  /** `"live"`: `deletedAt IS NULL`; `"deleted"`: `deletedAt IS NOT NULL`. */
  readonly name: "live" | "deleted";
  readonly field: string;
  /** The criteria with the scope's term appended (no parameter: numbering is unchanged). */
  apply(compiled: CompiledCriteria): CompiledCriteria;
  /** ` AND <field> IS [NOT] NULL`, for statements by key. */
  keySql(d: Dialect): string;
}

function scope(name: "live" | "deleted", field: string): Scope {
  const term: Term = Object.freeze({ column: field, op: name === "live" ? "null" : "notNull", count: 0 });
  const suffix = `\u0005${name}`;
  const only = Object.freeze({ shape: suffix, params: [], terms: Object.freeze([term]) });
  return {
    name,
    field,
    apply(compiled) {
      if (compiled.terms.length === 0) return { shape: only.shape, params: [], terms: only.terms };
      return { shape: compiled.shape + suffix, params: compiled.params, terms: [...compiled.terms, term] };
    },
    keySql(d) {
      return ` AND ${d.quote(field)} IS ${name === "live" ? "" : "NOT "}NULL`;
    },
  };
}

/**
 * The scope of a soft-delete model's plain reads: rows whose `field` is null.
 *
 * @example
 * ```ts
 * liveScope("deletedAt").keySql(dialect); // ' AND "deletedAt" IS NULL'
 * ```
 */
export function liveScope(field: string): Scope {
  return scope("live", field);
}

/**
 * The scope of `onlyDeleted()`: rows whose `field` is set.
 *
 * @example
 * ```ts
 * deletedScope("deletedAt").keySql(dialect); // ' AND "deletedAt" IS NOT NULL'
 * ```
 */
export function deletedScope(field: string): Scope {
  return scope("deleted", field);
}
