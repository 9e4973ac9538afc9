/**
 * `transaction()`: one connection per top-level transaction, found by every model through
 * AsyncLocalStorage; nested calls are savepoints, each level in a frame of its own so they nest to
 * any depth. Nothing of a transaction is acknowledged unless the database committed it. A top-level
 * transaction may run at a chosen isolation level and be rerun on conflicts (`retries`).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Connection, Dialect, IsolationLevel } from "./dialect/dialect.js";
import { savepointSql } from "./dialect/savepoint-sql.js";
import type { Engine } from "./engine.js";
import { ConfigurationError, SerializationError, TransactionAbortedError } from "./errors.js";

/**
 * Options of `transaction(fn, options)`. Both apply to the outermost transaction only (a nested
 * call is a savepoint inside it, and giving them there is a `ConfigurationError`).
 *
 * @example
 * ```ts
 * let conflicts = 0;
 * await Account.objects.transaction(() => transfer(1, 2, 10), {
 *   retries: 5,
 *   isolation: "serializable",
 *   onRetry: () => conflicts++,
 * });
 * ```
 */
export interface TransactionOptions {
  /**
   * Run the WHOLE callback again, up to this many times, when the transaction fails with a
   * `SerializationError` (serialization failure, deadlock, Galera certification conflict), after a
   * random back-off (full jitter, 10 ms doubling per attempt, at most 1 s). Never on any other error.
   * Default 0: give `retries` only to callbacks that are safe to rerun (no side effects outside the
   * database, such as e-mails or HTTP calls, before the transaction resolves).
   */
  readonly retries?: number;
  /**
   * The isolation level (PostgreSQL, MariaDB/MySQL); default the server's (PostgreSQL read
   * committed, MariaDB repeatable read). SQLite runs every transaction serializably whatever is asked.
   */
  readonly isolation?: IsolationLevel;
  /** Called before each rerun with the conflict, the attempt that failed (1-based) and the delay. */
  readonly onRetry?: (retry: {
    readonly error: unknown;
    readonly attempt: number;
    readonly delayMs: number;
  }) => void;
}

const ISOLATION_LEVELS: readonly IsolationLevel[] = ["serializable", "repeatable read", "read committed"];
const MAX_RETRIES = 100;

/** One transaction level (the transaction itself, or one savepoint in it) on one engine. */
interface TransactionFrame {
  readonly engine: Engine;
  readonly connection: Connection;
  /** The frame of an enclosing transaction on another engine, if any. */
  readonly parent: TransactionFrame | undefined;
  /** Nested `transaction()` calls made at this level run one at a time: the last one's end. */
  tail: Promise<void>;
  /** Shared by every level of one transaction: savepoint names are unique on the connection. */
  readonly root: { savepoints: number };
  /** Run once this level's work is durable: after COMMIT; moved to the parent level on RELEASE. */
  readonly afterCommit: (() => void)[];
}

const storage = new AsyncLocalStorage<TransactionFrame>();
let open = 0;

function frameOf(engine: Engine): TransactionFrame | undefined {
  if (open === 0) return undefined;
  for (let frame = storage.getStore(); frame !== undefined; frame = frame.parent) {
    if (frame.engine === engine) return frame;
  }
  return undefined;
}

/**
 * The connection of the transaction enclosing the current async context on `engine`, or `undefined`
 * (outside any `transaction()` callback). Cheap when no transaction is open anywhere.
 */
export function transactionConnection(engine: Engine): Connection | undefined {
  return frameOf(engine)?.connection;
}

/**
 * Runs `hook` once the enclosing transaction on `engine` has committed (never if it, or the
 * savepoint around the call, rolls back). Returns `false`, without running it, outside a transaction.
 */
export function afterCommit(engine: Engine, hook: () => void): boolean {
  const frame = frameOf(engine);
  if (frame === undefined) return false;
  frame.afterCommit.push(hook);
  return true;
}

/**
 * Runs `fn` in a transaction on `engine`: every model on that engine called inside `fn` (at any
 * async depth) uses the transaction's connection, found through AsyncLocalStorage. Commits when `fn`
 * resolves, rolls back when it throws. A nested call is a savepoint, to any depth (nested calls at
 * one level run one at a time). Rejects with `TransactionAbortedError` when the database will not
 * commit (PostgreSQL after a failed statement). The connection is always released.
 */
export async function runTransaction<R>(
  engine: Engine,
  fn: () => Promise<R> | R,
  mapError: (error: unknown) => unknown = (error) => error,
  options?: TransactionOptions,
): Promise<R> {
  const { retries, isolation, onRetry } = checkOptions(options);
  let dialect: Dialect;
  try {
    dialect = await engine.resolveDialect();
  } catch (error) {
    throw mapError(error);
  }
  const enclosing = frameOf(engine);
  if (enclosing !== undefined) {
    if (retries > 0 || isolation !== undefined) {
      throw new ConfigurationError(
        "retries and isolation apply to the outermost transaction(): this call is nested (a savepoint), " +
          "so give them to the transaction() that encloses it",
      );
    }
    try {
      return await savepoint(enclosing, dialect, fn);
    } catch (error) {
      throw error instanceof CallbackFailure ? error.error : mapError(error);
    }
  }
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      return await transact(engine, dialect, fn, isolation);
    } catch (error) {
      failure = error instanceof CallbackFailure ? error.error : mapError(error);
    }
    if (attempt > retries || !isConflict(failure, dialect)) throw failure;
    const delayMs = Math.random() * Math.min(1_000, 10 * 2 ** (attempt - 1));
    onRetry?.({ error: failure, attempt, delayMs });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
}

