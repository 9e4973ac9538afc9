/**
 * Node's built-in `node:sqlite` (`DatabaseSync`, `StatementSync`; unflagged on Node 22.13+ and 24+)
 * behind the same `SqliteDatabase` / `SqliteStatement` seam as better-sqlite3, so `SqliteDriver` and
 * the dialect run unchanged on either binding. The differences this adapter absorbs:
 * - `safeIntegers(true)` is `setReadBigInts(true)`; `changes` then comes back as a `bigint` too, and is
 *   narrowed to a number here.
 * - parameters are always positional arguments: node:sqlite reads a leading array as named
 *   parameters, so the one-array form the driver uses for long lists is spread here.
 * - `open` is `isOpen`.
 * - rows: node:sqlite builds each row as a null-prototype object in V8's dictionary mode, which made
 *   reading 100-row results through registers about 3x slower than on better-sqlite3 (measured on
 *   Node 22.23). Where node:sqlite can return arrays (`setReturnArrays`, Node 22.16+ and 24), rows are
 *   built here by a function generated once per column list, so every row of a statement is a plain
 *   object of one shape, as better-sqlite3's rows are.
 * - Node 22's node:sqlite stores a string containing U+0000 whole but reads it back cut at the first
 *   NUL (Node 24 reads it whole). Rather than lose data silently, on Node < 24 a bound string with a
 *   NUL is refused with an error (`code` `ERR_REGISTERS_SQLITE_NUL`) that names the fix.
 * BLOBs come back as `Uint8Array` (better-sqlite3: `Buffer`); no registers column kind is a BLOB.
 */

import type { SqliteHandle, SqliteStatement } from "./sqlite-types.js";

/** The part of node:sqlite's `StatementSync` this adapter calls (node:sqlite's own types need `@types/node` >= 22). */
export interface NodeStatementSync {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  setReadBigInts(enabled: boolean): void;
  /** Node 22.16+ and 24: rows as arrays of values, in column order. */
  setReturnArrays?(enabled: boolean): void;
  /** Node 22.16+ and 24: the result columns (`name` is the column's name in the result). */
  columns?(): Array<{ name: string }>;
}

/** The part of node:sqlite's `DatabaseSync` this adapter calls. */
export interface NodeDatabaseSync {
  prepare(sql: string): NodeStatementSync;
  exec(sql: string): void;
  close(): void;
  function(name: string, options: { deterministic?: boolean }, fn: (...args: never[]) => unknown): void;
  readonly isOpen: boolean;
}

/** The `node:sqlite` module: its `DatabaseSync` constructor. */
export interface NodeSqliteModule {
  DatabaseSync: new (path: string) => NodeDatabaseSync;
}

/**
 * A node:sqlite `DatabaseSync` seen through the `SqliteDatabase` seam.
 *
 * @example
 * ```ts
 * const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
 * const db = new NodeSqliteDatabase(new DatabaseSync(":memory:"));
 * new SqliteDriver(db).prepare("SELECT 1 AS one").all([]); // [{ one: 1 }]
 * ```
 */
export class NodeSqliteDatabase implements SqliteHandle {
  readonly #db: NodeDatabaseSync;

  constructor(db: NodeDatabaseSync) {
    this.#db = db;
  }

  get open(): boolean {
    return this.#db.isOpen;
  }

  prepare(sql: string): SqliteStatement {
    return new NodeSqliteStatement(this.#db.prepare(sql));
  }

  exec(sql: string): void {
    this.#db.exec(sql);
  }

  close(): void {
    this.#db.close();
  }

  function(name: string, options: { deterministic: boolean }, fn: (...args: never[]) => unknown): void {
    this.#db.function(name, options, fn);
  }

  /**
   * better-sqlite3's `pragma()`, for code that reads settings off the handle: the rows of
   * `PRAGMA <source>`, or with `{ simple: true }` the first column of the first row.
   */
  pragma(source: string, options?: { simple?: boolean }): unknown {
    const rows = this.#db.prepare(`PRAGMA ${source}`).all() as Record<string, unknown>[];
    return options?.simple ? (rows[0] === undefined ? undefined : Object.values(rows[0])[0]) : rows;
  }
}

/** Builds one row object from an array of values (generated per column list, see `rowBuilder`). */
type RowBuilder = (values: readonly unknown[]) => Record<string, unknown>;

/** One prepared node:sqlite statement seen through the `SqliteStatement` seam. */
class NodeSqliteStatement implements SqliteStatement {
  readonly #statement: NodeStatementSync;
  /** Set when the statement returns arrays: turns one into a row object. */
  #build: RowBuilder | null = null;

