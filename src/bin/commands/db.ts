/**
 * `registers db generate|migrate|push|status|mark-applied|check`: the migration workflow on the
 * command line. Each command loads `registers.config.ts` (or `--config`), calls registers/migrate,
 * and returns text, or data under `--output json|table|plain`. Decisions `generate` and `push`
 * cannot take alone (a destructive change, a possible rename) are usage errors (exit 2) naming the
 * flag to pass; on a terminal a possible rename is asked instead.
 */

import { FrameworkError, UsageError } from "../../cli/errors.js";
import { type Progress, progress } from "../../cli/progress.js";
import type { CommandRegistry } from "../../cli/registry.js";
import { runContext } from "../../cli/run-context.js";
import type { PossibleRename } from "../../db/schema/types.js";
import { checkMigrations } from "../../migrate/check.js";
import { MigrationCheckError, MigrationDecisionError } from "../../migrate/errors.js";
import { generateMigration } from "../../migrate/generate.js";
import { loadConfig } from "../../migrate/load-config.js";
import { markApplied } from "../../migrate/mark-applied.js";
import { type MigrationEvent, migrate } from "../../migrate/migrate.js";
import { pushSchema } from "../../migrate/push.js";
import { migrationStatus } from "../../migrate/status.js";

const config = {
  type: String,
  optional: true,
  description: "config file (default: registers.config.ts, .mts, .js or .mjs in the current directory)",
} as const;

/** The rename flags of generate and push. */
const decisions = {
  rename: {
    type: String,
    optional: true,
    description: "confirmed renames: table.old=new[,table.old=new...]",
  },
  notRenamed: {
    type: String,
    optional: true,
    description: "possible renames that are not renames (drop + add): table.old=new[,...]",
  },
} as const;

/** Questions may be asked: stdin and stdout are terminals. */
const interactive = () => process.stdin.isTTY === true && process.stdout.isTTY === true;

/** A decision generate or push cannot take alone is a usage error (exit 2) naming the flag; others pass. */
function asUsageError(error: unknown, command: string): unknown {
  if (error instanceof MigrationDecisionError && error.kind !== "pending")
    return new UsageError(error.message, { command, code: error.code, cause: error });
  return error;
}

/** True when the result should be data (`--output json|table|plain`) rather than text. */
const wantsData = () => runContext.getStore()?.output !== undefined;

/**
 * Adds the `db` group to the `registers` command.
 *
 * @example
 * ```ts
 * const cli = new CommandRegistry({ name: "registers" });
 * registerDbCommands(cli);
 * await cli.run(["db", "status"]);
 * ```
 */
