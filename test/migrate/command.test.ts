// The `registers` command as a real process: help, completion, exit codes, usage errors, typed
// errors without stack traces, `--output json`, and loading registers.config.ts (TypeScript, TC39
// decorators, globs, --config, a JavaScript config, DATABASE_URL) with no build step.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { bin, cli, ensureBuilt, makeProject, query, writeFiles } from "./_support.js";

ensureBuilt();

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at |node:internal|\.ts:\d+:\d+/, text);

const MODELS = `import { z } from "zod";
import { Model, databaseRegistry } from "registers/db";

@databaseRegistry("app.db", { tableName: "users" })
export class User extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
  greet(): string {
    return \`hi \${this.name}\`;
  }
}
`;

describe("the registers command as a process", () => {
  const project = makeProject({
    "registers.config.ts": `import { defineConfig } from "registers/migrate";\nexport default defineConfig({ models: ["./src/**/*.ts"] });\n`,
    "src/models/user.ts": MODELS,
  });

  it("--help lists the db group, db --help its commands, a command's help its options (exit 0)", () => {
    const top = cli(project, ["--help"]);
    assert.equal(top.code, 0);
    assert.match(top.stdout, /^Usage: registers <command> \[options\]/);
    assert.match(top.stdout, /\n {2}db <command> +Migrations/);
    const group = cli(project, ["db", "--help"]);
    assert.equal(group.code, 0);
    for (const name of ["generate", "migrate", "status", "check"])
      assert.match(group.stdout, new RegExp(`\\n {2}${name} `));
    const generate = cli(project, ["db", "generate", "--help"]);
    assert.equal(generate.code, 0);
    assert.match(generate.stdout, /Usage: registers db generate <name>/);
    for (const option of ["--allow-destructive", "--rename", "--not-renamed", "--config"])
      assert.ok(generate.stdout.includes(option), option);
  });

  it("--version prints the package's version; completion prints a script", () => {
    const version = cli(project, ["--version"]);
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const completion = cli(project, ["completion", "bash"]);
    assert.equal(completion.code, 0);
    assert.match(completion.stdout, /generate/);
  });

  it("usage errors exit 2 with the usage: missing name, unknown command, bad --rename", () => {
    const missing = cli(project, ["db", "generate"]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^error: missing required argument <name>/);
    assert.match(missing.stderr, /Usage: registers db generate <name>/);
    const unknown = cli(project, ["db", "migrat"]);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command 'migrat'[\s\S]*Did you mean 'migrate'\?/);
    const rename = cli(project, ["db", "generate", "x", "--rename", "users-name"]);
    assert.equal(rename.code, 2);
    assert.match(
      rename.stderr,
      /^error: --rename takes table\.old=new \(comma-separated\), got "users-name"/,
    );
    for (const r of [missing, unknown, rename]) {
      assert.equal(r.stdout, "");
      noStack(r.stderr);
    }
  });

  it("no config: exit 1 with a typed message saying what to create, never a stack", () => {
    const empty = makeProject({});
    const r = cli(empty, ["db", "status"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^Error: no registers\.config\.ts in .*: create one \(export default defineConfig/,
    );
    noStack(r.stderr);
    const explicit = cli(empty, ["db", "status", "--config", "nope.ts"]);
    assert.equal(explicit.code, 1);
    assert.match(explicit.stderr, /^Error: the config file nope\.ts does not exist/);
  });

  it("loads TypeScript models with TC39 decorators through a glob; the URL defaults to the models' one", () => {
    const r = cli(project, ["db", "status", "--output", "json"]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.ok(existsSync(join(project, "app.db")), "status opened the models' database (app.db)");
    assert.deepEqual(
      readdirSync(project).filter((f) => f.startsWith(".registers-")),
      [],
      "the bundled temp files are removed",
    );
  });

  it("DATABASE_URL overrides the config's url; a JavaScript config works too", () => {
    const js = makeProject({
      "registers.config.mjs": `export default { models: "./models.ts", url: "config.db", migrations: "./db/migrations" };\n`,
      "models.ts": MODELS,
    });
    assert.equal(cli(js, ["db", "status"]).code, 0);
    assert.ok(existsSync(join(js, "config.db")));
    const r = cli(js, ["db", "migrate"], { DATABASE_URL: join(js, "env.db") });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "Nothing to migrate: 0 migration(s) already applied.\n");
    assert.ok(existsSync(join(js, "env.db")));
  });

  it("a config that is not one, or models that do not compile, are typed errors naming the file", () => {
    const bad = makeProject({ "registers.config.ts": "export default { url: 'x.db' };\n" });
    const r = cli(bad, ["db", "status"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^Error: registers\.config\.ts: models must be a path or glob, or a non-empty list of them\n$/,
    );
    const broken = makeProject({
      "registers.config.ts": `export default { models: ["./models.ts"] };\n`,
      "models.ts": "export const = 1;\n",
    });
    const b = cli(broken, ["db", "check"]);
    assert.equal(b.code, 1);
    assert.match(
      b.stderr,
      /^Error: cannot compile registers\.config\.ts or the modules it names: .*models\.ts:1\)/,
    );
    noStack(b.stderr);
    const none = makeProject({
      "registers.config.ts": `export default { models: ["./src/*.ts"] };\n`,
    });
    assert.match(cli(none, ["db", "check"]).stderr, /^Error: models: \.\/src\/\*\.ts matches no file/);
  });
});

const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).status === 0;