  constructor(statement: NodeStatementSync) {
    this.#statement = statement;
    if (typeof statement.setReturnArrays === "function" && typeof statement.columns === "function") {
      const names = statement.columns().map((column) => column.name);
      if (names.length > 0) {
        statement.setReturnArrays(true);
        this.#build = rowBuilder(names);
      }
    }
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.#statement.all(...positional(params));
    const build = this.#build;
    if (build === null) return rows;
    const out = new Array(rows.length);
    for (let i = 0; i < rows.length; i++) out[i] = this.#row(build, rows[i] as unknown[]);
    return out;
  }

  get(...params: unknown[]): unknown {
    const row = this.#statement.get(...positional(params));
    const build = this.#build;
    return build === null || row === undefined ? row : this.#row(build, row as unknown[]);
  }

  /** One row; a schema change that altered the column count (`SELECT *` after ADD COLUMN) re-reads the names. */
  #row(build: RowBuilder, values: unknown[]): Record<string, unknown> {
    if (values.length === build.length) return build(values);
    const rebuilt = rowBuilder((this.#statement.columns?.() ?? []).map((column) => column.name));
    this.#build = rebuilt;
    return rebuilt(values);
  }

  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint } {
    const result = this.#statement.run(...positional(params));
    const changes = result.changes;
    return {
      changes: typeof changes === "bigint" ? Number(changes) : changes,
      lastInsertRowid: result.lastInsertRowid,
    };
  }

  safeIntegers(toggle = true): this {
    this.#statement.setReadBigInts(toggle);
    return this;
  }
}

const builders = new Map<string, RowBuilder>();

/**
 * `(values) => ({ "a": values[0], "b": values[1] })` for these column names, compiled once per list:
 * an object literal gives every row the same hidden class. Later duplicates win, as in
 * better-sqlite3; `__proto__` is a computed key, so it is an own property, never the prototype.
 * `length` of the returned function is the column count (checked by `#row`).
 */
function rowBuilder(names: readonly string[]): RowBuilder {
  const key = JSON.stringify(names);
  let build = builders.get(key);
  if (build === undefined) {
    const fields = names.map((name, i) => {
      const literal = JSON.stringify(name);
      return `${name === "__proto__" ? `[${literal}]` : literal}: v[${i}]`;
    });
    const compiled = new Function("v", `return { ${fields.join(", ")} };`) as RowBuilder;
    Object.defineProperty(compiled, "length", { value: names.length });
    build = compiled;
    builders.set(key, build);
  }
  return build;
}

/** Node 22's node:sqlite truncates TEXT at the first NUL when reading it (fixed in Node 24). */
const NUL_TRUNCATES = Number(process.versions.node.split(".")[0]) < 24;

/** Refuses a bound string with a NUL where node:sqlite would read it back truncated. */
function checkNul(params: readonly unknown[]): void {
  for (const value of params) {
    if (typeof value === "string" && value.includes("\0")) {
      throw Object.assign(
        new Error(
          `node:sqlite on Node ${process.versions.node} reads text back cut at the first NUL character, so a ` +
            "string containing U+0000 is refused: use driver=better-sqlite3 or Node 24 to store it",
        ),
        { code: "ERR_REGISTERS_SQLITE_NUL" },
      );
    }
  }
}

/** `(array)` -> its elements (the driver's form for long lists); anything else as given. */
function positional(params: unknown[]): unknown[] {
  let list = params;
  if (params.length === 1) {
    const only = params[0];
    if (Array.isArray(only)) list = only;
  }
  if (NUL_TRUNCATES) checkNul(list);
  return list;
}
