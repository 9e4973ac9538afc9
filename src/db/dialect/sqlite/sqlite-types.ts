/**
 * The types the SQLite driver, its bindings (better-sqlite3, node:sqlite) and the dialect share: a
 * types-only leaf, so the binding loader, the node:sqlite adapter and the driver never import each
 * other for a type. It imports nothing.
 */

/** The two SQLite bindings: better-sqlite3 (native addon) or Node's built-in `node:sqlite`. */
export type SqliteDriverName = "better-sqlite3" | "node";

/** The part of a better-sqlite3 prepared statement this driver calls (node:sqlite: see `NodeSqliteDatabase`). */
export interface SqliteStatement {
  all(...params: unknown[]): unknown[];
  get(...params: unknown[]): unknown;
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  safeIntegers(toggle?: boolean): this;
}

/** The part of a better-sqlite3 `Database` this driver calls (so the binding stays swappable). */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  close(): unknown;
  readonly open: boolean;
}

/** An open database: the driver seam plus the scalar-function registration the dialect needs. */
export interface SqliteHandle extends SqliteDatabase {
  function(name: string, options: { deterministic: boolean }, fn: (...args: never[]) => unknown): unknown;
}
