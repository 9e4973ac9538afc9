/**
 * Small pure pieces of the criteria compiler: the term of a comparison beyond every stored value,
 * the balanced joining of long AND / OR chains, and the LIKE pattern of a pattern operator. It may
 * import criteria types only.
 */
import type { Term } from "./criteria-types.js";

/** Terms joined by AND / OR before the chain is split into parenthesized groups (see `join`). */
const CHAIN = 16;

/**
 * The term of a comparison whose bound lies beyond every value a column stores (`above` it, or
 * below): it matches every non-null value (`x < Infinity`) or none (`x > Infinity`), as SQL would.
 */
export function beyond(column: string, op: string, above: boolean): Term {
  const all = op === "ne" || (above ? op === "lt" || op === "lte" : op === "gt" || op === "gte");
  return { column, op: all ? "notNull" : "none", count: 0 };
}

/**
 * SQL parts joined by ` AND ` / ` OR `, as a balanced tree of parenthesized groups of at most `CHAIN`
 * once there are more: databases parse `a OR b OR c ...` as a chain as deep as it is long, and SQLite
 * refuses depths past 1000 ("Expression tree is too large"), so 5,000 `or` terms would fail there.
 */
export function join(parts: string[], separator: string): string {
  let level = parts;
  while (level.length > CHAIN) {
    const next: string[] = [];
    for (let i = 0; i < level.length; i += CHAIN) next.push(`(${level.slice(i, i + CHAIN).join(separator)})`);
    level = next;
  }
  return level.join(separator);
}

/** The LIKE pattern of a pattern operator: `contains`/`startsWith`/`endsWith` escape `\`, `%`, `_`. */
export function pattern(op: string, value: string): string {
  if (op === "like" || op === "ilike") return value;
  const literal = value.replace(/[\\%_]/g, (ch) => `\\${ch}`);
  if (op === "contains") return `%${literal}%`;
  return op === "startsWith" ? `${literal}%` : `%${literal}`;
}
