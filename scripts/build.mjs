// Bundles one ESM file per entry point (shared code goes to chunks) and emits .d.ts with tsc.
// Why bundle: Node 20 pays per ESM file at import time; one file per entry keeps start-up cheap.
import { execFileSync } from "node:child_process";
import { chmodSync, cpSync, rmSync } from "node:fs";
import { build } from "esbuild";

const entries = ["src/index.ts", "src/cli/index.ts", "src/db/index.ts", "src/fastify/index.ts"];
// registers/migrate, and the `registers` command (package.json "bin"): built with the others, so the
// command and a user's models share registers/db's chunks (one copy, one model registry).
entries.push("src/migrate/index.ts", "src/bin/registers.ts");
// registers/studio: its page's files (HTML, CSS, JS modules) are copied beside the bundle.
entries.push("src/studio/index.ts");
// registers/db/testing: test helpers (rollback fixture, isolated database, statement counts).
entries.push("src/db/testing.ts");
const optional = process.argv.includes("--js-only");

rmSync("dist", { recursive: true, force: true });
await build({
  entryPoints: entries,
  outdir: "dist",
  outbase: "src",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  packages: "external",
  sourcemap: false,
  legalComments: "none",
  chunkNames: "_chunks/[name]-[hash]",
  logLevel: "warning",
});
chmodSync("dist/bin/registers.js", 0o755);
cpSync("src/studio/public", "dist/studio/public", { recursive: true });
if (!optional) {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
