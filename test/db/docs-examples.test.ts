// The examples of docs/db/raw-sql.md, docs/db/query-forms.md and docs/db/testing.md run: each page's
// chain of TypeScript blocks (a named block and the blocks that continue it) is written out as one
// module against the sources and a fresh SQLite file, run, and the results the page shows in its
// comments are checked. (test/docs/readme-blocks.test.ts type-checks the same blocks.)
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, it } from "node:test";
import { pathToFileURL } from "node:url";
import { disposeAll } from "../../src/db/index.js";

const ROOT = join(import.meta.dirname, "..", "..");
// Inside the repository, so the modules resolve "zod" from its node_modules; git-ignored.
const OUT = mkdtempSync(join(ROOT, "test", ".docs-examples-"));
after(async () => {
  await disposeAll();
  rmSync(OUT, { recursive: true, force: true });
});

const PRELUDES: Record<string, string> = {
  db: 'import { z } from "zod";\nimport { databaseRegistry, HasMany, type ManagerOf, Model, relate } from "registers/db";',
  user: [
    '@databaseRegistry("app.db", { tableName: "users", uniqueFields: ["email"] })',
    "class User extends Model({ id: z.int().nullable().default(null), name: z.string(), email: z.string() }) {",
    "  declare static readonly objects: ManagerOf<typeof User>;",
    "}",
  ].join("\n"),
};

/** The chain of blocks starting at the block named `name` in `page`, preludes first, imports hoisted. */
function chain(page: string, name: string): string {
  const text = readFileSync(join(ROOT, "docs", "db", page), "utf8");
  const blocks: { name?: string; continues?: string; preludes: string[]; code: string }[] = [];
  const re = /((?:<!-- [a-z]+: [\w-]+ -->\n)*)```ts\n([\s\S]*?)```/g;
  for (const match of text.matchAll(re)) {
    const notes = [...match[1].matchAll(/<!-- ([a-z]+): ([\w-]+) -->/g)];
    blocks.push({
      name: notes.find((n) => n[1] === "name")?.[2],
      continues: notes.find((n) => n[1] === "continues")?.[2],
      preludes: notes.filter((n) => n[1] === "prelude").map((n) => n[2]),
      code: match[2],
    });
  }
  const first = blocks.find((b) => b.name === name);
  assert.ok(first, `${page} has a block named ${name}`);
  const parts = [...first.preludes.map((p) => PRELUDES[p]), first.code];
  for (const block of blocks) if (block.continues === name) parts.push(block.code);
  const lines = parts.join("\n").split("\n");
  const imports = lines.filter((l) => l.startsWith("import "));
  const body = lines.filter((l) => !l.startsWith("import "));
  return [...imports, ...body].join("\n");
}

/** Writes `code` (plus `checks`) as a module on a fresh SQLite file and imports it. */
async function run(page: string, code: string, checks: string): Promise<void> {
  const db = join(OUT, `${page}.db`);
  const src = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, "src", "db", path)).href);
  const module = `${code}\n${checks}\n`
    .replaceAll('"registers/db/testing"', src("testing.ts"))
    .replaceAll('"registers/db"', src("index.ts"))
    .replaceAll('"app.db"', JSON.stringify(db))
    // testing.md declares node:test cases: run them in order, inside this test.
    .replace('import { it } from "node:test";', "");
  const file = join(OUT, `${page}.ts`);
  const usesIt = module.includes("it(");
  const runner =
    "let chain: Promise<unknown> = Promise.resolve();\n" +
    "const it = (_name: string, fn: () => unknown) => {\n  chain = chain.then(fn);\n};\n";
  writeFileSync(file, usesIt ? `${runner}${module}\nawait chain;\n` : module);
  await import(pathToFileURL(file).href);
}

it("docs/db/raw-sql.md runs, with the results it shows", async () => {
  await run(
    "raw-sql.md",
    chain("raw-sql.md", "raw-people"),
    `import assert from "node:assert/strict";
assert.deepEqual(adults.map((p) => p.name), ["Ann"]);
assert.ok(adults[0] instanceof Person && adults[0].joined instanceof Date);
assert.equal(Number(stats.n), 2);
assert.equal(Number(stats.oldest), 34);
assert.equal(changes, 1);
assert.deepEqual(picked.map((p) => p.name), ["Ann", "Bob"]);`,
  );
});

it("docs/db/query-forms.md runs, with the results it shows", async () => {
  await run(
    "query-forms.md",
    chain("query-forms.md", "forms-blog"),
    `import assert from "node:assert/strict";
assert.deepEqual(teens.map((a) => a.name), ["Bob"]);
assert.equal(mid, 1);
assert.deepEqual(byRole, [{ role: null, count: 1 }, { role: "admin", count: 1 }, { role: "member", count: 1 }]);
assert.deepEqual(perAuthor, [
  { author_id: 1, count: 2, sum: { views: 123 }, max: { views: 120 } },
  { author_id: 2, count: 1, sum: { views: 40 }, max: { views: 40 } },
]);
assert.deepEqual(all, { count: 3, countDistinct: { author_id: 2 }, avg: { views: 163 / 3 } });
assert.equal(writers, 1);
assert.deepEqual(published.map((a) => a.name), ["Ann"]);
assert.deepEqual(quiet.map((a) => a.name), ["Cy"]);
assert.deepEqual(allDrafts.map((a) => a.name), ["Bob", "Cy"]);
assert.equal(popular, 1);
assert.deepEqual(byAdmins.map((p) => p.title), ["Hello", "Draft"]);
assert.equal(created, true);
assert.equal(instance.name, "Dee");
assert.equal((await Author.objects.getOrCreate({ email: "dee@example.com" })).created, false);
assert.deepEqual([renamed.created, renamed.instance.name], [false, "Ann B."]);`,
  );
});

it("docs/db/testing.md runs: the rollback leaves nothing, the isolated database is removed", async () => {
  await run(
    "testing.md",
    chain("testing.md", "testing-rollback"),
    `await chain;
assert.equal(await User.objects.count({ email: "ann@example.com" }), 0);
assert.equal(await User.objects.count({ email: "bob@example.com" }), 1);`,
  );
});
