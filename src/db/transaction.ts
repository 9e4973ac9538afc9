import { AsyncLocalStorage } from "node:async_hooks";
import type { Connection } from "./dialect/dialect.js";
import { savepointSql } from "./dialect/savepoint-sql.js";
import type { Engine } from "./engine.js";

/** One open transaction on one engine, as seen from inside its callback. */
interface TransactionFrame {
  readonly engine: Engine;
  readonly connection: Connection;
  /** The frame of an enclosing transaction on another engine, if any. */
  readonly parent: TransactionFrame | undefined;
  /** Savepoint counter, shared by nested calls. */
  readonly state: { savepoints: number; nested: Promise<void> };
}

const storage = new AsyncLocalStorage<TransactionFrame>();
let open = 0;

/**
 * The connection of the transaction enclosing the current async context on `engine`, or `undefined`
 * (outside any `transaction()` callback). Cheap when no transaction is open anywhere.
 *
 * @example
 * ```ts
 * const session = transactionConnection(engine) ?? engine.driver;
 * ```
 */
export function transactionConnection(engine: Engine): Connection | undefined {
  if (open === 0) return undefined;
  for (let frame = storage.getStore(); frame !== undefined; frame = frame.parent) {
    if (frame.engine === engine) return frame.connection;
  }
  return undefined;
}

/**
 * Runs `fn` in a transaction on `engine`: every model on that engine called inside `fn` (at any
 * async depth) uses the transaction's connection, found through AsyncLocalStorage. Commits when `fn`
 * resolves, rolls back when it throws. A nested call is a savepoint (nested calls run one at a time).
 * The connection is always released, also when COMMIT or ROLLBACK fails.
 *
 * @example
 * ```ts
 * await runTransaction(engine, async () => {
 *   await User.objects.create({ name: "A", email: "a@example.com" });
 * });
 * ```
 */
export async function runTransaction<R>(
  engine: Engine,
  fn: () => Promise<R> | R,
  mapError: (error: unknown) => unknown = (error) => error,
): Promise<R> {
  try {
    return await transact(engine, fn);
  } catch (error) {
    throw error instanceof CallbackFailure ? error.error : mapError(error);
  }
}

/** Wraps what the callback threw, so it is rethrown unchanged (driver failures are mapped). */
class CallbackFailure {
  constructor(readonly error: unknown) {}
}

async function transact<R>(engine: Engine, fn: () => Promise<R> | R): Promise<R> {
  const dialect = await engine.resolveDialect();
  let current: TransactionFrame | undefined;
  for (let frame = storage.getStore(); frame !== undefined; frame = frame.parent) {
    if (frame.engine === engine) {
      current = frame;
      break;
    }
  }
  if (current !== undefined) {
    const frame = current;
    const previous = frame.state.nested;
    let done!: () => void;
    frame.state.nested = new Promise<void>((resolve) => {
      done = resolve;
    });
    await previous;
    const name = `registers_sp_${++frame.state.savepoints}`;
    try {
      await frame.connection.exec(savepointSql.create(dialect, name));
      let result: R;
      try {
        result = await fn();
      } catch (error) {
        try {
          await frame.connection.exec(savepointSql.rollbackTo(dialect, name));
          await frame.connection.exec(savepointSql.release(dialect, name));
        } catch {
          // The savepoint is gone: the database already rolled back the whole transaction
          // (deadlock, lost connection). The callback's error says why; the outer frame rolls back.
        }
        throw new CallbackFailure(error);
      }
      await frame.connection.exec(savepointSql.release(dialect, name));
      return result;
    } finally {
      done();
    }
  }

  const driver = await engine.open();
  const connection = await driver.acquire();
  const frame: TransactionFrame = {
    engine,
    connection,
    parent: storage.getStore(),
    state: { savepoints: 0, nested: Promise.resolve() },
  };
  open++;
  let broken = false;
  try {
    try {
      await connection.exec(dialect.begin());
    } catch (error) {
      broken = true;
      throw error;
    }
    let result: R;
    try {
      result = await storage.run(frame, fn);
    } catch (error) {
      try {
        await connection.exec("ROLLBACK");
      } catch {
        broken = true;
      }
      throw new CallbackFailure(error);
    }
    try {
      await connection.exec("COMMIT");
    } catch (error) {
      try {
        await connection.exec("ROLLBACK");
      } catch {
        broken = true;
      }
      throw error;
    }
    return result;
  } finally {
    open--;
    connection.release(broken);
  }
}
