// The "hand-prepared statements" section of BENCHMARKS.md (issue 16) and its charts, from the JSON
// the `peers` and `servers` fast suites write (BENCH_OUT) and a full-mode start run's results.json:
//   node --import tsx bench/fast/issue16-report.ts <peers.json> <servers.json> <start-results.json>
// Writes bench/results/issue16-sqlite.svg and issue16-servers.svg, and replaces the block between
// `<!-- kept: issue16 ...` and `<!-- /kept -->` in BENCHMARKS.md (added at the end when missing),
// keeping the hand-written text that follows the `<!-- issue16: notes -->` marker inside it.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./_root.ts";

type Stats = { median: number; q1: number; q3: number };
interface PeerCell {
  us: Record<string, number>;
  ratio: Record<string, Stats>;
  vsDrizzle?: Stats;
}
interface Peers {
  drizzle: string | null;
  rounds: number;
  results: Record<string, Record<string, PeerCell>>;
  memory: Record<"raw" | "plain" | "decorated", { bytesPerRow: number }>;
  decorated: { plain: number; decorated: number; ratio: number; q1: number; q3: number };
}
interface ServerRun {
  results: Record<string, Record<string, { us: number; ratio: Stats }>>;
  eager: Record<string, { us: number; ratio: Stats }>;
  concurrency: { raw: number; registers: number };
}
interface StartRow {
  name: string;
  status: string;
  medianMs?: number;
  runs?: number[];
}

const [peersFile, serversFile, startFile] = process.argv.slice(2);
const peers = JSON.parse(readFileSync(peersFile, "utf8")) as Peers;
const servers = JSON.parse(readFileSync(serversFile, "utf8")) as Record<
  "postgres" | "mysql",
  ServerRun | undefined
>;
const start =
  startFile && existsSync(startFile) ? (JSON.parse(readFileSync(startFile, "utf8")).start as StartRow[]) : [];

const f2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : "-");
const fus = (v: number) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));
const yes = (ok: boolean) => (ok ? "yes" : "**no**");
const OPS = ["get", "filter", "count", "insert", "update", "delete"];
const LABEL: Record<string, string> = {
  get: "get by key",
  filter: "filter 100 rows",
  count: "count",
  insert: "insert one",
  update: "update by key",
  delete: "delete by key",
};

