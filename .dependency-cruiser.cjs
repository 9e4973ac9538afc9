// The import direction of src/, checked by dependency-cruiser (run by test/architecture.test.ts,
// so `npm test` fails when a rule is broken; by hand: npx depcruise --config .dependency-cruiser.cjs src).
//
// Type-only imports count: `tsPreCompilationDeps: true` keeps `import type` edges in the graph, so a
// circle made only of type imports is still a circle. Such circles cost nothing at run time, but
// they show a responsibility in the wrong file; the fix is a types-only leaf (src/cli/types.ts).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment:
        "This import closes a circle. Move the shared types to a types-only module or pass a small interface so the imports point one way.",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "halves-stay-apart",
      severity: "error",
      comment:
        "registers/cli must load without db or fastify code (so without zod or drivers), and registers/db without the CLI or the Fastify adapter. $1 is the half the import starts in.",
      from: { path: "^src/(cli|db)/" },
      to: { path: "^src/(cli|db|fastify)/", pathNot: "^src/$1/" },
    },
    {
      name: "cli-types-is-a-leaf",
      severity: "error",
      comment: "src/cli/types.ts holds the shared types and imports nothing, so every file may depend on it.",
      from: { path: "^src/cli/types[.]ts$" },
      to: {},
    },
    {
      name: "cli-uses-the-registry-view",
      severity: "error",
      comment:
        "Help, completion, the parser, the dispatcher and run() take the read-only CommandTable view (types.ts), not the CommandRegistry class; only index.ts and plugins.ts (whose setup functions get the class) import registry.ts.",
      from: { path: "^src/cli/", pathNot: "^src/cli/(index|plugins|registry)[.]ts$" },
      to: { path: "^src/cli/registry[.]ts$" },
    },
    {
      name: "cli-index-only-re-exports",
      severity: "error",
      comment:
        "src/cli/index.ts is the public entry and only re-exports; the modules of src/cli import each other directly.",
      from: { path: "^src/cli/" },
      to: { path: "^src/cli/index[.]ts$" },
    },
    {
      name: "no-import-from-test",
      severity: "error",
      comment: "Nothing may depend on test code.",
      from: { pathNot: "^test/" },
      to: { path: "^test/" },
    },
    {
      name: "not-to-unresolvable",
      severity: "error",
      comment: "This import names a module that cannot be found.",
      from: { path: "^src/" },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "(^|/)(dist|node_modules)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".d.ts", ".js", ".mjs", ".cjs"],
    },
  },
};
