// Every TypeScript block of README.md and docs/**/*.md type-checks, compiled with the compiler
// options of the README's own "New project" tsconfig.json, against the sources in src/.
//
// A block is a module of its own. HTML comments on the lines right above its fence say more:
//   <!-- name: people -->        names the block (any language), so that others can continue it
//   <!-- continues: people -->   the block goes on from that earlier block (same file for tsc)
//   <!-- prelude: db -->         prepends a shared prelude of PRELUDES below (what the reader has)
// A statement ending in a comment that is a type (`await User.objects.get(1); // User | null`) must
// have that type. Failures name the Markdown file and line; the generated files are kept in
// test/.readme-blocks/ (git-ignored). The Hono example is also run, against an in-memory database.
import assert from "node:assert/strict";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import ts from "typescript";

const ROOT = join(import.meta.dirname, "..", "..");
const OUT = join(ROOT, "test", ".readme-blocks");

/** Invisible context some blocks need: names a reader has from elsewhere in the text. */
const PRELUDES: Record<string, string> = {
  /** The imports of a registers/db model file. */
  db: [
    'import { z } from "zod";',
    'import { databaseRegistry, HasMany, type ManagerOf, Model, relate } from "registers/db";',
  ].join("\n"),
  /** A `Post` model with an author key, for blocks that relate to it. */
  post: [
    '@databaseRegistry("app.db", { tableName: "posts" })',
    "class Post extends Model({ id: z.int().nullable().default(null), author_id: z.int().nullable(), title: z.string() }) {}",
  ].join("\n"),
  /** The README's first model, `User`. */
  user: [
    '@databaseRegistry("app.db", { tableName: "users", uniqueFields: ["email"] })',
    "class User extends Model({ id: z.int().nullable().default(null), name: z.string(), email: z.string() }) {",
    "  declare static readonly objects: ManagerOf<typeof User>;",
    "}",
  ].join("\n"),
};

const TS_LANGS = new Set(["ts", "typescript"]);
const KEYS = new Set(["name", "continues", "prelude"]);

interface Block {
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  name?: string;
  continues: string[];
  preludes: string[];
}

