/**
 * Which SQLite binding opens a database, and loading it. Two bindings fit the `SqliteDatabase` seam:
 * - `"better-sqlite3"`: the native addon, an optional peer dependency (12.x on Node 20 and 22, 13.x on
 *   Node 22 and 24+: 12.x aborts Node 24 at exit, 13.x crashes Node 20);
 * - `"node"`: Node's built-in `node:sqlite` (Node 22.13+ and 24+), nothing to compile at install
 *   (on Node 22 it cannot store strings containing U+0000, see `NodeSqliteDatabase`).
 *
 * The choice, first match wins: the URL's `?driver=` option, then `REGISTERS_SQLITE_DRIVER`, then the
 * default of the running Node line (`defaultSqliteDriver()`); without an explicit choice a missing
 * preferred binding falls back to the other one. Both modules are loaded lazily and synchronously,
 * only when a database is opened with them. Every failure is a `ConfigurationError` naming the fix.
 */
import { createRequire } from "node:module";
import { ConfigurationError } from "../../errors.js";
import { NodeSqliteDatabase, type NodeSqliteModule } from "./node-sqlite-database.js";
import type { SqliteDriverName, SqliteHandle } from "./sqlite-types.js";

export type { SqliteDriverName, SqliteHandle } from "./sqlite-types.js";

/** The values `?driver=` and `REGISTERS_SQLITE_DRIVER` accept. */
export const SQLITE_DRIVER_NAMES: readonly SqliteDriverName[] = ["better-sqlite3", "node"];

/**
 * A loaded SQLite binding.
 *
 * @example
 * ```ts
 * const binding = loadSqliteBinding("node");
 * const db = binding.open("/srv/app.db"); // binding.name === "node"
 * ```
 */
export interface SqliteBinding {
  readonly name: SqliteDriverName;
  /** Opens (creates) the database file, or `":memory:"`. Throws the binding's own error. */
  open(filename: string): SqliteHandle;
}

/**
 * Validates a driver name from a URL option or the environment (`source` names it in the message).
 *
 * @example
 * ```ts
 * parseSqliteDriverName("node", "?driver="); // "node"
 * parseSqliteDriverName("sqlite3", "?driver="); // throws ConfigurationError
 * ```
 */
export function parseSqliteDriverName(value: string, source: string): SqliteDriverName {
  if ((SQLITE_DRIVER_NAMES as readonly string[]).includes(value)) return value as SqliteDriverName;
  throw new ConfigurationError(
    `unknown SQLite driver ${JSON.stringify(value)} in ${source}: use ${SQLITE_DRIVER_NAMES.map((n) => JSON.stringify(n)).join(" or ")}`,
  );
}

/**
 * The binding used when neither the URL nor `REGISTERS_SQLITE_DRIVER` picks one: `"node"` on Node 24+
 * (as fast or faster in BENCHMARKS.md, nothing to compile), else `"better-sqlite3"`: Node 20 has no
 * node:sqlite, and Node 22's cuts TEXT at the first NUL on read (registers refuses such strings there).
 * A default that is not installed falls back to the other binding (`loadSqliteBinding`).
 *
 * @example
 * ```ts
 * defaultSqliteDriver("22.23.3"); // "better-sqlite3" (node:sqlite if better-sqlite3 is not installed)
 * defaultSqliteDriver("24.21.0"); // "node"
 * ```
 */
export function defaultSqliteDriver(nodeVersion: string = process.versions.node): SqliteDriverName {
  return Number(nodeVersion.split(".")[0]) >= 24 ? "node" : "better-sqlite3";
}

/** node:sqlite is available without a flag: Node 22.13+ and 23.4+ (and every later line). */
function hasNodeSqlite(nodeVersion: string): boolean {
  const [major, minor] = nodeVersion.split(".").map(Number);
  return major > 23 || (major === 23 && minor >= 4) || (major === 22 && minor >= 13);
}

/**
 * Loads the binding to open a database with: `requested` (the URL's `?driver=`), else
 * `env.REGISTERS_SQLITE_DRIVER`, else the line's default, falling back to the other binding when the
 * default one is not installed. Throws `ConfigurationError` (with the loader's error as `cause`) when
 * the chosen binding is missing or does not fit the running Node.
 *
 * @example
 * ```ts
 * loadSqliteBinding(undefined, { REGISTERS_SQLITE_DRIVER: "better-sqlite3" }).name; // "better-sqlite3"
 * ```
 */
export function loadSqliteBinding(
  requested?: SqliteDriverName,
  env: Readonly<Record<string, string | undefined>> = process.env,
): SqliteBinding {
  const fromEnv = env.REGISTERS_SQLITE_DRIVER;
  const explicit =
    requested ??
    (fromEnv === undefined || fromEnv === ""
      ? undefined
      : parseSqliteDriverName(fromEnv, "REGISTERS_SQLITE_DRIVER"));
  if (explicit !== undefined) return load(explicit, true);
  const preferred = defaultSqliteDriver();
  const first = tryLoad(preferred);
  if (!(first instanceof MissingBinding)) return first;
  const other = tryLoad(preferred === "node" ? "better-sqlite3" : "node");
  if (!(other instanceof MissingBinding)) return other;
  throw first.error;
}

/** A binding that is not installed (as opposed to installed but unfit, which is always thrown). */
class MissingBinding {
  constructor(readonly error: ConfigurationError) {}
}

function load(name: SqliteDriverName, explicit: boolean): SqliteBinding {
  const result = tryLoad(name, explicit);
  if (result instanceof MissingBinding) throw result.error;
  return result;
}

