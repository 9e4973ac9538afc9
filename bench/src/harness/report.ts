// BENCHMARKS.md and the SVG charts, generated from one run's results (no charting dependency).
import type { HttpResult } from "./http.ts";
import { OP_LABELS, type OpName, REPORT_ORDER } from "./ops.ts";
import type { StartResult } from "./start.ts";
import { formatRatio, formatUs, sig } from "./stats.ts";
import type { LibraryResult, OpResult } from "./suite.ts";

export interface LibEntry extends LibraryResult {
  lib: string;
}
export interface HttpEntry extends HttpResult {
  lib: string;
  name: string;
}
export interface RunResults {
  date: string;
  quick: boolean;
  command: string;
  durationS?: number;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string; os: string; postgres?: string };
  registers: { version: string; commit: string };
  versions: Record<string, string>;
  sqlite: LibEntry[];
  postgres: LibEntry[];
  postgresSkipped?: string;
  http: HttpEntry[];
  start: StartResult[];
  notes: string[];
}

const timed = (r: OpResult | undefined): r is Extract<OpResult, { status: "ok" }> => r?.status === "ok";

export function ratio(libs: LibEntry[], lib: LibEntry, op: OpName): number {
  const raw = libs.find((l) => l.lib === "raw")?.ops[op];
  const mine = lib.ops[op];
  if (!timed(raw) || !timed(mine)) return Number.NaN;
  return mine.usPerOp / raw.usPerOp;
}

function cell(r: OpResult | undefined, text: string): string {
  if (!r) return "n/a";
  if (r.status === "failed") return "**failed**";
  if (r.status === "skipped") return "skipped";
  return text;
}

function speedup(lib: LibEntry): string {
  const lazy = lib.ops.lazy;
  const include = lib.ops.include;
  if (!timed(lazy) || !timed(include)) return "-";
  return `${(lazy.usPerOp / include.usPerOp).toFixed(1)}x`;
}

export function dataTables(libs: LibEntry[]): string {
  const head = `| library | ${REPORT_ORDER.map((op) => OP_LABELS[op]).join(" | ")} | include vs lazy |`;
  const sep = `|---|${REPORT_ORDER.map(() => "---:").join("|")}|---:|`;
  const ratios = [head, sep];
  const absolute = [
    `| library | ${REPORT_ORDER.map((op) => OP_LABELS[op]).join(" | ")} |`,
    `|---|${REPORT_ORDER.map(() => "---:").join("|")}|`,
  ];
  for (const lib of libs) {
    if (lib.status === "skipped" && Object.keys(lib.ops).length === 0) {
      ratios.push(`| ${lib.name} | ${REPORT_ORDER.map(() => "skipped").join(" | ")} | - |`);
      absolute.push(`| ${lib.name} | ${REPORT_ORDER.map(() => "skipped").join(" | ")} |`);
      continue;
    }
    const isRaw = lib.lib === "raw";
    ratios.push(
      `| ${isRaw ? `**${lib.name}**` : lib.name} | ${REPORT_ORDER.map((op) => {
        const r = lib.ops[op];
        return cell(r, isRaw && timed(r) ? formatUs(r.usPerOp) : formatRatio(ratio(libs, lib, op)));
      }).join(" | ")} | ${speedup(lib)} |`,
    );
    absolute.push(
      `| ${lib.name} | ${REPORT_ORDER.map((op) => {
        const r = lib.ops[op];
        return cell(r, timed(r) ? formatUs(r.usPerOp) : "");
      }).join(" | ")} |`,
    );
  }
  return [
    "Ratio to the raw driver from the same run (the raw row shows its median time per operation; lower is better):",
    "",
    ...ratios,
    "",
    "<details><summary>Median time per operation</summary>",
    "",
    ...absolute,
    "",
    "</details>",
  ].join("\n");
}

export function failures(results: RunResults): string[] {
  const out: string[] = [];
  for (const [db, libs] of [
    ["SQLite", results.sqlite],
    ["PostgreSQL", results.postgres],
  ] as const) {
    for (const lib of libs) {
      if (lib.status === "skipped" && lib.reason) out.push(`- ${db}, ${lib.name}: skipped: ${lib.reason}`);
      for (const op of REPORT_ORDER) {
        const r = lib.ops[op];
        if (r && r.status !== "ok")
          out.push(`- ${db}, ${lib.name}, ${OP_LABELS[op]}: ${r.status}: ${r.reason}`);
      }
    }
  }
  if (results.postgresSkipped) out.push(`- PostgreSQL: skipped: ${results.postgresSkipped}`);
  for (const h of results.http)
    if (h.status !== "ok") out.push(`- HTTP, ${h.name}: ${h.status}: ${h.reason}`);
  for (const s of results.start)
    if (s.status !== "ok") out.push(`- start-up, ${s.name}: ${s.status}: ${s.reason}`);
  return out;
}

export function httpTable(results: RunResults): string {
  const raw = results.http.find((h) => h.lib === "raw");
  const lines = [
    "| library | requests/s | ratio to raw pg | latency p50 | latency p99 | each round (requests/s) |",
    "|---|---:|---:|---:|---:|---:|",
  ];
  for (const h of results.http) {
    if (h.status !== "ok") {
      lines.push(`| ${h.name} | ${h.status} | - | - | - | - |`);
      continue;
    }
    const r = raw?.status === "ok" ? formatRatio(h.rps! / raw.rps!) : "-";
    lines.push(
      `| ${h.name} | ${Math.round(h.rps!).toLocaleString("en-US")} | ${r} | ${h.p50} ms | ${h.p99} ms | ${(h.rounds ?? []).join(", ")} |`,
    );
  }
  return lines.join("\n");
}