describe("on a terminal, generate asks about a possible rename", {
  skip: hasScript ? false : "no script(1) for a pseudo-terminal",
}, () => {
  const user = (field: string) => `import { z } from "zod";
import { Model, databaseRegistry } from "registers/db";
@databaseRegistry("app.db", { tableName: "users" })
export class User extends Model({ id: z.int().nullable().default(null), ${field}: z.string() }) {}
`;
  /** Runs generate in a pseudo-terminal (script(1)), typing `keys` once the question is up. */
  const generateOnTty = (project: string, keys: string) => {
    const command = `sleep 2; printf '${keys}'; sleep 2`;
    return spawnSync(
      "sh",
      [
        "-c",
        `(${command}) | script -qfec "stty cols 200 rows 40; ${process.execPath} ${bin} db generate renamed" /dev/null`,
      ],
      {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", DATABASE_URL: "" },
      },
    );
  };

  it("yes: the migration renames the column (values kept)", () => {
    const project = makeProject({
      "registers.config.ts": 'export default { models: ["./models.ts"] };\n',
      "models.ts": user("name"),
    });
    assert.equal(cli(project, ["db", "generate", "init"]).code, 0);
    assert.equal(cli(project, ["db", "migrate"]).code, 0);
    writeFiles(project, { "models.ts": user("fullName") });
    const r = generateOnTty(project, "y");
    assert.match(r.stdout, /Was users\.name renamed to fullName\?/);
    assert.match(r.stdout, /Wrote .*_renamed\/migration\.sql/);
    const folder = readdirSync(join(project, "migrations")).find((f) => f.endsWith("_renamed")) as string;
    assert.match(
      readFileSync(join(project, "migrations", folder, "migration.sql"), "utf8"),
      /RENAME COLUMN "name" TO "fullName"/,
    );
  });

  it("db migrate draws a progress line per migration on a terminal", () => {
    const project = makeProject({
      "registers.config.ts": 'export default { models: ["./models.ts"], url: "app.db" };\n',
    });
    const slow =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000) SELECT count(*) FROM c;\n";
    writeFiles(project, { "migrations/20260101000000_slow/migration.sql": slow.repeat(6) });
    const r = spawnSync(
      "script",
      ["-qfec", `stty cols 200 rows 40; ${process.execPath} ${bin} db migrate`, "/dev/null"],
      {
        cwd: project,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1", DATABASE_URL: "" },
      },
    );
    assert.match(r.stdout, /20260101000000_slow \[#{24}\] 6\/6 [\d.]+\/s ETA/);
    assert.match(r.stdout, /Applied 1 migration\(s\):/);
  });

  it("no: dropping the old column is destructive, so nothing is written without --allow-destructive", () => {
    const project = makeProject({
      "registers.config.ts": 'export default { models: ["./models.ts"] };\n',
      "models.ts": user("name"),
    });
    assert.equal(cli(project, ["db", "generate", "init"]).code, 0);
    assert.equal(cli(project, ["db", "migrate"]).code, 0);
    writeFiles(project, { "models.ts": user("fullName") });
    const r = generateOnTty(project, "n");
    assert.match(r.stdout, /Was users\.name renamed to fullName\?/);
    assert.match(r.stdout, /error: destructive changes? not written: .*drop column "users"\."name"/);
    assert.equal(readdirSync(join(project, "migrations")).length, 1);
  });
});

describe("adopting migrations on a database made by autoCreate", () => {
  it("generate against an empty database, mark-applied on the existing one, check is clean, rows kept", async () => {
    const project = makeProject({
      "registers.config.ts": 'export default { models: ["./models.ts"], url: "app.db" };\n',
      "models.ts": MODELS,
      "seed.ts":
        'import { User } from "./models.ts";\nawait User.objects.create({ name: "Ann" });\nprocess.exit(0);\n',
    });
    const seeded = spawnSync(process.execPath, ["--import", import.meta.resolve("tsx"), "seed.ts"], {
      cwd: project,
      encoding: "utf8",
    });
    assert.equal(seeded.status, 0, seeded.stderr);
    assert.equal(
      cli(project, ["db", "generate", "init"]).stdout,
      "Nothing to generate: the models match the database.\n",
    );
    const generated = cli(project, ["db", "generate", "init"], { DATABASE_URL: join(project, "empty.db") });
    assert.equal(generated.code, 0, generated.stderr);
    const [init] = readdirSync(join(project, "migrations"));
    const pending = cli(project, ["db", "check"]);
    assert.equal(pending.code, 1);
    assert.match(pending.stderr, new RegExp(`migrations not applied: ${init}`));
    const marked = cli(project, ["db", "mark-applied", init]);
    assert.equal(marked.code, 0, marked.stderr);
    assert.match(marked.stdout, new RegExp(`^Recorded ${init} as applied \\(not run\\)`));
    assert.equal(cli(project, ["db", "check"]).code, 0);
    assert.equal(
      cli(project, ["db", "migrate"]).stdout,
      "Nothing to migrate: 1 migration(s) already applied.\n",
    );
    const again = cli(project, ["db", "mark-applied", init]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, new RegExp(`^Error: migration ${init} is already applied`));
    assert.deepEqual(
      (await query("sqlite", join(project, "app.db"), "SELECT name FROM users")).map((r) => r.name),
      ["Ann"],
    );
    const unknown = cli(project, ["db", "mark-applied", "20990101000000_nope"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: no migration 20990101000000_nope in /);
  });
});

describe("db check and db status with --output json", () => {
  it("a failed check is a JSON object on stdout (exit 1, nothing on stderr); text stays on stderr", () => {
    const project = makeProject({
      "registers.config.ts": 'export default { models: ["./models.ts"], url: "app.db" };\n',
      "models.ts": MODELS,
    });
    const drift = cli(project, ["db", "check", "--output", "json"]);
    assert.equal(drift.code, 1, drift.stderr);
    assert.equal(drift.stderr, "");
    const summary = JSON.parse(drift.stdout).differences[0]?.summary;
    assert.deepEqual(JSON.parse(drift.stdout), {
      clean: false,
      applied: 0,
      pending: [],
      changed: [],
      differences: [{ kind: "createTable", table: "users", destructive: false, summary }],
    });
    assert.match(summary, /^create table "users" \(id, name\)$/);
    const text = cli(project, ["db", "check"]);
    assert.equal(text.code, 1);
    assert.equal(text.stdout, "");
    assert.match(text.stderr, /^Error: the models and the database differ: create table "users"/);

    assert.equal(cli(project, ["db", "generate", "init"]).code, 0);
    const [init] = readdirSync(join(project, "migrations"));
    const pending = cli(project, ["db", "check", "--output", "json"]);
    assert.equal(pending.code, 1);
    assert.equal(pending.stderr, "");
    assert.deepEqual(
      { ...JSON.parse(pending.stdout), differences: JSON.parse(pending.stdout).differences.length },
      { clean: false, applied: 0, pending: [init], changed: [], differences: 1 },
    );
    assert.equal(cli(project, ["db", "migrate"]).code, 0);
    const clean = cli(project, ["db", "check", "--output", "json"]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual(JSON.parse(clean.stdout), {
      clean: true,
      applied: 1,
      pending: [],
      changed: [],
      differences: [],
    });

    // Edited after it was applied: check fails naming it; status lists it as changed (exit 0).
    const file = join(project, "migrations", init as string, "migration.sql");
    writeFiles(project, {
      [`migrations/${init}/migration.sql`]: `${readFileSync(file, "utf8")}\n-- edited\n`,
    });
    const changed = cli(project, ["db", "check", "--output", "json"]);
    assert.equal(changed.code, 1);
    assert.deepEqual(JSON.parse(changed.stdout), {
      clean: false,
      applied: 0,
      pending: [init],
      changed: [init],
      differences: [],
    });
    const status = cli(project, ["db", "status", "--output", "json"]);
    assert.equal(status.code, 0, status.stderr);
    assert.deepEqual(
      JSON.parse(status.stdout).map((m: { name: string; state: string }) => [m.name, m.state]),
      [[init, "changed"]],
    );
  });
});