function checkOptions(options: TransactionOptions | undefined): {
  retries: number;
  isolation: IsolationLevel | undefined;
  onRetry: TransactionOptions["onRetry"];
} {
  if (options === undefined) return { retries: 0, isolation: undefined, onRetry: undefined };
  if (options === null || typeof options !== "object") {
    throw new ConfigurationError("transaction(fn, options): options must be an object like { retries: 3 }");
  }
  const { retries = 0, isolation, onRetry } = options;
  if (!Number.isSafeInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    throw new ConfigurationError(
      `transaction() retries must be an integer from 0 to ${MAX_RETRIES}, got ${String(retries)}`,
    );
  }
  if (isolation !== undefined && !ISOLATION_LEVELS.includes(isolation)) {
    throw new ConfigurationError(
      `transaction() isolation must be one of ${ISOLATION_LEVELS.map((l) => `"${l}"`).join(", ")}, got ${String(isolation)}`,
    );
  }
  if (onRetry !== undefined && typeof onRetry !== "function") {
    throw new ConfigurationError("transaction() onRetry must be a function");
  }
  return { retries, isolation, onRetry };
}

/**
 * A conflict with a concurrent transaction: a `SerializationError`, or PostgreSQL's aborted
 * transaction whose first failure was one (the callback caught it and went on).
 */
function isConflict(error: unknown, dialect: Dialect): boolean {
  if (error instanceof SerializationError) return true;
  if (!(error instanceof TransactionAbortedError)) return false;
  const cause = error.cause;
  return cause instanceof SerializationError || dialect.classifyError(cause).kind === "serialization";
}

/** Wraps what the callback threw, so it is rethrown unchanged (driver failures are mapped). */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

function aborted(connection: Connection): TransactionAbortedError | undefined {
  const cause = connection.abortedBy;
  if (cause === undefined) return undefined;
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TransactionAbortedError(
    `the transaction was rolled back: a statement failed inside it (${reason}) and its error was caught, ` +
      "but PostgreSQL aborts the whole transaction on a failed statement. Wrap the call that may fail " +
      "in a nested transaction() (a savepoint) so only that call is rolled back",
    { cause },
  );
}

/**
 * Runs `fn` at `level`; `undo` (rollback to the savepoint, or of the transaction) when it throws or
 * when the database aborted the transaction meanwhile (`TransactionAbortedError`).
 */
async function runLevel<R>(
  level: TransactionFrame,
  fn: () => Promise<R> | R,
  undo: () => Promise<void>,
): Promise<R> {
  let result: R;
  try {
    result = await storage.run(level, fn);
  } catch (error) {
    await undo();
    throw new CallbackFailure(error);
  }
  const abort = aborted(level.connection);
  if (abort !== undefined) {
    await undo();
    throw abort;
  }
  return result;
}

async function savepoint<R>(frame: TransactionFrame, dialect: Dialect, fn: () => Promise<R> | R): Promise<R> {
  const previous = frame.tail;
  let done!: () => void;
  frame.tail = new Promise<void>((resolve) => {
    done = resolve;
  });
  await previous;
  const { connection } = frame;
  const level: TransactionFrame = {
    engine: frame.engine,
    connection,
    parent: frame.parent,
    tail: Promise.resolve(),
    root: frame.root,
    afterCommit: [],
  };
  const name = `registers_sp_${++frame.root.savepoints}`;
  const undo = async (): Promise<void> => {
    try {
      await connection.exec(savepointSql.rollbackTo(dialect, name));
      await connection.exec(savepointSql.release(dialect, name));
    } catch {
      // The savepoint is gone: the database already rolled back the whole transaction
      // (deadlock, lost connection). The caller's error says why; the outer level rolls back.
    }
  };
  try {
    await connection.exec(savepointSql.create(dialect, name));
    const result = await runLevel(level, fn, undo);
    await connection.exec(savepointSql.release(dialect, name));
    frame.afterCommit.push(...level.afterCommit);
    return result;
  } finally {
    done();
  }
}

async function transact<R>(
  engine: Engine,
  dialect: Dialect,
  fn: () => Promise<R> | R,
  isolation: IsolationLevel | undefined,
): Promise<R> {
  const driver = await engine.open();
  const connection = await driver.acquire();
  const frame: TransactionFrame = {
    engine,
    connection,
    parent: storage.getStore(),
    tail: Promise.resolve(),
    root: { savepoints: 0 },
    afterCommit: [],
  };
  open++;
  let broken = false;
  const rollback = async (): Promise<void> => {
    try {
      await connection.exec("ROLLBACK");
    } catch {
      broken = true;
    }
  };
  try {
    // Tables of models not used yet are created now, before BEGIN: never inside the user's transaction.
    await engine.prepareSchemas(connection);
    try {
      const begin =
        isolation === undefined || dialect.beginWith === undefined
          ? [dialect.begin()]
          : dialect.beginWith(isolation);
      for (const sql of begin) await connection.exec(sql);
    } catch (error) {
      broken = true;
      throw error;
    }
    const result = await runLevel(frame, fn, rollback);
    try {
      await connection.exec("COMMIT");
    } catch (error) {
      await rollback();
      throw error;
    }
    for (const hook of frame.afterCommit) hook();
    return result;
  } finally {
    // On Node 20 an enabled AsyncLocalStorage keeps V8's promise hooks on, which slows every promise
    // of the process; with no transaction open no frame is read (`frameOf`), so the storage is
    // turned off until the next transaction's `run` turns it on again.
    if (--open === 0) storage.disable();
    connection.release(broken);
  }
}