const lines: string[] = [];
const targets: string[][] = [];
lines.push("## Against hand-prepared statements (issue 16)", "");
lines.push(
  "`npm run bench -- --fast --only=peers` (SQLite) and `--only=servers` (PostgreSQL, MariaDB), then",
  "`node --import tsx bench/fast/issue16-report.ts` for this section. SQLite: raw better-sqlite3,",
  `Drizzle ${peers.drizzle ?? "(not installed)"} \`.prepare()\` and registers side by side in one process on one connection, ${peers.rounds} rounds`,
  "rotating the order; a ratio is the median of per-round ratios, with the interquartile range (IQR) of",
  "those ratios. registers' update is `updateCount({ id }, { name })`; `updateWhere` (which returns the",
  "updated rows, with `RETURNING` and hydration) is shown below it. Raw and Drizzle calls are",
  'synchronous; registers\' are awaited (its API returns Promises). "No slower than Drizzle" is met when',
  "the median of registers / Drizzle is at most 1.02 (about the run-to-run noise of a ratio here) or its",
  "interquartile range reaches 1.00.",
  "",
  "![registers and Drizzle .prepare() over raw better-sqlite3](bench/results/issue16-sqlite.svg)",
  "",
);
for (const [db, cells] of Object.entries(peers.results)) {
  lines.push(`**SQLite ${db}** (ratio to raw prepared better-sqlite3; lower is better)`, "");
  lines.push(
    "| operation | raw us/op | Drizzle .prepare() | registers | registers IQR | registers / Drizzle | within 1.10x of raw | no slower than Drizzle |",
  );
  lines.push("|---|---:|---:|---:|---:|---:|:---:|:---:|");
  for (const op of OPS) {
    const c = cells[op];
    const reg = c.ratio.registers;
    const dz = c.ratio.drizzle;
    const vs = c.vsDrizzle;
    // "no slower than Drizzle": the median of registers/Drizzle at most 1.02 (the run-to-run noise of
    // a ratio here), or its interquartile range reaching 1.00
    const level = vs === undefined ? true : vs.median <= 1.02 || vs.q1 <= 1.0;
    lines.push(
      `| ${LABEL[op]} | ${fus(c.us.raw)} | ${dz ? `${f2(dz.median)}x` : "-"} | ${f2(reg.median)}x | ${f2(reg.q1)}-${f2(reg.q3)} | ${vs ? `${f2(vs.median)}x` : "-"} | ${yes(reg.median <= 1.1)} | ${yes(level)} |`,
    );
    targets.push([
      `SQLite ${db}: ${LABEL[op]} within 1.10x of raw`,
      `${f2(reg.median)}x`,
      yes(reg.median <= 1.1),
    ]);
    if (vs)
      targets.push([
        `SQLite ${db}: ${LABEL[op]} no slower than Drizzle .prepare()`,
        `${f2(vs.median)}x (IQR ${f2(vs.q1)}-${f2(vs.q3)})`,
        yes(level),
      ]);
    if (op === "update" && c.ratio.updateWhere)
      lines.push(
        `| update by key, \`updateWhere\` (RETURNING) | ${fus(c.us.raw)} | - | ${f2(c.ratio.updateWhere.median)}x | ${f2(c.ratio.updateWhere.q1)}-${f2(c.ratio.updateWhere.q3)} | - | - | - |`,
      );
  }
  lines.push("");
}
const m = peers.memory;
const memRatio = m.plain.bytesPerRow / m.raw.bytesPerRow;
const decRatio = m.decorated.bytesPerRow / m.raw.bytesPerRow;
lines.push(
  "**Memory per row**: 100,000 rows `(id, name, email, grp)` loaded at once, heap growth after a full GC, each in its own process.",
  "",
);
lines.push("| rows | bytes per row | ratio to plain objects |", "|---|---:|---:|");
lines.push(`| plain objects from raw better-sqlite3 | ${m.raw.bytesPerRow.toFixed(0)} | 1.00x |`);
lines.push(
  `| registers \`filter()\`, model without relationships | ${m.plain.bytesPerRow.toFixed(0)} | ${f2(memRatio)}x |`,
);
lines.push(
  `| registers \`filter()\`, model with a decorated \`@HasMany\` accessor | ${m.decorated.bytesPerRow.toFixed(0)} | ${f2(decRatio)}x |`,
  "",
);
targets.push([
  "memory per row via filter() at most 1.3x plain objects",
  `${f2(Math.max(memRatio, decRatio))}x`,
  yes(Math.max(memRatio, decRatio) <= 1.3),
]);
const d = peers.decorated;
lines.push(
  `**Decorated relationships**: \`filter()\` of 100 rows on a model with a decorated \`@HasMany\` accessor against the same model without it: ${fus(d.decorated)} us vs ${fus(d.plain)} us, ratio ${f2(d.ratio)}x (IQR ${f2(d.q1)}-${f2(d.q3)}).`,
  "",
);
targets.push([
  "decorated relationships read at the cost of none (within noise)",
  `${f2(d.ratio)}x (IQR ${f2(d.q1)}-${f2(d.q3)})`,
  yes(d.q1 <= 1.0 || d.ratio <= 1.03),
]);

lines.push(
  "![registers over the raw driver on PostgreSQL and MariaDB](bench/results/issue16-servers.svg)",
  "",
);
for (const [kind, run] of Object.entries(servers)) {
  if (!run) continue;
  const rawName = kind === "postgres" ? "raw pg" : "raw mysql2";
  const label = kind === "postgres" ? "PostgreSQL" : "MariaDB";
  lines.push(`**${label}** (ratio to ${rawName} with prepared statements, pools of 10)`, "");
  lines.push("| operation | raw us/op | registers us/op | ratio | IQR |", "|---|---:|---:|---:|---:|");
  for (const op of ["get", "filter", "count", "insert", "update", "bulk"]) {
    const c = run.results[op];
    const name =
      op === "bulk"
        ? "bulkCreate 10,000 rows"
        : op === "update"
          ? "update by key (`updateCount`)"
          : LABEL[op];
    lines.push(
      `| ${name} | ${fus(c[rawName].us)} | ${fus(c.registers.us)} | ${f2(c.registers.ratio.median)}x | ${f2(c.registers.ratio.q1)}-${f2(c.registers.ratio.q3)} |`,
    );
    if (op === "update")
      lines.push(
        `| update by key (\`updateWhere\`, RETURNING) | ${fus(c[rawName].us)} | ${fus(c.updateWhere.us)} | ${f2(c.updateWhere.ratio.median)}x | ${f2(c.updateWhere.ratio.q1)}-${f2(c.updateWhere.ratio.q3)} |`,
      );
    const limit = 1.1;
    targets.push([
      `${label}: ${name} within ${limit.toFixed(2)}x of raw`,
      `${f2(c.registers.ratio.median)}x`,
      yes(c.registers.ratio.median <= limit),
    ]);
  }
  const e = run.eager;
  const regSpeed = e["registers lazy"].us / e["registers include"].us;
  const rawSpeed = e[`${rawName} lazy`].us / e[`${rawName} include`].us;
  lines.push(
    "",
    `Include of 100 users x 10 posts: registers' \`include\` is ${regSpeed.toFixed(1)}x faster than its lazy loop (${fus(e["registers include"].us)} us vs ${fus(e["registers lazy"].us)} us); raw: ${rawSpeed.toFixed(1)}x (${fus(e[`${rawName} include`].us)} us vs ${fus(e[`${rawName} lazy`].us)} us).`,
  );
  targets.push([
    `${label}: include 100x10 at least 10x faster than the lazy loop`,
    `${regSpeed.toFixed(1)}x`,
    yes(regSpeed >= 10),
  ]);
  const conc = run.concurrency.registers / run.concurrency.raw;
  lines.push(
    `32 clients doing get by key over the pool: registers ${run.concurrency.registers.toFixed(0)}/s, ${rawName} ${run.concurrency.raw.toFixed(0)}/s, ratio ${f2(conc)}.`,
    "",
  );
  targets.push([`${label}: 32-client get-by-key throughput at least 0.9 of raw`, f2(conc), yes(conc >= 0.9)]);
}

