// The pieces under the runner: splitting a migration.sql into statements (examples and a fast-check
// property per SQL flavour), checksums, folder names and reading the folder, model globs, and what
// importing registers/migrate loads.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { expandModulePatterns } from "../../src/migrate/glob.js";
import { checksumOf, MigrationFileError, type SqlFlavor, splitStatements } from "../../src/migrate/index.js";
import { migrationFolderName, readMigrations, writeMigration } from "../../src/migrate/migration-files.js";
import { ensureBuilt, repo } from "./_support.js";

ensureBuilt();

describe("splitStatements", () => {
  it("cuts at ; outside strings, identifiers, comments and dollar quotes; drops leading comments", () => {
    const sql = [
      "-- registers migration x",
      "-- dialect: postgres",
      "",
      "CREATE TABLE \"a;b\" (c TEXT DEFAULT 'x;''y');",
      "/* block; comment */ ALTER TABLE t ADD d INT; -- trailing; comment",
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;",
      "  ;  ;",
      "-- only a comment;",
    ].join("\n");
    assert.deepEqual(splitStatements(sql, "postgres"), [
      "CREATE TABLE \"a;b\" (c TEXT DEFAULT 'x;''y')",
      "ALTER TABLE t ADD d INT",
      "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
    ]);
    assert.deepEqual(splitStatements("INSERT INTO t VALUES ('a\\';b'); # c;\nSELECT `x;y` FROM t", "mysql"), [
      "INSERT INTO t VALUES ('a\\';b')",
      "# c;\nSELECT `x;y` FROM t",
    ]);
    assert.deepEqual(splitStatements("", "sqlite"), []);
  });

  const word = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/);
  const anyText = fc.string({
    unit: fc.constantFrom("a", ";", "'", '"', "-", "*", "/", "$", " ", "\n", "`", "\\"),
  });
  const piece = (flavor: SqlFlavor) => {
    const common = [
      word,
      anyText.map((t) => `'${t.replace(/\\/g, flavor === "mysql" ? "\\\\" : "\\").replace(/'/g, "''")}'`),
      anyText.map((t) => `"${t.replace(/\\/g, flavor === "mysql" ? "\\\\" : "\\").replace(/"/g, '""')}"`),
      anyText.map((t) => `/* ${t.replace(/\*/g, "")} */`),
      anyText.map((t) => `-- ${t.replace(/\n/g, " ")}\n`),
    ];
    if (flavor === "postgres") common.push(anyText.map((t) => `$q$${t.replace(/\$/g, "")}$q$`));
    if (flavor === "mysql") common.push(anyText.map((t) => `\`${t.replace(/`/g, "``")}\``));
    return fc.oneof(...common);
  };

  for (const flavor of ["sqlite", "postgres", "mysql"] as const) {
    it(`${flavor}: any statements joined with ; split back into themselves`, () => {
      // A statement starts with a keyword (not a comment, which the splitter strips in front).
      const statement = fc
        .tuple(word, fc.array(piece(flavor), { maxLength: 6 }))
        .map(([head, rest]) => `${head} ${rest.join(" ")}`); // a trailing -- comment keeps its newline
      fc.assert(
        fc.property(fc.array(statement, { minLength: 1, maxLength: 5 }), (statements) => {
          const text = statements.map((s) => `${s};`).join("\n");
          assert.deepEqual(
            splitStatements(text, flavor),
            statements.map((s) => s.trim()),
          );
        }),
        { numRuns: 300 },
      );
    });
  }
});

