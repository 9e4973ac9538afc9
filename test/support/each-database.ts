/**
 * One test setup for the registers/db suites (Kysely's `test-setup.ts` in miniature):
 * `eachDatabase()` opens a `describe` per database of `./databases.ts`, `freshTables()` resets the
 * tables a suite uses before each test, and importing this module registers the one
 * `after(disposeAll)` that closes every engine the test file opened.
 *
 * @example
 * ```ts
 * eachDatabase("crud", (target) => {
 *   const User = databaseRegistry(target.url, { tableName: "users" })(class User extends Model({ ... }) {});
 *   freshTables(User);
 *   it("creates a user", async () => { ... });
 * });
 * ```
 */
import { after, beforeEach, describe } from "node:test";
import { disposeAll, useReplicas } from "../../src/db/index.js";
import { type DatabaseTarget, databases } from "./databases.js";

after(() => disposeAll());

// The cluster run (`npm run test:cluster`): the PostgreSQL target reads from its streaming replica.
const replica = process.env.REGISTERS_TEST_POSTGRES_REPLICA_URL;
const postgres = databases.find((target) => target.name === "postgres");
if (replica && postgres !== undefined && postgres.skip === false) {
  useReplicas(postgres.url, {
    urls: [replica],
    primaryAfterWriteMs: Number(process.env.REGISTERS_TEST_REPLICA_AFTER_WRITE_MS ?? 0),
  });
}

/** Options of `eachDatabase`: node's `describe` options plus which databases to run on. */
export interface EachDatabaseOptions {
  /** Only these databases (default: every one of `databases`). */
  readonly only?: readonly DatabaseTarget["name"][];
  /** Passed to each `describe`. */
  readonly concurrency?: number | boolean;
  /** Passed to each `describe`. */
  readonly timeout?: number;
}

/** A model class, or anything else whose table can be dropped and created. */
export interface ResettableTable {
  dropSchema(): Promise<unknown>;
  createSchema(): Promise<unknown>;
}

/**
 * Runs `fn` inside one `describe("<database>: <title>")` per database target, skipped with the
 * reason (for instance `REGISTERS_TEST_POSTGRES_URL is not set`) when its server is not configured.
 * `fn` receives the target: define the models on `target.url` inside it.
 *
 * @example
 * ```ts
 * eachDatabase("statementTimeout", { only: ["postgres", "mysql"] }, (target) => {
 *   it("times out", async () => { ... });
 * });
 * ```
 */
export function eachDatabase(title: string, fn: (target: DatabaseTarget) => void): void;
export function eachDatabase(
  title: string,
  options: EachDatabaseOptions,
  fn: (target: DatabaseTarget) => void,
): void;
export function eachDatabase(
  title: string,
  optionsOrFn: EachDatabaseOptions | ((target: DatabaseTarget) => void),
  maybeFn?: (target: DatabaseTarget) => void,
): void {
  const options = typeof optionsOrFn === "function" ? {} : optionsOrFn;
  const fn = typeof optionsOrFn === "function" ? optionsOrFn : maybeFn;
  if (fn === undefined) throw new TypeError("eachDatabase(title, [options], fn): fn is missing");
  const { only, ...describeOptions } = options;
  for (const target of databases) {
    if (only !== undefined && !only.includes(target.name)) continue;
    describe(`${target.name}: ${title}`, { ...describeOptions, skip: target.skip }, () => fn(target));
  }
}

/** True for the PostgreSQL and MySQL targets (a real server, a pool of connections). */
export function isServer(target: DatabaseTarget): boolean {
  return target.name === "postgres" || target.name === "mysql";
}

/**
 * Registers a `beforeEach` that drops and re-creates the tables of `models`, so every test starts
 * from empty tables. List the models parents first: tables are dropped in reverse order (children
 * before the tables they reference) and created in the order given.
 *
 * @example
 * ```ts
 * freshTables(Author, Post, Tag, PostTag);
 * ```
 */
export function freshTables(...models: readonly ResettableTable[]): void {
  beforeEach(async () => {
    for (const model of [...models].reverse()) await model.dropSchema();
    for (const model of models) await model.createSchema();
  });
}
