// Bundles one ESM file per entry point (shared code goes to chunks) and emits .d.ts with tsc.
// Why bundle: Node 20 pays per ESM file at import time; one file per entry keeps start-up cheap.
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { build } from "esbuild";

const entries = ["src/index.ts", "src/cli/index.ts", "src/db/index.ts", "src/fastify/index.ts"];
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
if (!optional) {
  execFileSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json"], {
    stdio: "inherit",
  });
}