function markdownFiles(): string[] {
  const files = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (entry.endsWith(".md")) files.push(relative(ROOT, path));
    }
  };
  try {
    walk(join(ROOT, "docs"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  return files;
}

/** The fenced blocks of a Markdown file with their annotations; throws on a malformed annotation. */
function extractBlocks(doc: string, text: string): Block[] {
  const lines = text.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${doc}:${i + 1}: unterminated code fence`);
    const block: Block = {
      doc,
      line: i + 1,
      lang: open[1],
      code: lines.slice(i + 1, end).join("\n"),
      continues: [],
      preludes: [],
    };
    for (let j = i - 1; j >= 0 && lines[j].startsWith("<!--"); j--) {
      const note = /^<!--\s*([\w-]+):\s*(.*?)\s*-->$/.exec(lines[j]);
      if (note === null || !KEYS.has(note[1])) continue; // another kind of comment (section markers)
      const values = note[2].split(/[\s,]+/).filter(Boolean);
      if (note[1] === "name") block.name = note[2];
      else if (note[1] === "continues") block.continues.push(...values);
      else block.preludes.push(...values);
    }
    if (!TS_LANGS.has(block.lang) && (block.continues.length > 0 || block.preludes.length > 0))
      throw new Error(`${doc}:${block.line}: only TypeScript blocks can have continues/prelude`);
    blocks.push(block);
    i = end;
  }
  return blocks;
}

interface Source {
  file: string;
  text: string;
  /** For each generated line (0-based), where it comes from. */
  origin: string[];
  block: Block;
}

/** Assembles each TypeScript block with its preludes and the blocks it continues. */
function assemble(blocks: Block[]): Source[] {
  const named = new Map<string, Block>();
  const sources: Source[] = [];
  const problems: string[] = [];
  const expand = (block: Block, seen: Set<Block | string>, out: { text: string[]; origin: string[] }) => {
    if (seen.has(block)) return;
    seen.add(block);
    for (const p of block.preludes) {
      const prelude = PRELUDES[p];
      if (prelude === undefined) {
        problems.push(`${block.doc}:${block.line}: unknown prelude '${p}' (${Object.keys(PRELUDES)})`);
        continue;
      }
      if (seen.has(`prelude:${p}`)) continue;
      seen.add(`prelude:${p}`);
      prelude.split("\n").forEach((l, k) => {
        out.text.push(l);
        out.origin.push(`prelude '${p}' line ${k + 1}`);
      });
    }
    for (const c of block.continues) {
      const earlier = named.get(c);
      if (earlier === undefined)
        problems.push(`${block.doc}:${block.line}: continues '${c}', no earlier block has that name`);
      else expand(earlier, seen, out);
    }
    block.code.split("\n").forEach((l, k) => {
      out.text.push(l);
      out.origin.push(`${block.doc}:${block.line + 1 + k}`);
    });
  };
  for (const block of blocks) {
    if (TS_LANGS.has(block.lang)) {
      const out = { text: [] as string[], origin: [] as string[] };
      expand(block, new Set(), out);
      out.text.push("export {};"); // every block is a module, never a global script
      out.origin.push(`${block.doc}:${block.line} (end)`);
      const file = join(OUT, `${block.doc.replace(/[^\w]+/g, "_")}-L${block.line}.ts`);
      sources.push({ file, text: out.text.join("\n"), origin: out.origin, block });
    }
    if (block.name !== undefined) {
      if (named.has(block.name))
        problems.push(`${block.doc}:${block.line}: the name '${block.name}' is taken`);
      named.set(block.name, block);
    }
  }
  assert.deepEqual(problems, [], problems.join("\n"));
  return sources;
}

/** The README's "New project" tsconfig.json (the block named `tsconfig`), as compiler options. */
function readmeCompilerOptions(blocks: Block[]): ts.CompilerOptions {
  const block = blocks.find((b) => b.name === "tsconfig");
  assert.ok(block, "README.md has a tsconfig.json block marked <!-- name: tsconfig -->");
  const parsed = ts.parseConfigFileTextToJson("tsconfig.json", block.code);
  assert.equal(parsed.error, undefined, `README.md:${block.line}: the tsconfig.json block is not JSON`);
  const { options, errors } = ts.convertCompilerOptionsFromJson(parsed.config.compilerOptions, OUT);
  assert.deepEqual(
    errors.map((e) => ts.flattenDiagnosticMessageText(e.messageText, "\n")),
    [],
    `README.md:${block.line}: invalid compilerOptions`,
  );
  return {
    ...options,
    noEmit: true,
    rootDir: undefined,
    outDir: undefined,
    // What `npm install registers` gives a project, mapped to the sources under test.
    paths: {
      registers: [join(ROOT, "src", "index.ts")],
      "registers/*": [join(ROOT, "src", "*", "index.ts")],
    },
  };
}

/** A trailing comment that states a type: `// User | null`, `// Date | null`, `// number`. */
const TYPE_COMMENT = /;\s*\/\/ ((?:[A-Za-z_][\w.<>]*(?:\[\])?)(?: \| [A-Za-z_][\w.<>]*(?:\[\])?)*)\s*$/;

/**
 * Statements like `await User.objects.get(1); // User | null`: the comment says what a reader's
 * editor shows for the expression, so it must be the type TypeScript infers (union order aside).
 */
function typeComments(program: ts.Program, source: Source): { where: string; code: number; text: string }[] {
  const file = program.getSourceFile(source.file);
  if (file === undefined) return [];
  const checker = program.getTypeChecker();
  const found: { where: string; code: number; text: string }[] = [];
  const lines = source.text.split("\n");
  const visit = (node: ts.Node) => {
    if (ts.isExpressionStatement(node)) {
      const line = file.getLineAndCharacterOfPosition(node.getEnd()).line;
      const claimed = TYPE_COMMENT.exec(lines[line])?.[1];
      if (claimed !== undefined && source.origin[line].startsWith(source.block.doc)) {
        const shown = checker.typeToString(checker.getTypeAtLocation(node.expression));
        const norm = (t: string) => t.split(" | ").sort().join(" | ");
        if (norm(shown) !== norm(claimed))
          found.push({
            where: source.origin[line],
            code: 0,
            text: `the comment says ${claimed}, the type is ${shown}`,
          });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

/** Type-checks `sources` and returns the diagnostics in them, located in the Markdown. */
function typeCheck(
  sources: Source[],
  options: ts.CompilerOptions,
): { where: string; code: number; text: string }[] {
  const program = ts.createProgram(
    sources.map((s) => s.file),
    options,
  );
  const byFile = new Map(sources.map((s) => [ts.sys.resolvePath(s.file), s]));
  const seen = new Set<string>();
  const found: { where: string; code: number; text: string }[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const source = d.file ? byFile.get(ts.sys.resolvePath(d.file.fileName)) : undefined;
    if (d.file !== undefined && source === undefined) continue; // inside src/ or a library: not ours to report
    const where =
      source && d.start !== undefined
        ? source.origin[d.file!.getLineAndCharacterOfPosition(d.start).line]
        : "(global)";
    const text = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    const key = `${where} ${d.code} ${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({ where, code: d.code, text });
  }
  for (const source of sources)
    for (const claim of typeComments(program, source)) {
      const key = `${claim.where} ${claim.text}`;
      if (!seen.has(key)) found.push(claim);
      seen.add(key);
    }
  return found;
}

function loadBlocks(): Block[] {
  return markdownFiles().flatMap((doc) => extractBlocks(doc, readFileSync(join(ROOT, doc), "utf8")));
}

function writeSources(sources: Source[]): void {
  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(OUT, { recursive: true });
  for (const s of sources) writeFileSync(s.file, s.text);
}

describe("documentation code blocks", () => {
  const blocks = loadBlocks();
  const sources = assemble(blocks);
  writeSources(sources);

  it("every TypeScript block of README.md and docs/ type-checks with the README's tsconfig.json", () => {
    assert.ok(sources.length >= 20, `found only ${sources.length} TypeScript blocks`);
    const errors = typeCheck(sources, readmeCompilerOptions(blocks));
    const lines = errors.map(
      (e) => `${e.where}: ${e.code === 0 ? "type comment" : `TS${e.code}`}: ${e.text}`,
    );
    assert.deepEqual(lines, [], `documentation blocks that do not compile:\n  ${lines.join("\n  ")}`);
  });

  it("the README's Hono example answers client errors with 4xx, never 500", async () => {
    const hono = sources.find((s) => s.text.includes('from "hono"'));
    assert.ok(hono, "README.md has a Hono block");
    // The same program, run against the sources and an in-memory database.
    const runnable = join(OUT, "hono-app.ts");
    writeFileSync(
      runnable,
      hono.text
        .replaceAll('"registers/db"', JSON.stringify(pathToFileURL(join(ROOT, "src", "db", "index.ts")).href))
        .replaceAll('"app.db"', '":memory:"'),
    );
    const { default: app } = (await import(pathToFileURL(runnable).href)) as {
      default: { request(path: string, init?: RequestInit): Promise<Response> };
    };
    const { disposeAll } = await import("../../src/db/index.js");
    const call = async (method: string, path: string, body?: string) => {
      const response = await app.request(path, {
        method,
        body,
        headers: { "content-type": "application/json" },
      });
      return [response.status, (await response.json()) as Record<string, unknown>] as const;
    };
    const quiet = console.error;
    console.error = () => {};
    try {
      const ann = JSON.stringify({ name: "Ann", email: "ann@example.com" });
      assert.equal((await call("POST", "/users", ann))[0], 201);
      assert.equal((await call("GET", "/users/1"))[0], 200);
      const cases: [string, string, string | undefined, number][] = [
        ["GET", "/users/abc", undefined, 400],
        ["GET", "/users/1.5", undefined, 400],
        ["GET", "/users/99", undefined, 404],
        ["POST", "/users", ann, 409],
        ["POST", "/users", JSON.stringify({ name: 1 }), 400],
        ["POST", "/users", JSON.stringify({ name: "Bo", email: "bo@example.com", admin: true }), 400],
        ["POST", "/users", "{not json", 400],
      ];
      for (const [method, path, body, status] of cases) {
        const [got, json] = await call(method, path, body);
        assert.equal(got, status, `${method} ${path} ${body ?? ""}: ${JSON.stringify(json)}`);
        assert.equal(typeof json.message, "string");
      }
    } finally {
      console.error = quiet;
      await disposeAll();
    }
  });

  it("the README's package.json is an ES module with a bin", () => {
    const block = blocks.find((b) => b.name === "package-json");
    assert.ok(block, "README.md has a package.json block marked <!-- name: package-json -->");
    const pkg = JSON.parse(block.code) as {
      type?: string;
      bin?: unknown;
      dependencies?: Record<string, string>;
    };
    assert.equal(pkg.type, "module");
    assert.ok(pkg.bin && typeof pkg.bin === "object", "a bin entry");
    assert.ok(pkg.dependencies?.registers && pkg.dependencies.zod, "depends on registers and zod");
  });

  it("with experimentalDecorators: true, decorators fail with TS1241 / TS1240 as the README says", () => {
    const cli = sources.find((s) => s.block.name === "cli");
    const blog = sources.find((s) => s.block.name === "blog");
    assert.ok(cli && blog, "blocks named cli and blog exist");
    const errors = typeCheck([cli, blog], { ...readmeCompilerOptions(blocks), experimentalDecorators: true });
    const codes = new Set(errors.map((e) => e.code));
    assert.ok(codes.has(1241), `@cli.register: TS1241, got ${JSON.stringify(errors)}`);
    assert.ok(codes.has(1240), `@HasMany accessor: TS1240, got ${JSON.stringify(errors)}`);
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    assert.match(readme, /TS1240/);
    assert.match(readme, /TS1241/);
  });
});
