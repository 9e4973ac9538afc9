// Process start: whole-process wall time (spawn to exit) of small apps, median of N runs, rounds
// interleaved (run 1 of every app, then run 2 ...) so that drift of the machine hits all alike.
// CLI apps are plain .mjs files run as they are. Data apps (import + open + one get) reuse the
// SQLite runners and are bundled by esbuild first (dependencies stay external, as in an app built
// with a bundler or tsc), so no TypeScript loader is timed.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { BENCH_DIR, WORK_DIR } from "./paths.ts";
import { timeProcess } from "./spawn.ts";
import { median } from "./stats.ts";

export interface StartApp {
  name: string;
  args: string[];
  /** what stdout must be */
  expect: string;
  /** package names for the versions table */
  packages: string[];
  group: "cli" | "data";
  /** set when the app could not be built */
  skip?: string;
}

export interface StartResult {
  name: string;
  group: "cli" | "data";
  status: "ok" | "failed" | "skipped";
  reason?: string;
  medianMs?: number;
  runs?: number[];
}

const CLI = join(BENCH_DIR, "src", "start", "cli");

export function cliApps(): StartApp[] {
  const greet = ["greet", "Alice"];
  const app = (name: string, file: string, packages: string[]): StartApp => ({
    name,
    args: [join(CLI, file), ...greet],
    expect: "Hello, Alice!",
    packages,
    group: "cli",
  });
  return [
    app("bare node", "bare.mjs", []),
    app("registers/cli (plain descriptors)", "registers-plain.mjs", ["registers"]),
    app("registers/cli (Zod)", "registers-zod.mjs", ["registers", "zod"]),
    app("registers/cli (zod/mini)", "registers-zod-mini.mjs", ["registers", "zod"]),
    app("import zod alone (reference)", "zod-only.mjs", ["zod"]),
    app("import zod/mini alone (reference)", "zod-mini-only.mjs", ["zod"]),
    app("commander 14", "commander.mjs", ["commander"]),
    app("citty", "citty.mjs", ["citty"]),
    app("yargs", "yargs.mjs", ["yargs"]),
    app("oclif", join("oclif", "bin", "run.js"), ["@oclif/core"]),
  ];
}

export const DATA_START: { lib: string; name: string }[] = [
  { lib: "raw", name: "raw better-sqlite3" },
  { lib: "registers", name: "registers/db" },
  { lib: "drizzle", name: "Drizzle" },
  { lib: "kysely", name: "Kysely" },
  { lib: "typeorm", name: "TypeORM" },
  { lib: "prisma", name: "Prisma 7" },
  { lib: "sequelize", name: "Sequelize 6" },
];

/** Bundles one data app per library: import, open the database, one get by key, print the name. */
export async function dataApps(dbFile: string, libs: string[]): Promise<StartApp[]> {
  const outDir = join(WORK_DIR, "start");
  mkdirSync(outDir, { recursive: true });
  const apps: StartApp[] = [];
  for (const { lib, name } of DATA_START) {
    if (!libs.includes(lib)) continue;
    const outfile = join(outDir, `${lib}.mjs`);
    const app: StartApp = { name, args: [outfile, dbFile], expect: "User 1", packages: [], group: "data" };
    try {
      await build({
        stdin: {
          contents: [
            `import create from "../sqlite/${lib}.ts";`,
            "const runner = create(process.argv[2]);",
            "await runner.open();",
            "const user = await runner.get(1);",
            "console.log(user.name);",
            "await runner.close();",
          ].join("\n"),
          // A directory that exists: esbuild resolves nothing from a missing one.
          resolveDir: join(BENCH_DIR, "src", "start"),
          sourcefile: `${lib}-start.ts`,
          loader: "ts",
        },
        outfile,
        bundle: true,
        format: "esm",
        platform: "node",
        target: "node20",
        packages: "external",
        logLevel: "silent",
      });
    } catch (error) {
      app.skip = `could not bundle: ${(error as Error).message.split("\n")[0]}`;
    }
    apps.push(app);
  }
  return apps;
}

export function measureStart(apps: StartApp[], runs: number): StartResult[] {
  const results = new Map<string, StartResult>();
  for (const app of apps) {
    if (app.skip) {
      results.set(app.name, { name: app.name, group: app.group, status: "skipped", reason: app.skip });
      continue;
    }
    // warm-up run (file cache), which is also the correctness check
    const r = timeProcess(app.args, BENCH_DIR);
    const out = r.stdout.trim();
    if (r.status !== 0 || out !== app.expect) {
      const why = (
        r.stderr
          .trim()
          .split("\n")
          .find((l) => /error/i.test(l)) ??
        r.stderr.trim().split("\n")[0] ??
        ""
      ).slice(0, 300);
      results.set(app.name, {
        name: app.name,
        group: app.group,
        status: "failed",
        reason: `exit ${r.status}, printed ${JSON.stringify(out.slice(0, 80))}, expected ${JSON.stringify(app.expect)}${why ? `: ${why}` : ""}`,
      });
      continue;
    }
    results.set(app.name, { name: app.name, group: app.group, status: "ok", runs: [] });
  }
  for (let round = 0; round < runs; round++) {
    for (const app of apps) {
      const res = results.get(app.name)!;
      if (res.status !== "ok") continue;
      res.runs!.push(timeProcess(app.args, BENCH_DIR).ms);
    }
  }
  for (const res of results.values()) if (res.status === "ok") res.medianMs = median(res.runs!);
  return [...results.values()];
}
