/**
 * Statement text of the manager's operations: SELECT, INSERT, UPDATE, DELETE, COUNT, aggregates and
 * keyset positions, built from the dialect's pieces (quoting, parameters, upsert, LIMIT). The one
 * place in the manager that writes SQL; `WHERE` and `ORDER BY` come from criteria.ts and the
 * dialect. It may import dialect types and criteria ordering only.
 */
import type { OrderItem } from "../criteria.js";
import type { Dialect } from "../dialect/dialect.js";

/** What statement text needs of a model: its dialect, quoted table, SELECT list and key. */
export interface TableSql {
  readonly d: Dialect;
  readonly quotedTable: string;
  readonly selectList: string;
  readonly keyField: string;
}

/** `SELECT <every column> FROM <table><where><tail>`. */
export function selectSql(t: TableSql, where: string, tail = ""): string {
  return `SELECT ${t.selectList} FROM ${t.quotedTable}${where}${tail}`;
}

/** `SELECT <columns> FROM <table><where><tail>` for some columns (`values()`). */
export function selectColumnsSql(
  t: TableSql,
  columns: readonly string[],
  where: string,
  tail: string,
): string {
  const list = columns.map((c) => t.d.quote(c)).join(", ");
  return `SELECT ${list} FROM ${t.quotedTable}${where}${tail}`;
}

/** ` WHERE <key> = <param n>`. */
export function whereKeySql(t: TableSql, param = 1): string {
  return ` WHERE ${t.d.quote(t.keyField)} = ${t.d.param(param)}`;
}

/** ` WHERE <key> IN (<params from..from+n-1>) ORDER BY <key>` (or without the order). */
export function whereKeysInSql(t: TableSql, n: number, from = 1, ordered = true): string {
  const list = Array.from({ length: n }, (_, i) => t.d.param(from + i)).join(", ");
  const key = t.d.quote(t.keyField);
  return ` WHERE ${key} IN (${list})${ordered ? ` ORDER BY ${key}` : ""}`;
}

/** `SELECT <key> FROM <table><where> ORDER BY <key>`. */
export function keysSql(t: TableSql, where: string): string {
  const key = t.d.quote(t.keyField);
  return `SELECT ${key} FROM ${t.quotedTable}${where} ORDER BY ${key}`;
}

/**
 * `INSERT INTO <table> (<columns>) VALUES (...), ...` for `rows` rows (params numbered row by row),
 * `DEFAULT VALUES` without columns, `RETURNING <key>` when asked.
 */
export function insertSql(t: TableSql, columns: readonly string[], rows: number, returning: boolean): string {
  const d = t.d;
  let head: string;
  if (columns.length === 0) {
    head = `INSERT INTO ${t.quotedTable} DEFAULT VALUES`;
  } else {
    const names = columns.map((c) => d.quote(c)).join(", ");
    const groups: string[] = [];
    let next = 1;
    for (let r = 0; r < rows; r++) {
      const group: string[] = [];
      for (let c = 0; c < columns.length; c++) group.push(d.param(next++));
      groups.push(`(${group.join(", ")})`);
    }
    head = `INSERT INTO ${t.quotedTable} (${names}) VALUES ${groups.join(", ")}`;
  }
  return returning ? `${head} RETURNING ${d.quote(t.keyField)}` : head;
}

/** `UPDATE <table> SET "a" = <param 1>, ...<where>` (the where's params follow the columns'). */
export function updateSql(
  t: TableSql,
  columns: readonly string[],
  where: string,
  returningRow = false,
): string {
  const d = t.d;
  const sets = columns.map((n, i) => `${d.quote(n)} = ${d.param(i + 1)}`).join(", ");
  return `UPDATE ${t.quotedTable} SET ${sets}${where}${returningRow ? ` RETURNING ${t.selectList}` : ""}`;
}

/** `DELETE FROM <table><where>`. */
export function deleteSql(t: TableSql, where: string): string {
  return `DELETE FROM ${t.quotedTable}${where}`;
}

/** `SELECT COUNT(*) AS "n" FROM <table><where>`. */
export function countSql(t: TableSql, where: string): string {
  return `SELECT COUNT(*) AS ${t.d.quote("n")} FROM ${t.quotedTable}${where}`;
}

/** `SELECT 1 AS "found" FROM <table><where><tail>`. */
export function existsSql(t: TableSql, where: string, tail: string): string {
  return `SELECT 1 AS ${t.d.quote("found")} FROM ${t.quotedTable}${where}${tail}`;
}

/** `SELECT <fn>("field") AS "v" FROM <table><where>`. */
export function aggregateSql(
  t: TableSql,
  fn: "SUM" | "AVG" | "MIN" | "MAX",
  field: string,
  where: string,
): string {
  return `SELECT ${fn}(${t.d.quote(field)}) AS ${t.d.quote("v")} FROM ${t.quotedTable}${where}`;
}

/**
 * The condition of a keyset position: rows strictly after it in `items` order,
 * `(a > ?) OR (a = ? AND b > ?) ...`, with params from `from` (a position value per term).
 */
export function afterPositionSql(d: Dialect, items: readonly OrderItem[], from: number): string {
  let next = from;
  const disjuncts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    const parts: string[] = [];
    for (let j = 0; j <= i; j++) {
      const [name, direction] = items[j];
      const op = j < i ? "=" : direction === "desc" ? "<" : ">";
      parts.push(`${d.quote(name)} ${op} ${d.param(next++)}`);
    }
    disjuncts.push(parts.length === 1 ? parts[0] : `(${parts.join(" AND ")})`);
  }
  return `(${disjuncts.join(" OR ")})`;
}

/**
 * `SELECT <select> FROM <table><where> GROUP BY <groupBy><order>`: the grouped aggregates
 * (`aggregate({ by })`, `countBy`); without `groupBy`, one row over every matching row.
 */
export function groupSql(
  t: TableSql,
  select: readonly string[],
  where: string,
  groupBy: readonly string[],
  order: string,
): string {
  const group = groupBy.length === 0 ? "" : ` GROUP BY ${groupBy.map((c) => t.d.quote(c)).join(", ")}`;
  return `SELECT ${select.join(", ")} FROM ${t.quotedTable}${where}${group}${order}`;
}
