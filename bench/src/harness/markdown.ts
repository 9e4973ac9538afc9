// Writes BENCHMARKS.md from one run (and nothing else: the README links to it).
import { readFileSync, writeFileSync } from "node:fs";
import { HTTP_CONNECTIONS } from "./http.ts";
import { OP_LABELS, type OpName, plans, ROUNDS } from "./ops.ts";
import {
  dataTables,
  failures,
  httpTable,
  type LibEntry,
  type RunResults,
  ratio,
  startTable,
} from "./report.ts";
import { formatRatio } from "./stats.ts";

interface Target {
  what: string;
  measured: string;
  met: boolean | undefined;
}

const signed = (ms: number) => `${ms >= 0 ? "+" : "-"}${Math.abs(ms).toFixed(1)} ms`;

const POINT_AND_BULK: OpName[] = ["get", "insert", "update", "count", "bulk"];

function registersTargets(results: RunResults): Target[] {
  const targets: Target[] = [];
  const opsTarget = (libs: LibEntry[], db: string, limit: number, opsList: OpName[]) => {
    const reg = libs.find((l) => l.lib === "registers");
    for (const op of opsList) {
      const r = reg ? ratio(libs, reg, op) : Number.NaN;
      const status = reg?.ops[op]?.status ?? reg?.status ?? "not run";
      targets.push({
        what: `${db} ${OP_LABELS[op]} within ${limit}x of raw`,
        measured: Number.isFinite(r) ? formatRatio(r) : status,
        met: Number.isFinite(r) ? r <= limit : undefined,
      });
    }
    if (reg) {
      const lazy = reg.ops.lazy;
      const include = reg.ops.include;
      if (lazy?.status === "ok" && include?.status === "ok") {
        const s = lazy.usPerOp / include.usPerOp;
        targets.push({
          what: `${db} include at least 10x faster than the lazy loop`,
          measured: `${s.toFixed(1)}x`,
          met: s >= 10,
        });
      } else {
        targets.push({
          what: `${db} include at least 10x faster than the lazy loop`,
          measured: include?.status ?? lazy?.status ?? "not run",
          met: undefined,
        });
      }
    }
  };
  if (results.sqlite.length) opsTarget(results.sqlite, "SQLite", 1.3, POINT_AND_BULK);
  if (results.postgres.length) opsTarget(results.postgres, "PostgreSQL", 1.1, [...POINT_AND_BULK, "filter"]);
  const raw = results.http.find((h) => h.lib === "raw");
  const reg = results.http.find((h) => h.lib === "registers");
  if (raw && reg) {
    const ok = raw.status === "ok" && reg.status === "ok";
    const r = ok ? reg.rps! / raw.rps! : Number.NaN;
    targets.push({
      what: "HTTP requests/s at least 0.9x of raw pg",
      measured: ok ? formatRatio(r) : reg.status,
      met: ok ? r >= 0.9 : undefined,
    });
  }
  const start = (name: string) => results.start.find((s) => s.name === name);
  const bare = start("bare node");
  const commander = start("commander 14");
  const plain = start("registers/cli (plain descriptors)");
  const zod = start("registers/cli (Zod)");
  if (bare?.status === "ok" && commander?.status === "ok" && plain) {
    const over = plain.status === "ok" ? plain.medianMs! - bare.medianMs! : Number.NaN;
    const limit = commander.medianMs! - bare.medianMs!;
    targets.push({
      what: `registers/cli (plain descriptors) start within commander's overhead (${signed(limit)} over bare node)`,
      measured: Number.isFinite(over) ? signed(over) : plain.status,
      met: Number.isFinite(over) ? over <= limit : undefined,
    });
  }
  if (bare?.status === "ok" && zod) {
    const over = zod.status === "ok" ? zod.medianMs! - bare.medianMs! : Number.NaN;
    targets.push({
      what: "registers/cli (Zod) start at most bare node + 45 ms",
      measured: Number.isFinite(over) ? signed(over) : zod.status,
      met: Number.isFinite(over) ? over <= 45 : undefined,
    });
  }
  return targets;
}

function targetTable(targets: Target[]): string {
  return [
    "| target | measured | met |",
    "|---|---:|:---:|",
    ...targets.map(
      (t) =>
        `| ${t.what} | ${t.measured} | ${t.met === undefined ? "not measured" : t.met ? "yes" : "**no**"} |`,
    ),
  ].join("\n");
}