describe("migration files", () => {
  it("checksums ignore CRLF line endings but not content", () => {
    assert.equal(checksumOf("SELECT 1;\r\nSELECT 2;\r\n"), checksumOf("SELECT 1;\nSELECT 2;\n"));
    assert.notEqual(checksumOf("SELECT 1;\n"), checksumOf("SELECT 2;\n"));
    assert.match(checksumOf(""), /^[0-9a-f]{64}$/);
  });

  it("names a folder <UTC stamp>_<slug>, always after the newest existing one", () => {
    const at = new Date("2026-01-02T03:04:05.900Z");
    assert.equal(migrationFolderName("Add orders!", at, []), "20260102030405_add_orders");
    assert.equal(
      migrationFolderName("next", at, ["20260102030405_add_orders", "README.md"]),
      "20260102030406_next",
    );
    assert.equal(migrationFolderName("x", at, ["20261231235959_future"]), "20270101000000_x");
    assert.throws(() => migrationFolderName(" !! ", at, []), MigrationFileError);
  });

  it("reads migrations in name order, ignores other entries, refuses a folder without migration.sql", () => {
    const dir = mkdtempSync(join(tmpdir(), "registers-files-"));
    writeMigration(dir, "20260102000000_b", "-- dialect: mysql\nSELECT 2;\n");
    writeMigration(dir, "20260101000000_a", "SELECT 1;\n");
    writeFileSync(join(dir, "README.md"), "notes");
    mkdirSync(join(dir, "drafts"));
    const read = readMigrations(dir);
    assert.deepEqual(
      read.map((m) => [m.name, m.dialect]),
      [
        ["20260101000000_a", undefined],
        ["20260102000000_b", "mysql"],
      ],
    );
    assert.equal(read[0].checksum, checksumOf("SELECT 1;\n"));
    assert.throws(() => writeMigration(dir, "20260101000000_a", "x"), /already exists/);
    mkdirSync(join(dir, "20260103000000_empty"));
    assert.throws(() => readMigrations(dir), /migration 20260103000000_empty has no migration\.sql/);
    assert.deepEqual(readMigrations(join(dir, "missing")), []);
  });
});

describe("model globs", () => {
  const root = mkdtempSync(join(tmpdir(), "registers-glob-"));
  for (const file of [
    "a.ts",
    "src/b.ts",
    "src/deep/c.ts",
    "src/deep/c.test.js",
    "node_modules/x/d.ts",
    ".hidden/e.ts",
  ]) {
    mkdirSync(join(root, file, ".."), { recursive: true });
    writeFileSync(join(root, file), "");
  }
  const rel = (files: string[]) => files.map((f) => f.slice(root.length + 1));

  it("expands *, ? and ** (never into node_modules or dot folders), keeps plain paths, dedupes", () => {
    assert.deepEqual(rel(expandModulePatterns(["./src/**/*.ts"], root)), ["src/b.ts", "src/deep/c.ts"]);
    assert.deepEqual(rel(expandModulePatterns(["**/?.ts", "a.ts"], root)), [
      "a.ts",
      "src/b.ts",
      "src/deep/c.ts",
    ]);
    assert.deepEqual(rel(expandModulePatterns(["src/deep/*"], root)), [
      "src/deep/c.test.js",
      "src/deep/c.ts",
    ]);
  });

  it("a missing path or a glob matching nothing is a MigrationConfigError", () => {
    assert.throws(() => expandModulePatterns(["./nope.ts"], root), /models: \.\/nope\.ts does not exist/);
    assert.throws(() => expandModulePatterns(["src/*.js"], root), /matches no file/);
  });
});

describe("the registers/migrate entry point", () => {
  it("imports through the exports map without loading esbuild, the CLI half or a database driver", () => {
    const hook = pathToFileURL(join(repo, "test", "fixtures", "trace-loads.mjs")).href;
    const register = `import { register } from "node:module"; register(${JSON.stringify(hook)});`;
    const r = spawnSync(
      process.execPath,
      [
        "--import",
        `data:text/javascript,${encodeURIComponent(register)}`,
        "--input-type=module",
        "-e",
        'const m = await import("registers/migrate"); if (typeof m.migrate !== "function") process.exit(3);',
      ],
      { cwd: repo, encoding: "utf8" },
    );
    assert.equal(r.status, 0, r.stderr);
    const loaded = r.stderr.split("\n").filter((l) => l.startsWith("LOAD "));
    assert.ok(loaded.some((l) => l.includes("/dist/migrate/index.js")));
    assert.deepEqual(
      loaded.filter((l) => /node_modules\/(esbuild|@clack|pg|mysql2|better-sqlite3)\/|\/dist\/cli\//.test(l)),
      [],
    );
  });
});