export function startTable(results: RunResults, group: "cli" | "data"): string {
  const rows = results.start.filter((s) => s.group === group);
  const bare = results.start.find((s) => s.name === "bare node");
  const base = bare?.status === "ok" ? bare.medianMs! : Number.NaN;
  const lines = ["| app | median wall time | over bare node | runs (min-max) |", "|---|---:|---:|---:|"];
  if (group === "data" && bare?.status === "ok") {
    lines.push(`| bare node (no library) | ${bare.medianMs!.toFixed(1)} ms | - | ${range(bare)} |`);
  }
  for (const s of rows) {
    if (s.status !== "ok") {
      lines.push(`| ${s.name} | ${s.status} | - | - |`);
      continue;
    }
    const d = s.medianMs! - base;
    const over = s.name === "bare node" ? "-" : `${d >= 0 ? "+" : "-"}${Math.abs(d).toFixed(1)} ms`;
    lines.push(`| ${s.name} | ${s.medianMs!.toFixed(1)} ms | ${over} | ${range(s)} |`);
  }
  return lines.join("\n");
}

function range(s: StartResult): string {
  const runs = s.runs ?? [];
  return `${runs.length} (${Math.min(...runs).toFixed(0)}-${Math.max(...runs).toFixed(0)} ms)`;
}

// ---------------------------------------------------------------------------------------------
// SVG: grouped bars, one group per operation, one bar per library, height = ratio to raw on a
// log scale (raw is the 1x line).

const PALETTE = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function ratioSvg(title: string, libs: LibEntry[]): string {
  const series = libs.filter((l) => l.lib !== "raw" && Object.values(l.ops).some(timed));
  const ops = REPORT_ORDER.filter((op) => series.some((l) => Number.isFinite(ratio(libs, l, op))));
  const values = series.flatMap((l) => ops.map((op) => ratio(libs, l, op))).filter(Number.isFinite);
  const ticks = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
  const lo = ticks.filter((t) => t <= Math.min(0.5, ...values)).at(-1) ?? 0.1;
  const hi = ticks.find((t) => t >= Math.max(2, ...values)) ?? 1000;
  const width = 980;
  const height = 460;
  const m = { top: 70, right: 20, bottom: 60, left: 60 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const y = (v: number) =>
    m.top + plotH - ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotH;
  const groupW = plotW / Math.max(ops.length, 1);
  const barW = Math.min(18, (groupW * 0.8) / Math.max(series.length, 1));
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12" role="img">`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${m.left}" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  );
  for (const t of ticks.filter((t) => t >= lo && t <= hi)) {
    parts.push(
      `<line x1="${m.left}" x2="${width - m.right}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="${t === 1 ? "#000" : "#ddd"}" stroke-width="${t === 1 ? 1.5 : 1}"${t === 1 ? ' stroke-dasharray="5,3"' : ""}/>`,
      `<text x="${m.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end">${t}x</text>`,
    );
  }
  parts.push(
    `<text transform="translate(16 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle">time per operation / raw driver (log scale, lower is better)</text>`,
  );
  ops.forEach((op, gi) => {
    const x0 = m.left + gi * groupW + (groupW - barW * series.length) / 2;
    series.forEach((lib, si) => {
      const v = ratio(libs, lib, op);
      const x = x0 + si * barW;
      if (!Number.isFinite(v)) {
        const status = lib.ops[op]?.status;
        const mark = status === "failed" ? "F" : status === "skipped" ? "n/a" : "";
        parts.push(
          `<text x="${(x + barW / 2).toFixed(1)}" y="${(y(1) - 4).toFixed(1)}" text-anchor="middle" font-size="9" fill="${PALETTE[si % PALETTE.length]}">${mark}</text>`,
        );
        return;
      }
      const top = y(Math.max(v, lo));
      const base = y(lo);
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${Math.max(base - top, 1).toFixed(1)}" fill="${PALETTE[si % PALETTE.length]}"><title>${esc(`${lib.name}, ${OP_LABELS[op]}: ${formatRatio(v)}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(m.left + gi * groupW + groupW / 2).toFixed(1)}" y="${height - m.bottom + 18}" text-anchor="middle">${esc(OP_LABELS[op])}</text>`,
    );
  });
  let lx = m.left;
  series.forEach((lib, si) => {
    parts.push(
      `<rect x="${lx}" y="36" width="12" height="12" fill="${PALETTE[si % PALETTE.length]}"/>`,
      `<text x="${lx + 16}" y="46">${esc(lib.name)}</text>`,
    );
    lx += 28 + lib.name.length * 7.2;
  });
  parts.push(
    `<text x="${width - m.right}" y="${height - 12}" text-anchor="end" fill="#666">dashed line: raw driver (1x); F: failed its correctness check; n/a: not supported by the library</text>`,
    "</svg>",
  );
  return `${parts.join("\n")}\n`;
}

export { sig };