function method(results: RunResults): string {
  const rounds = results.quick ? ROUNDS.quick : ROUNDS.full;
  const p = plans("sqlite", results.quick);
  const pp = plans("postgres", results.quick);
  const n = (x: { batches: number; batchSize: number }) =>
    (rounds * x.batches * x.batchSize).toLocaleString("en-US");
  return `- **One process per library and round**, each on a **fresh copy** of the same seeded database: SQLite, one WAL file
  (\`journal_mode=WAL\`, \`synchronous=NORMAL\` on every connection) with \`users(id, name, email unique, age indexed)\`,
  10,000 rows (exactly 100 per age) and \`posts(id, user_id indexed, title)\`, 10 per user; PostgreSQL, schema \`bench\` with the
  same tables and rows, dropped, re-seeded and \`ANALYZE\`d before each library, over loopback, pools of 10 connections.
- **Rounds**: ${rounds === 1 ? "one round (quick pass)" : `${rounds} rounds; in each round every library runs once, in an order rotated by one library per round (raw included), so that a library is not always first or last while the machine drifts`}.
- **Correctness guard**: before an operation is timed, the library's answer is compared with the raw driver's on the same
  database (values of a get and of a missing key, the 100 rows of a filter, counts, the inserted and updated rows read
  back, the 10,000 bulk rows, all 100 parents with their 1,000 children). A library that fails is reported as failed, not timed.
- **Timing**: a warm-up, then operations back to back in batches timed with \`process.hrtime.bigint()\`; the batches of all
  rounds are pooled and the figure is the **median of the batch means** (time per operation). Timed calls in this run:
  SQLite ${n(p.get)} of each point operation (get, insert, update, count), ${n(p.filter)} filters, ${n(p.bulk)} bulk inserts of 10,000
  rows, ${n(p.lazy)} lazy loops, ${n(p.include)} includes; PostgreSQL ${n(pp.get)} of each point operation, ${n(pp.filter)} filters, ${n(pp.bulk)} bulk inserts,
  ${n(pp.lazy)} lazy loops, ${n(pp.include)} includes. Synchronous drivers are called synchronously (a promise is awaited only when one
  is returned). Ratios are to the raw driver **from the same run**.
- **Operations**, each with the library's ordinary API (\`bench/src/sqlite/*.ts\`, \`bench/src/postgres/*.ts\`): get by key;
  users of one age (100 rows); insert one (returning its id); update one name by key; count users of one age; insert 10,000
  users in one transaction (the library's bulk API where it has one, else a loop in a transaction); 100 parents (the users
  of one age) with their 10 posts each, as a lazy loop (one query per parent) and with the library's eager loading
  (\`include\`, \`with\`, \`relations\`, Kysely's \`jsonArrayFrom\`). Raw better-sqlite3 uses statements prepared once (bulk:
  one prepared insert per row in a transaction; include: parents, then one \`IN (...)\` query); raw \`pg\` uses named prepared
  statements (bulk: one \`unnest()\` statement; include: one \`= ANY($1)\` query).
- **HTTP**: Fastify 5 serving \`GET /users/:id\` (ids spread over the table, checked against the seed before loading) with
  each library's get; autocannon, used as a library in the orchestrating process, with ${HTTP_CONNECTIONS} connections on 127.0.0.1,
  ${results.quick ? "0.5 s warm-up then 1.5 s" : "2 s warm-up then 5 s"} measured per round; the figure is the round with the median requests per second. Server and load
  generator share the ${results.machine.cores} cores.
- **Process start**: wall time from spawn to exit, median of ${results.quick ? 3 : 10} runs, apps interleaved run by run after one
  untimed run that also checks the output. CLI apps run \`node app.mjs greet Alice\`; data apps import the library, open the
  SQLite file and get one row (bundled by esbuild with dependencies external, so no TypeScript loader is timed).
- registers is this repository's build (\`npm run build\`), copied into \`bench/node_modules/registers\` by \`scripts/bench.mjs\`.`;
}