export function registerDbCommands(cli: CommandRegistry): void {
  const db = cli.group("db", { description: "Migrations: generate, apply, list and check them" });

  db.register(
    {
      name: "generate",
      description: "Write the next migration (SQL) from the difference between the models and the database",
      args: {
        name: { type: String, description: "what the migration does, e.g. add_orders" },
        allowDestructive: {
          type: Boolean,
          description: "write destructive changes (drops, narrowing types), marked in the file",
        },
        rename: decisions.rename,
        notRenamed: decisions.notRenamed,
        config,
      },
    },
    async (args) => {
      const loaded = await loadConfig({ config: args.config });
      const [models, url] = [await loaded.models(), await loaded.url()];
      let result: Awaited<ReturnType<typeof generateMigration>>;
      try {
        result = await generateMigration({
          models,
          url,
          migrations: loaded.migrations,
          name: args.name,
          allowDestructive: args.allowDestructive,
          renames: parseRenames(args.rename, "--rename"),
          notRenamed: parseRenames(args.notRenamed, "--not-renamed"),
          confirmRename: interactive() ? askRename : undefined,
        });
      } catch (error) {
        throw asUsageError(error, "db generate");
      }
      if (wantsData())
        return {
          name: result.name,
          path: result.path,
          changes: result.changes.map((c) => c.summary),
          statements: result.statements,
        };
      if (result.name === null) return "Nothing to generate: the models match the database.";
      const destructive = result.changes.filter((c) => c.destructive).length;
      return [
        `Wrote ${result.path}`,
        ...result.changes.map((c) => `  ${c.destructive ? "! " : "+ "}${c.summary}`),
        destructive > 0 ? `${destructive} destructive change(s), marked in the file: review them.` : "",
        "Review it, then run: registers db migrate",
      ]
        .filter((line) => line !== "")
        .join("\n");
    },
  );

  db.register(
    {
      name: "migrate",
      description: "Apply the pending migrations, in order, each once",
      args: {
        lockTimeout: {
          type: Number,
          default: 60,
          description: "seconds to wait while another process migrates the same database",
        },
        config,
      },
    },
    async (args) => {
      const loaded = await loadConfig({ config: args.config });
      const result = await migrate({
        url: await loaded.url(),
        migrations: loaded.migrations,
        lockTimeout: args.lockTimeout * 1000,
        onEvent: progressReporter(),
      });
      if (wantsData()) return result;
      if (result.applied.length === 0)
        return `Nothing to migrate: ${result.alreadyApplied} migration(s) already applied.`;
      return [
        `Applied ${result.applied.length} migration(s):`,
        ...result.applied.map((m) => `  ${m.name} (${m.statements} statement(s), ${m.durationMs} ms)`),
      ].join("\n");
    },
  );

  db.register(
    {
      name: "push",
      description:
        "Apply the models' schema directly, with no migration file (prototyping, throw-away databases)",
      args: {
        allowDestructive: {
          type: Boolean,
          description: "apply destructive changes (drops, narrowing types)",
        },
        rename: decisions.rename,
        notRenamed: decisions.notRenamed,
        lockTimeout: {
          type: Number,
          default: 60,
          description: "seconds to wait for another migrating process",
        },
        config,
      },
    },
    async (args) => {
      const loaded = await loadConfig({ config: args.config });
      const [models, url] = [await loaded.models(), await loaded.url()];
      let result: Awaited<ReturnType<typeof pushSchema>>;
      try {
        result = await pushSchema({
          models,
          url,
          allowDestructive: args.allowDestructive,
          renames: parseRenames(args.rename, "--rename"),
          notRenamed: parseRenames(args.notRenamed, "--not-renamed"),
          confirmRename: interactive() ? askRename : undefined,
          lockTimeout: args.lockTimeout * 1000,
          onEvent: progressReporter(),
        });
      } catch (error) {
        throw asUsageError(error, "db push");
      }
      if (wantsData())
        return { changes: result.changes.map((c) => c.summary), statements: result.statements };
      if (result.changes.length === 0) return "Nothing to push: the models match the database.";
      return [
        `Pushed ${result.changes.length} change(s):`,
        ...result.changes.map((c) => `  ${c.summary}`),
      ].join("\n");
    },
  );

  db.register(
    { name: "status", description: "List the applied and the pending migrations", args: { config } },
    async (args) => {
      const loaded = await loadConfig({ config: args.config });
      const states = await migrationStatus({ url: await loaded.url(), migrations: loaded.migrations });
      if (wantsData()) return states;
      if (states.length === 0) return `No migration in ${loaded.migrations}.`;
      const count = (state: string) => states.filter((s) => s.state === state).length;
      const odd = ["changed", "missing"]
        .filter((state) => count(state) > 0)
        .map((state) => `, ${count(state)} ${state}`);
      return [
        ...states.map((s) => `${s.state.padEnd(8)} ${s.name}${s.appliedAt ? `  (${s.appliedAt})` : ""}`),
        `${count("applied")} applied, ${count("pending")} pending${odd.join("")}.`,
      ].join("\n");
    },
  );

  db.register(
    {
      name: "mark-applied",
      description: "Record a migration as applied without running it (a database whose tables already exist)",
      args: {
        migration: { type: String, description: "the migration's folder name, e.g. 20260101000000_init" },
        config,
      },
    },
    async (args) => {
      const loaded = await loadConfig({ config: args.config });
      await markApplied({ url: await loaded.url(), migrations: loaded.migrations, name: args.migration });
      if (wantsData()) return { marked: args.migration };
      return `Recorded ${args.migration} as applied (not run). Run registers db check to confirm the database matches.`;
    },
  );

  db.register(
    {
      name: "check",
      description: "Fail (exit 1) when migrations are pending or the models and the database differ (for CI)",
      args: { config },
    },
    async (args) => {
      const loaded = await loadConfig({ config: args.config });
      const result = await checkMigrations({
        models: await loaded.models(),
        url: await loaded.url(),
        migrations: loaded.migrations,
      }).catch((error: unknown) => {
        // Under --output the failed check is data on stdout (exit 1), as a clean one is.
        if (!(error instanceof MigrationCheckError) || !wantsData()) throw error;
        throw new FrameworkError(error.message, {
          code: error.code,
          exitCode: 1,
          cause: error,
          result: {
            clean: false,
            applied: error.applied,
            pending: error.pending,
            changed: error.changed,
            differences: error.changes.map(({ kind, table, destructive, summary }) => ({
              kind,
              table,
              destructive,
              summary,
            })),
          },
        });
      });
      if (wantsData())
        return { clean: true, applied: result.applied, pending: [], changed: [], differences: [] };
      return `The database matches the models; ${result.applied} migration(s) applied.`;
    },
  );
}

/** `users.name=fullName,orders.qty=quantity` -> renames; a malformed entry is a usage error. */
export function parseRenames(text: string | undefined, option: string): PossibleRename[] {
  if (text === undefined) return [];
  return text
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      const match = /^([^.=\s]+)\.([^.=\s]+)=([^.=\s]+)$/.exec(part);
      if (match === null)
        throw new UsageError(`${option} takes table.old=new (comma-separated), got ${JSON.stringify(part)}`, {
          command: "db generate",
        });
      return { table: match[1], from: match[2], to: match[3] };
    });
}

/** Asks on the terminal whether a possible rename is one (@clack/prompts, loaded only here). */
async function askRename(rename: PossibleRename): Promise<boolean> {
  const { confirm, isCancel } = await import("@clack/prompts");
  const answer = await confirm({
    message: `Was ${rename.table}.${rename.from} renamed to ${rename.to}? (no: drop ${rename.from}, add ${rename.to})`,
    initialValue: true,
  });
  if (isCancel(answer)) throw new UsageError("cancelled: no migration written", { command: "db generate" });
  return answer;
}

/**
 * Progress of `db migrate` on stderr: a bar per migration on a terminal (statements done, rate,
 * ETA), one line per migration otherwise; nothing under `--output json`.
 */
function progressReporter(): (event: MigrationEvent) => void {
  const ctx = runContext.getStore();
  const stderr = ctx?.stderr ?? process.stderr;
  const lines = stderr.isTTY !== true && ctx?.output !== "json";
  let bar: Progress | undefined;
  return (event) => {
    switch (event.kind) {
      case "lock-wait":
        if (ctx?.output !== "json") stderr.write("Waiting for another process migrating this database...\n");
        return;
      case "start":
        bar = progress({ total: event.statements, label: event.migration });
        if (lines) stderr.write(`Applying ${event.migration} (${event.statements} statement(s))\n`);
        return;
      case "statement":
        bar?.tick();
        return;
      case "applied":
      case "failed":
        bar?.done();
        return;
      case "skipped":
        if (lines) stderr.write(`Skipped ${event.migration}: applied meanwhile by another process\n`);
        return;
    }
  };
}