function tryLoad(name: SqliteDriverName, explicit = false): SqliteBinding | MissingBinding {
  return name === "node" ? tryNodeSqlite(explicit) : tryBetterSqlite3(explicit);
}

let nodeSqlite: SqliteBinding | undefined;

function tryNodeSqlite(explicit: boolean): SqliteBinding | MissingBinding {
  if (nodeSqlite !== undefined) return nodeSqlite;
  const module = loadNodeSqliteModule();
  if (module === undefined) {
    return new MissingBinding(
      new ConfigurationError(
        `node:sqlite is not available on Node ${process.versions.node} (it needs Node 22.13+ or 24+, without --no-experimental-sqlite): ` +
          (explicit
            ? "remove driver=node (or REGISTERS_SQLITE_DRIVER=node) to use better-sqlite3, or upgrade Node"
            : `npm install better-sqlite3@${fittingRange()}, or upgrade Node`),
      ),
    );
  }
  const { DatabaseSync } = module;
  nodeSqlite = { name: "node", open: (filename) => new NodeSqliteDatabase(new DatabaseSync(filename)) };
  return nodeSqlite;
}

/**
 * `node:sqlite` through `process.getBuiltinModule`, or `undefined` where it is missing or flagged.
 * Node 22 prints "ExperimentalWarning: SQLite is an experimental feature" on the first load: that one
 * warning is dropped (registers chose the module, not the user); every other warning passes through.
 */
function loadNodeSqliteModule(): NodeSqliteModule | undefined {
  const getBuiltin = (process as { getBuiltinModule?: (id: string) => unknown }).getBuiltinModule;
  if (typeof getBuiltin !== "function") return undefined;
  const emitWarning = process.emitWarning;
  process.emitWarning = function emitWarningExceptSqlite(this: unknown, ...args: unknown[]) {
    const [warning, options] = args;
    const type = typeof options === "string" ? options : (options as { type?: unknown } | undefined)?.type;
    const text = warning instanceof Error ? warning.message : String(warning);
    if (type === "ExperimentalWarning" && text.startsWith("SQLite ")) return;
    return (emitWarning as (...a: unknown[]) => void).apply(process, args);
  } as typeof process.emitWarning;
  try {
    return getBuiltin.call(process, "node:sqlite") as NodeSqliteModule | undefined;
  } catch {
    return undefined;
  } finally {
    process.emitWarning = emitWarning;
  }
}

type BetterSqlite3Constructor = new (filename: string) => SqliteHandle;
let betterSqlite3: SqliteBinding | undefined;
const requireFromHere = createRequire(import.meta.url);

function tryBetterSqlite3(explicit: boolean): SqliteBinding | MissingBinding {
  if (betterSqlite3 !== undefined) return betterSqlite3;
  let version: string;
  try {
    version = (requireFromHere("better-sqlite3/package.json") as { version: string }).version;
  } catch (error) {
    return new MissingBinding(
      new ConfigurationError(
        `SQLite needs better-sqlite3, which is not installed: npm install better-sqlite3@${fittingRange()}` +
          (hasNodeSqlite(process.versions.node) && explicit
            ? ", or use driver=node (node:sqlite, built into this Node)"
            : ""),
        { cause: error },
      ),
    );
  }
  const misfit = betterSqlite3Misfit(version, process.versions.node);
  if (misfit !== null) throw new ConfigurationError(misfit);
  let Database: BetterSqlite3Constructor;
  try {
    Database = requireFromHere("better-sqlite3") as BetterSqlite3Constructor;
  } catch (error) {
    throw new ConfigurationError(
      `better-sqlite3 ${version} is installed but does not load on Node ${process.versions.node} ` +
        `(its native build is missing or for another Node): run npm rebuild better-sqlite3, or npm install better-sqlite3@${fittingRange()}`,
      { cause: error },
    );
  }
  betterSqlite3 = { name: "better-sqlite3", open: (filename) => new Database(filename) };
  return betterSqlite3;
}

/** The better-sqlite3 range that works on the running Node line. */
function fittingRange(nodeVersion: string = process.versions.node): string {
  const major = Number(nodeVersion.split(".")[0]);
  return major >= 24 ? "^13" : "^12";
}

/**
 * Why this better-sqlite3 version cannot run on this Node, or `null` when it fits: 12.x and older abort
 * Node 24+ at exit (a native assertion in `Statement::~Statement`), 13.x crashes Node 20.
 *
 * @example
 * ```ts
 * betterSqlite3Misfit("12.11.1", "24.21.0"); // "better-sqlite3 12.11.1 aborts Node 24.21.0 at exit: ..."
 * betterSqlite3Misfit("13.2.0", "24.21.0"); // null
 * ```
 */
export function betterSqlite3Misfit(version: string, nodeVersion: string): string | null {
  const major = Number(version.split(".")[0]);
  const nodeMajor = Number(nodeVersion.split(".")[0]);
  if (nodeMajor >= 24 && major < 13) {
    return (
      `better-sqlite3 ${version} aborts Node ${nodeVersion} at exit: npm install better-sqlite3@^13, ` +
      "or npm uninstall better-sqlite3 and use Node's built-in node:sqlite (driver=node)"
    );
  }
  if (nodeMajor < 22 && major >= 13) {
    return `better-sqlite3 ${version} needs Node 22 or later and crashes Node ${nodeVersion}: npm install better-sqlite3@^12`;
  }
  return null;
}