/** Marks a section of BENCHMARKS.md that another command writes (e.g. `npm run bench -- --fast --only=drivers` on Node 22/24). */
const KEEP_START = "<!-- kept: ";
const KEEP_END = "<!-- /kept -->";

/** The hand-run sections of the current BENCHMARKS.md (between the markers), kept across regeneration. */
function keptSections(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return "";
  }
  const blocks: string[] = [];
  for (let at = text.indexOf(KEEP_START); at >= 0; at = text.indexOf(KEEP_START, at + 1)) {
    const end = text.indexOf(KEEP_END, at);
    if (end < 0) break;
    blocks.push(text.slice(at, end + KEEP_END.length));
  }
  return blocks.join("\n\n");
}

export function writeMarkdown(results: RunResults, file: string): string {
  const m = results.machine;
  const versions = Object.entries(results.versions)
    .map(([k, v]) => `\`${k}\` ${v}`)
    .join(", ");
  const targets = registersTargets(results);
  const fails = failures(results);
  const sections: string[] = [];
  sections.push(
    "# Benchmarks",
    "",
    `Generated by \`${results.command}\` on ${results.date.slice(0, 16).replace("T", " ")} UTC${results.quick ? " (**quick pass**: fewer operations, indicative only)" : ""}, in ${results.durationS ?? "?"} s.`,
    "Every figure below comes from that one run of the committed suite (`bench/`); rerun it with `npm run bench`",
    "(`npm run bench -- --quick` for a one-minute pass). Raw results: [`bench/results/results.json`](bench/results/results.json).",
    "",
    `**Machine**: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node.js ${m.node}${m.postgres ? `, ${m.postgres} on the same machine` : ""}.`,
    "The machine is shared (other processes ran during the run), so compare the ratios within the run rather than the absolute times.",
    "The peer tables below run one process per library and round (a few rounds); the current targets against raw drivers and",
    "Drizzle `.prepare()` are judged in [Against hand-prepared statements](#against-hand-prepared-statements-issue-16), which runs",
    "them side by side in one process over 30 rotating rounds with interquartile ranges, and with instruction counts.",
    "",
    `**Versions**: registers ${results.registers.version} (commit ${results.registers.commit}), ${versions}.`,
    "",
  );
  if (targets.length) sections.push("## registers against its targets", "", targetTable(targets), "");
  if (results.sqlite.length) {
    sections.push(
      "## SQLite data access",
      "",
      "![ratio to raw better-sqlite3 per operation](bench/results/ratio-sqlite.svg)",
      "",
      dataTables(results.sqlite),
      "",
    );
  }
  if (results.postgres.length || results.postgresSkipped) {
    sections.push("## PostgreSQL data access", "");
    if (results.postgresSkipped) sections.push(`Skipped: ${results.postgresSkipped}`, "");
    else
      sections.push(
        "![ratio to raw pg per operation](bench/results/ratio-postgres.svg)",
        "",
        dataTables(results.postgres),
        "",
      );
  }
  if (results.http.length)
    sections.push("## HTTP: Fastify `GET /users/:id` on PostgreSQL", "", httpTable(results), "");
  if (results.start.length) {
    sections.push(
      "## Process start",
      "",
      "CLI: `node app.mjs greet Alice`",
      "",
      startTable(results, "cli"),
      "",
      "Data libraries: import, open the SQLite file, one get by key",
      "",
      startTable(results, "data"),
      "",
    );
  }
  if (fails.length) sections.push("## Failed or skipped", "", ...fails, "");
  const kept = keptSections(file);
  if (kept) sections.push(kept, "");
  sections.push("## Method", "", method(results), "");
  writeFileSync(file, sections.join("\n"));
  return [
    results.sqlite.length ? `SQLite\n${dataTables(results.sqlite)}` : "",
    results.postgres.length ? `PostgreSQL\n${dataTables(results.postgres)}` : "",
    results.http.length ? `HTTP\n${httpTable(results)}` : "",
    results.start.length ? `Start\n${startTable(results, "cli")}\n\n${startTable(results, "data")}` : "",
    targets.length ? `registers targets\n${targetTable(targets)}` : "",
    fails.length ? `Failed or skipped\n${fails.join("\n")}` : "",
  ]
    .filter(Boolean)
    .join("\n\n")
    .replace(/<\/?details>|<summary>.*<\/summary>/g, "");
}