if (start.length > 0) {
  const ms = (name: string) =>
    start.find((s) => s.name === name && s.status === "ok")?.medianMs ?? Number.NaN;
  const bare = ms("bare node");
  lines.push(
    "**Start-up** (`node app.mjs greet Alice`, and import + open + one get on SQLite; medians of full-mode start runs):",
    "",
  );
  lines.push("| app | median | over bare node | runs (min-max) |", "|---|---:|---:|---:|");
  for (const s of start) {
    if (s.status !== "ok" || !s.runs) continue;
    lines.push(
      `| ${s.name} | ${s.medianMs!.toFixed(1)} ms | ${s.name === "bare node" ? "-" : `${s.medianMs! >= bare ? "+" : ""}${(s.medianMs! - bare).toFixed(1)} ms`} | ${s.runs.length} (${Math.min(...s.runs).toFixed(0)}-${Math.max(...s.runs).toFixed(0)} ms) |`,
    );
  }
  lines.push("");
  const plain = ms("registers/cli (plain descriptors)");
  const citty = ms("citty");
  const commander = ms("commander 14");
  const zod = ms("registers/cli (Zod)");
  const zodOnly = ms("import zod alone (reference)");
  const mini = ms("registers/cli (zod/mini)");
  const miniOnly = ms("import zod/mini alone (reference)");
  targets.push([
    "registers/cli plain: level with citty (within 2 ms)",
    `${(plain - citty).toFixed(1)} ms vs citty`,
    yes(plain - citty <= 2),
  ]);
  targets.push([
    "registers/cli plain: below commander",
    `${(plain - commander).toFixed(1)} ms vs commander`,
    yes(plain < commander),
  ]);
  targets.push([
    "registers/cli with Zod: no more than importing Zod itself (within 2 ms)",
    `${(zod - zodOnly).toFixed(1)} ms over zod alone`,
    yes(zod - zodOnly <= 2),
  ]);
  if (Number.isFinite(mini))
    targets.push([
      "registers/cli with zod/mini: no more than importing zod/mini (within 2 ms)",
      `${(mini - miniOnly).toFixed(1)} ms over zod/mini alone`,
      yes(mini - miniOnly <= 2),
    ]);
  const db = ms("registers/db");
  const drizzle = ms("Drizzle");
  if (Number.isFinite(db) && Number.isFinite(drizzle))
    targets.push([
      "registers/db import + open + one get within 5 ms of Drizzle",
      `${(db - drizzle).toFixed(1)} ms`,
      yes(db - drizzle <= 5),
    ]);
}

const section = [
  "<!-- kept: issue16 (generated by bench/fast/issue16-report.ts; `npm run bench` keeps it) -->",
  ...lines,
  "### Targets",
  "",
  "| target | measured | met |",
  "|---|---:|:---:|",
  ...targets.map((t) => `| ${t.join(" | ")} |`),
  "",
];

