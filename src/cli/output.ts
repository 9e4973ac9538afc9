// Renders a command's result for stdout as text, JSON, an aligned table or tab-separated lines
// (`formatResult()`). May import types.ts only.
import type { OutputFormat } from "./types.js";

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

function renderTable(rows: Record<string, unknown>[]): string {
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
 * Renders a command's result for stdout. Without a format, strings print as they are and other
 * values as pretty JSON. `json` always prints JSON; `table` prints arrays of objects (and model
 * instances) as aligned columns and an object as key/value rows; `plain` prints one line per item,
 * values separated by tabs, for scripts.
 *
 * @example
 * ```ts
 * formatResult([{ id: 1, title: "milk" }], "table");
 * // id  title
 * // --  -----
 * // 1   milk
 * ```
 */
export function formatResult(value: unknown, format?: OutputFormat): string {
  if (format === "json" || (format === undefined && typeof value !== "string"))
    return JSON.stringify(value, jsonReplacer, 2) ?? String(value);
  const v = plainify(value);
  if (typeof v === "string") return v;
  if (Array.isArray(v)) {
    const items = v.map(plainify);
    if (format === "table" && items.length > 0 && items.every(isRecord)) return renderTable(items);
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
