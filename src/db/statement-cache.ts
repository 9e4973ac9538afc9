/**
 * Prepared statements by shape: SQL text built once per shape, the prepared handle kept per
 * session. A leaf above the dialect types.
 */
import type { Session, Statement, StatementHints } from "./dialect/dialect.js";

/** One cached statement shape: its SQL text, and its prepared handle on the last session used. */
export interface CachedStatement {
  readonly sql: string;
  session: Session | null;
  statement: Statement | null;
}

/**
 * Statements by shape key. The SQL text of a shape is built once; the prepared handle is kept for
 * the session it was prepared on (the engine's driver on the fast path), so a hot statement costs
 * one map lookup.
 *
 * @example
 * ```ts
 * const cache = new StatementCache();
 * const statement = cache.prepare(driver, "get", () => 'SELECT * FROM "users" WHERE "id" = ?');
 * await statement.all([1]);
 * ```
 */
export class StatementCache {
  readonly #entries = new Map<string, CachedStatement>();
  readonly #hints: StatementHints | undefined;

  constructor(hints?: StatementHints) {
    this.#hints = hints;
  }

  /** The cached entry for `key`, building its SQL on first use. */
  entry(key: string, build: () => string): CachedStatement {
    let entry = this.#entries.get(key);
    if (entry === undefined) {
      entry = { sql: build(), session: null, statement: null };
      this.#entries.set(key, entry);
    }
    return entry;
  }

  /** The prepared statement for `entry` on `session` (re-prepared when the session changes). */
  statementFor(entry: CachedStatement, session: Session): Statement {
    if (entry.session === session && entry.statement !== null) return entry.statement;
    const statement = session.prepare(entry.sql, this.#hints);
    entry.session = session;
    entry.statement = statement;
    return statement;
  }

  /** Shorthand for `statementFor(entry(key, build), session)`. */
  prepare(session: Session, key: string, build: () => string): Statement {
    return this.statementFor(this.entry(key, build), session);
  }

  /** Forgets every prepared handle (after the engine closes); SQL texts are kept. */
  reset(): void {
    for (const entry of this.#entries.values()) {
      entry.session = null;
      entry.statement = null;
    }
  }
}