// charts
function bars(
  title: string,
  groups: Array<{ label: string; bars: Array<{ name: string; value: number }> }>,
  limit: number,
): string {
  const colors = ["#4c78a8", "#f58518", "#54a24b", "#b279a2"];
  const names = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.name)))];
  const rowH = 14;
  const groupH = names.length * rowH + 10;
  const left = 250;
  const width = 760;
  const max = Math.max(
    limit * 1.2,
    ...groups.flatMap((g) => g.bars.map((b) => b.value)).filter(Number.isFinite),
  );
  const x = (v: number) => left + ((width - left - 60) * v) / max;
  const height = 50 + groups.length * groupH + 20;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11" role="img" aria-label="${title}">`,
    `<title>${title}</title>`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="13" font-weight="bold">${title}</text>`,
  ];
  for (const [i, n] of names.entries()) {
    out.push(
      `<rect x="${10 + i * 170}" y="28" width="10" height="10" fill="${colors[i % colors.length]}"/><text x="${24 + i * 170}" y="37">${n}</text>`,
    );
  }

  let y = 50;
  for (const g of groups) {
    out.push(`<text x="${left - 6}" y="${y + groupH / 2}" text-anchor="end">${g.label}</text>`);
    g.bars.forEach((b) => {
      const i = names.indexOf(b.name);
      if (!Number.isFinite(b.value)) return;
      out.push(
        `<rect x="${left}" y="${y + i * rowH}" width="${(x(b.value) - left).toFixed(1)}" height="${rowH - 3}" fill="${colors[i % colors.length]}"/>`,
      );
      out.push(
        `<text x="${(x(b.value) + 3).toFixed(1)}" y="${y + i * rowH + 10}">${b.value.toFixed(2)}x</text>`,
      );
    });
    y += groupH;
  }
  for (const [v, dash] of [
    [1, ""],
    [limit, ' stroke-dasharray="4 3"'],
  ] as const)
    out.push(
      `<line x1="${x(v).toFixed(1)}" y1="46" x2="${x(v).toFixed(1)}" y2="${y}" stroke="#333"${dash}/><text x="${x(v).toFixed(1)}" y="${y + 12}" text-anchor="middle">${v.toFixed(2)}x</text>`,
    );
  out.push("</svg>");
  return out.join("\n");
}
const sqliteGroups = Object.entries(peers.results).flatMap(([db, cells]) =>
  OPS.map((op) => ({
    label: `${db}: ${LABEL[op]}`,
    bars: [
      { name: "Drizzle .prepare() / raw", value: cells[op].ratio.drizzle?.median ?? Number.NaN },
      { name: "registers / raw", value: cells[op].ratio.registers.median },
    ],
  })),
);
writeFileSync(
  join(ROOT, "bench", "results", "issue16-sqlite.svg"),
  `${bars("SQLite: ratio to raw prepared better-sqlite3 (target 1.10x)", sqliteGroups, 1.1)}\n`,
);
const serverGroups = Object.entries(servers).flatMap(([kind, run]) =>
  run
    ? ["get", "filter", "count", "insert", "update", "bulk"].map((op) => ({
        label: `${kind === "postgres" ? "PostgreSQL" : "MariaDB"}: ${op === "bulk" ? "bulkCreate 10k" : LABEL[op]}`,
        bars: [{ name: "registers / raw driver", value: run.results[op].registers.ratio.median }],
      }))
    : [],
);
writeFileSync(
  join(ROOT, "bench", "results", "issue16-servers.svg"),
  `${bars("Servers: ratio to the raw driver with prepared statements (target 1.10x)", serverGroups, 1.1)}\n`,
);

const file = join(ROOT, "BENCHMARKS.md");
const text = readFileSync(file, "utf8");
const begin = text.indexOf("<!-- kept: issue16");
let notes = "<!-- issue16: notes -->\n";
let next = `${text.trimEnd()}\n\n`;
if (begin !== -1) {
  const end = text.indexOf("<!-- /kept -->", begin);
  const old = text.slice(begin, end);
  const at = old.indexOf("<!-- issue16: notes -->");
  if (at !== -1) notes = old.slice(at);
  next = `${text.slice(0, begin)}${"\u0000"}${text.slice(end + "<!-- /kept -->".length)}`;
} else {
  next += "\u0000\n";
}
const block = `${section.join("\n")}\n${notes.trimEnd()}\n<!-- /kept -->`;
writeFileSync(file, next.replace("\u0000", block));
console.log(
  `BENCHMARKS.md: issue-16 section written (${targets.length} targets, ${targets.filter((t) => t[2] === "yes").length} met)`,
);
