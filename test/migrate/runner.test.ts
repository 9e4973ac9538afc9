// `registers db migrate` and `db status` as real processes on SQLite, PostgreSQL and MariaDB, with
// hand-written migrations: order, the ledger, a changed applied file, a migration failing halfway
// (rolled back, or on MariaDB the applied statements reported), two processes migrating at once.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  cli,
  cliAsync,
  ensureBuilt,
  freshDatabase,
  type MigrationTarget,
  makeProject,
  query,
  tableNames,
  targets,
  writeFiles,
} from "./_support.js";

ensureBuilt();

const CONFIG = `import { defineConfig } from "registers/migrate";
export default defineConfig({ models: ["./models.ts"], url: "unused.db" });
`;
const MODELS = "export {};\n";

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at |node:internal/, text);

/** A statement that takes a while on each database (so two processes overlap). */
const SLOW: Record<MigrationTarget["name"], string> = {
  sqlite:
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 300000) SELECT count(*) FROM c",
  postgres: "SELECT pg_sleep(0.15)",
  mysql: "SELECT SLEEP(0.15)",
};

const header = (target: string) => `-- dialect: ${target}\n`;

for (const target of targets) {
  describe(`${target.name}: registers db migrate / status`, { skip: target.skip }, () => {
    let url: string;
    let drop: () => Promise<void>;
    let project: string;
    const run = (...argv: string[]) => cli(project, argv, { DATABASE_URL: url });

    before(async () => {
      ({ url, drop } = await freshDatabase(target.name));
      project = makeProject({ "registers.config.ts": CONFIG, "models.ts": MODELS });
    });
    after(() => drop());

    it("applies pending migrations in name order, records each in the ledger, then has nothing to do", async () => {
      const second = `${header(target.name)}-- the second\nALTER TABLE notes ADD COLUMN body VARCHAR(200);\nINSERT INTO notes (id, title, body) VALUES (2, 'semi;colon', 'it''s');\n`;
      writeFiles(project, {
        "migrations/20260102000000_body/migration.sql": second,
        "migrations/20260101000000_init/migration.sql": `${header(target.name)}CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL);\nINSERT INTO notes (id, title) VALUES (1, 'first');\n`,
      });
      const status = run("db", "status", "--output", "json");
      assert.equal(status.code, 0, status.stderr);
      assert.deepEqual(
        JSON.parse(status.stdout).map((m: { name: string; state: string }) => [m.name, m.state]),
        [
          ["20260101000000_init", "pending"],
          ["20260102000000_body", "pending"],
        ],
      );

      const migrated = run("db", "migrate", "--output", "json");
      assert.equal(migrated.code, 0, migrated.stderr);
      const result = JSON.parse(migrated.stdout);
      assert.deepEqual(
        result.applied.map((m: { name: string; statements: number }) => [m.name, m.statements]),
        [
          ["20260101000000_init", 2],
          ["20260102000000_body", 2],
        ],
      );
      assert.equal(result.alreadyApplied, 0);

      const ledger = await query(target.name, url, "SELECT * FROM registers_migrations ORDER BY name");
      assert.deepEqual(
        ledger.map((r) => r.name),
        ["20260101000000_init", "20260102000000_body"],
      );
      assert.equal(ledger[1].checksum, createHash("sha256").update(second).digest("hex"));
      for (const row of ledger) {
        assert.match(String(row.applied_at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.ok(Number(row.duration_ms) >= 0);
      }
      const notes = await query(target.name, url, "SELECT id, title, body FROM notes ORDER BY id");
      assert.deepEqual(
        notes.map((r) => [Number(r.id), r.title, r.body]),
        [
          [1, "first", null],
          [2, "semi;colon", "it's"],
        ],
      );

      const again = run("db", "migrate");
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, "Nothing to migrate: 2 migration(s) already applied.\n");
      const text = run("db", "status");
      assert.equal(text.code, 0, text.stderr);
      assert.match(text.stdout, /^applied +20260101000000_init {2}\(\d{4}-/m);
      assert.match(text.stdout, /2 applied, 0 pending\.\n$/);
    });

    it("refuses to run when an applied migration's file changed, naming it", async () => {
      writeFiles(project, {
        "migrations/20260101000000_init/migration.sql": `${header(target.name)}CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL);\n-- edited\n`,
        "migrations/20260103000000_more/migration.sql": `${header(target.name)}CREATE TABLE more_notes (id INTEGER PRIMARY KEY);\n`,
      });
      const r = run("db", "migrate");
      assert.equal(r.code, 1);
      assert.equal(r.stdout, "");
      assert.match(
        r.stderr,
        /^Error: applied migration changed since applied: 20260101000000_init; restore the file/,
      );
      noStack(r.stderr);
      assert.deepEqual(
        await tableNames(target.name, url),
        ["notes", "registers_migrations"],
        "nothing applied",
      );
      const status = JSON.parse(run("db", "status", "--output", "json").stdout);
      assert.equal(status[0].state, "changed");
      assert.equal(status[2].state, "pending");
      // Restored: the pending one applies.
      writeFiles(project, {
        "migrations/20260101000000_init/migration.sql": `${header(target.name)}CREATE TABLE notes (id INTEGER PRIMARY KEY, title VARCHAR(100) NOT NULL);\nINSERT INTO notes (id, title) VALUES (1, 'first');\n`,
      });
      const fixed = run("db", "migrate");
      assert.equal(fixed.code, 0, fixed.stderr);
      assert.match(
        fixed.stdout,
        /^Applied 1 migration\(s\):\n {2}20260103000000_more \(1 statement\(s\), \d+ ms\)\n$/,
      );
    });

    it("a migration failing halfway leaves no ledger row; rolled back, or (MariaDB) the applied statements named", async () => {
      writeFiles(project, {
        "migrations/20260104000000_broken/migration.sql": `${header(target.name)}CREATE TABLE half_done (id INTEGER PRIMARY KEY);\nINSERT INTO notes (id, title) VALUES (3, 'third');\nCREATE TABLE notes (id INTEGER);\nCREATE TABLE never_made (id INTEGER);\n`,
      });
      const r = run("db", "migrate");
      assert.equal(r.code, 1);
      noStack(r.stderr);
      assert.match(
        r.stderr,
        /^Error: migration 20260104000000_broken failed at statement 3 of 4 \(CREATE TABLE notes \(id INTEGER\)\): /m,
      );
      const ledger = await query(target.name, url, "SELECT name FROM registers_migrations ORDER BY name");
      assert.equal(ledger.length, 3, "no ledger row for the failed migration");
      const tables = await tableNames(target.name, url);
      const third = await query(target.name, url, "SELECT id FROM notes WHERE id = 3");
      if (target.name === "mysql") {
        assert.match(r.stderr, /these 2 statement\(s\) before it stay applied/);
        assert.match(
          r.stderr,
          /\n {2}CREATE TABLE half_done \(id INTEGER PRIMARY KEY\);\n {2}INSERT INTO notes/,
        );
        assert.ok(tables.includes("half_done"));
        assert.equal(third.length, 1);
      } else {
        assert.match(r.stderr, /nothing of it was applied \(rolled back\)/);
        assert.ok(!tables.includes("half_done"), "rolled back");
        assert.equal(third.length, 0, "rolled back");
      }
      assert.ok(!tables.includes("never_made"), "stops at the failing statement");
      const status = JSON.parse(run("db", "status", "--output", "json").stdout);
      assert.equal(status.at(-1).state, "pending");
    });

    it("two processes migrating at once apply each migration exactly once", async () => {
      writeFiles(project, {
        "migrations/20260104000000_broken/migration.sql": `${header(target.name)}CREATE TABLE IF NOT EXISTS half_done (id INTEGER PRIMARY KEY);\n`,
      });
      const files: Record<string, string> = {
        "migrations/20260105000000_log/migration.sql": `${header(target.name)}CREATE TABLE applied_log (name VARCHAR(50) NOT NULL);\n`,
      };
      for (let i = 1; i <= 5; i++) {
        files[`migrations/2026010600000${i}_step${i}/migration.sql`] =
          `${header(target.name)}${SLOW[target.name]};\nINSERT INTO applied_log (name) VALUES ('step${i}');\n${SLOW[target.name]};\n`;
      }
      writeFiles(project, files);
      const [a, b] = await Promise.all([
        cliAsync(project, ["db", "migrate", "--output", "json"], { DATABASE_URL: url }),
        cliAsync(project, ["db", "migrate", "--output", "json"], { DATABASE_URL: url }),
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const applied = [...JSON.parse(a.stdout).applied, ...JSON.parse(b.stdout).applied].map(
        (m: { name: string }) => m.name,
      );
      assert.equal(applied.length, 7, "the seven pending migrations, each applied by one process");
      assert.equal(new Set(applied).size, 7);
      const log = await query(target.name, url, "SELECT name FROM applied_log ORDER BY name");
      assert.deepEqual(
        log.map((r) => r.name),
        ["step1", "step2", "step3", "step4", "step5"],
      );
      const ledger = await query(target.name, url, "SELECT name FROM registers_migrations ORDER BY name");
      assert.equal(ledger.length, 10);
      assert.equal(new Set(ledger.map((r) => r.name)).size, 10);
    });

    it("waits for the lock another process holds, then gives up after --lock-timeout with a typed error", async () => {
      writeFiles(project, {
        "migrations/20260108000000_locked/migration.sql": `${header(target.name)}CREATE TABLE locked_out (id INTEGER);\n`,
      });
      const release = await holdMigrationLock(target.name, url);
      let r: Awaited<ReturnType<typeof cliAsync>>;
      try {
        r = await cliAsync(project, ["db", "migrate", "--lock-timeout", "1"], { DATABASE_URL: url });
      } finally {
        await release();
      }
      assert.equal(r.code, 1, r.stderr);
      noStack(r.stderr);
      if (target.name === "sqlite")
        assert.match(
          r.stderr,
          /^Error: the database stayed locked by another process while starting 20260108000000_locked/m,
        );
      else {
        assert.match(r.stderr, /^Waiting for another process migrating this database\.\.\.$/m);
        assert.match(r.stderr, /^Error: another process has been migrating this database for more than 1 s/m);
      }
      assert.ok(!(await tableNames(target.name, url)).includes("locked_out"));
      const after = run("db", "migrate");
      assert.equal(after.code, 0, after.stderr);
    });

    it("refuses a migration generated for another database", () => {
      const other = target.name === "sqlite" ? "postgres" : "sqlite";
      writeFiles(project, {
        "migrations/20260107000000_foreign/migration.sql": `${header(other)}CREATE TABLE x (id INTEGER);\n`,
      });
      const r = run("db", "migrate");
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        new RegExp(
          `^Error: migration 20260107000000_foreign was generated for ${other}, but the database is ${target.name}`,
        ),
      );
    });
  });
}

/** Holds what `registers db migrate` locks (as a concurrent migrating process would) until released. */
async function holdMigrationLock(target: MigrationTarget["name"], url: string): Promise<() => Promise<void>> {
  if (target === "sqlite") {
    const { default: Database } = await import("better-sqlite3");
    const db = new Database(url);
    db.exec("BEGIN EXCLUSIVE");
    return async () => {
      db.exec("ROLLBACK");
      db.close();
    };
  }
  if (target === "postgres") {
    const { default: pg } = await import("pg");
    const parsed = new URL(url);
    const schema = parsed.searchParams.get("schema") as string;
    parsed.search = "";
    const client = new pg.Client({ connectionString: parsed.toString() });
    await client.connect();
    await client.query(`SET search_path TO "${schema}"`);
    await client.query("SELECT pg_advisory_lock(1919248243, hashtext(current_schema()))");
    return () => client.end();
  }
  const mysql = await import("mysql2/promise");
  const connection = await mysql.createConnection(url);
  await connection.query("SELECT GET_LOCK(CONCAT('registers_migrations.', DATABASE()), 5)");
  return () => connection.end();
}
