// Markdown tables for the console and for BENCHMARKS.md: columns padded to their widest cell,
// numbers right-aligned.

export type Align = "left" | "right";

/** Renders `head` and `rows` as a padded Markdown table (`align` per column, default left). */
export function markdownTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const pad = (cell: string, i: number) =>
    align[i] === "right" ? cell.padStart(widths[i]) : cell.padEnd(widths[i]);
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => pad(c ?? "", i)).join(" | ")} |`;
  const rule = `| ${widths.map((w, i) => (align[i] === "right" ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

/** `value` with `digits` decimals. */
export const fixed = (value: number, digits = 2): string => value.toFixed(digits);

/** A ratio as `1.23x`. */
export const times = (ratio: number): string => `${ratio.toFixed(2)}x`;
