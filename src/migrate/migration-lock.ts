/**
 * The lock that makes two `registers db migrate` processes apply each migration once. PostgreSQL:
 * a session advisory lock (`pg_try_advisory_lock`, keyed by the current schema); MariaDB/MySQL:
 * `GET_LOCK` (named after the database); both polled until `timeoutMs`. SQLite has no session lock:
 * each migration runs in a `BEGIN EXCLUSIVE` transaction that re-reads the ledger, with the
 * connection's busy timeout set to `timeoutMs`. It may import the dialect types and the errors.
 */
import type { Connection, Dialect } from "../db/dialect/dialect.js";
import { MigrationLockError } from "./errors.js";

/** A held lock. */
export interface MigrationLock {
  release(): Promise<void>;
}

/** Options of {@link acquireMigrationLock}. */
export interface LockOptions {
  /** Give up after this many milliseconds with `MigrationLockError`. */
  readonly timeoutMs: number;
  /** Called once when the lock is taken by another process and this one starts waiting. */
  readonly onWait?: () => void;
}

/** Arbitrary first key of the PostgreSQL advisory lock ("regs"); the second is the schema's hash. */
const PG_LOCK_CLASS = 0x72656773;
const POLL_MS = 100;

const LOCKS: Record<Dialect["name"], { take: string; free: string } | null> = {
  postgres: {
    take: `SELECT pg_try_advisory_lock(${PG_LOCK_CLASS}, hashtext(current_schema())) AS ok`,
    free: `SELECT pg_advisory_unlock(${PG_LOCK_CLASS}, hashtext(current_schema())) AS ok`,
  },
  mysql: {
    take: "SELECT GET_LOCK(CONCAT('registers_migrations.', COALESCE(DATABASE(), '')), 0) AS ok",
    free: "SELECT RELEASE_LOCK(CONCAT('registers_migrations.', COALESCE(DATABASE(), ''))) AS ok",
  },
  sqlite: null,
};

/**
 * Takes the migration lock on `connection` (a session lock: it is held until `release()` or the
 * connection closes, so a crashed process never leaves it behind). SQLite: sets the busy timeout and
 * returns at once (see the header).
 *
 * @example
 * ```ts
 * const lock = await acquireMigrationLock(connection, dialect, { timeoutMs: 60_000 });
 * try { ... } finally { await lock.release(); }
 * ```
 */
export async function acquireMigrationLock(
  connection: Connection,
  dialect: Dialect,
  options: LockOptions,
): Promise<MigrationLock> {
  const sql = LOCKS[dialect.name];
  if (sql === null) {
    await connection.exec(`PRAGMA busy_timeout = ${Math.max(0, Math.round(options.timeoutMs))}`);
    return { release: async () => undefined };
  }
  const deadline = performance.now() + options.timeoutMs;
  let waiting = false;
  for (;;) {
    const rows = await connection.prepare(sql.take).all([]);
    const ok = rows[0]?.ok;
    if (ok === true || Number(ok) === 1) break;
    if (!waiting) {
      waiting = true;
      options.onWait?.();
    }
    if (performance.now() >= deadline) {
      throw new MigrationLockError(
        `another process has been migrating this database for more than ${Math.round(options.timeoutMs / 1000)} s; ` +
          "wait for it to finish, or raise the lock timeout (--lock-timeout)",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      await connection.prepare(sql.free).all([]);
    },
  };
}
