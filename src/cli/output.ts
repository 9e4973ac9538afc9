// Renders a command's result for stdout as text, JSON, an aligned table, tab-separated lines or
// CSV (`formatResult()`). CSV goes through csv-stringify, required only when that format is asked
// for, so it is not on the start-up path. May import types.ts only.
import { createRequire } from "node:module";
import type { OutputFormat } from "./types.js";

type Stringify = (rows: unknown[][], options?: { record_delimiter?: string }) => string;
let stringify: Stringify | undefined;

/** csv-stringify's synchronous API, loaded on first use. */
function csvStringify(): Stringify {
  stringify ??= (createRequire(import.meta.url)("csv-stringify/sync") as { stringify: Stringify }).stringify;
  return stringify;
}

/**
 * The line an empty table prints.
 *
 * @example
 * ```ts
 * formatResult([], "table") === NO_ROWS; // true: "(no rows)"
 * ```
 */
export const NO_ROWS = "(no rows)";

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

/** Model instances and other objects with `toJSON()` become their JSON view. */
function plainify(value: unknown): unknown {
  if (value !== null && typeof value === "object" && !(value instanceof Date)) {
    const toJSON = (value as { toJSON?: () => unknown }).toJSON;
    if (typeof toJSON === "function") return toJSON.call(value);
  }
  return value;
}

function cell(value: unknown): string {
  const v = plainify(value);
  if (v === null || v === undefined) return "";
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v, jsonReplacer);
  return String(v);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Date);

function renderCsv(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return "";
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return csvStringify()([columns, ...rows.map((r) => columns.map((c) => cell(r[c])))], {
    record_delimiter: "unix",
  });
}

function renderTable(rows: Record<string, unknown>[]): string {
  if (rows.length === 0) return NO_ROWS;
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const body = rows.map((r) => columns.map((c) => cell(r[c]).replace(/\s*\n\s*/g, " ")));
  const widths = columns.map((c, i) => Math.max(c.length, ...body.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  return [line(columns), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/**
 * Options of `formatResult()`.
 *
 * @example
 * ```ts
 * formatResult([{ id: 1 }], undefined, { tty: process.stdout.isTTY } satisfies FormatOptions);
 * ```
 */
export interface FormatOptions {
  /** stdout is a terminal: without a format, an array of records prints as a table. */
  readonly tty?: boolean;
}

/**
 * Renders a command's result for stdout. Without a format, strings print as they are, an array of
 * records as a table on a terminal, and other values as pretty JSON. `json` always prints JSON;
 * `table` prints arrays of objects (and model instances) as aligned columns (`(no rows)` when
 * empty) and an object as key/value rows; `plain` prints one line per item, values separated by
 * tabs, for scripts; `csv` prints a header line and one line per record (RFC 4180 quoting).
 *
 * @example
 * ```ts
 * formatResult([{ id: 1, title: "milk" }], "table");
 * // id  title
 * // --  -----
 * // 1   milk
 * ```
 */
export function formatResult(value: unknown, format?: OutputFormat, options: FormatOptions = {}): string {
  if (format === undefined && options.tty && Array.isArray(value)) {
    const items = value.map(plainify);
    if (items.every(isRecord)) return renderTable(items);
  }
  if (format === "json" || (format === undefined && typeof value !== "string"))
    return JSON.stringify(value, jsonReplacer, 2) ?? String(value);
  const v = plainify(value);
  if (typeof v === "string") return v;
  if (format === "csv") {
    const items = (Array.isArray(v) ? v : [v]).map(plainify);
    if (items.every(isRecord)) return renderCsv(items);
    return csvStringify()(
      items.map((item) => [cell(item)]),
      { record_delimiter: "unix" },
    );
  }
  if (Array.isArray(v)) {
    const items = v.map(plainify);
    if (format === "table" && items.every(isRecord)) return renderTable(items);
    return items
      .map((item) => (isRecord(item) ? Object.values(item).map(cell).join("\t") : cell(item)))
      .join("\n");
  }
  if (isRecord(v)) {
    if (format === "table")
      return renderTable(Object.entries(v).map(([field, val]) => ({ field, value: val })));
    return Object.entries(v)
      .map(([k, val]) => `${k}\t${cell(val)}`)
      .join("\n");
  }
  return cell(v);
}
