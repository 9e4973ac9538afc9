/**
 * The statement log (`onQuery`): wraps an engine's driver while listeners exist, timing every
 * statement (transactions included) and reporting it; costs nothing while nobody listens. It may
 * import dialect and engine types.
 */
import type { Connection, Driver, Session, Statement, StatementHints } from "./dialect/dialect.js";
import type { Engine } from "./engine.js";

/**
 * One statement run on a database, as `onQuery` listeners see it.
 *
 * @example
 * ```ts
 * const event: QueryEvent = { sql: 'SELECT 1', params: [], durationMs: 0.05, node: "primary" };
 * ```
 */
export interface QueryEvent {
  /** The SQL text (with placeholders; values are in `params`). */
  readonly sql: string;
  /** The bound parameters, as sent to the driver (encoded values). */
  readonly params: readonly unknown[];
  /** Wall time from the call to the driver until its result (or error), in milliseconds. */
  readonly durationMs: number;
  /** Present when the statement failed: what the driver threw (before the manager maps it). */
  readonly error?: unknown;
  /**
   * The node that ran it: `"primary"`, or `"replica:<n>"` (1-based, in the order of the `replicas`
   * option) for a read a replica answered.
   */
  readonly node: string;
}

/**
 * Receives every statement run on a database. Called synchronously after the statement finished;
 * what it throws is swallowed (reported once per listener through `process.emitWarning`).
 *
 * @example
 * ```ts
 * const log: QueryListener = ({ sql, durationMs }) => console.log(`${durationMs.toFixed(2)} ms ${sql}`);
 * ```
 */
export type QueryListener = (event: QueryEvent) => void;

/** The subscribers of one engine; each subscription is its own entry (a listener may subscribe twice). */
type Subscribers = Set<{ readonly listener: QueryListener }>;

const subscribersOf = new WeakMap<Engine, Subscribers>();
/** Listeners that threw once already (warned about). */
const warned = new WeakSet<QueryListener>();
/** Set while listeners run: statements they issue synchronously are not reported (no recursion). */
let emitting = false;

/**
 * Subscribes to every statement run on this engine (database), from every model sharing it,
 * including transaction statements (BEGIN, COMMIT, SAVEPOINT ...) and schema statements. Returns the
 * unsubscribe function (idempotent). Works before the engine is open and across close/reopen.
 *
 * Costs nothing while nobody listens: the engine's `driver` is then the dialect's own driver. While
 * listeners exist it is an instrumenting wrapper (statements are re-prepared once on each switch).
 * Statements a listener runs synchronously from inside its callback are not reported to anyone.
 *
 * @example
 * ```ts
 * const stop = subscribeQueries(User.objects.engine, ({ sql, params, durationMs }) => {
 *   console.log(sql, params, durationMs);
 * });
 * await User.objects.all();
 * stop();
 * ```
 */
export function subscribeQueries(engine: Engine, listener: QueryListener): () => void {
  if (typeof listener !== "function") {
    throw new TypeError(`onQuery() takes a function, got ${listener === null ? "null" : typeof listener}`);
  }
  let subscribers = subscribersOf.get(engine);
  if (subscribers === undefined) {
    subscribers = new Set();
    subscribersOf.set(engine, subscribers);
  }
  const entry = { listener };
  subscribers.add(entry);
  if (subscribers.size === 1) {
    const emitter = subscribers;
    engine.instrument((driver, node) => instrumentDriver(driver, emitter, node));
  }
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    const current = subscribersOf.get(engine);
    if (current === undefined) return;
    current.delete(entry);
    if (current.size === 0) engine.instrument(null);
  };
}

function emit(
  subscribers: Subscribers,
  node: string,
  sql: string,
  params: readonly unknown[],
  start: number,
  failed: boolean,
  error: unknown,
): void {
  if (emitting || subscribers.size === 0) return;
  const durationMs = performance.now() - start;
  const event: QueryEvent = failed
    ? { sql, params, durationMs, error, node }
    : { sql, params, durationMs, node };
  emitting = true;
  try {
    for (const { listener } of subscribers) {
      try {
        listener(event);
      } catch (thrown) {
        if (!warned.has(listener)) {
          warned.add(listener);
          process.emitWarning(
            `an onQuery listener threw (ignored; reported once per listener): ${thrown instanceof Error ? thrown.message : String(thrown)}`,
            { code: "REGISTERS_QUERY_LISTENER" },
          );
        }
      }
    }
  } finally {
    emitting = false;
  }
}

/** Reports a statement's outcome, keeping a synchronous result synchronous. */
function settle<R>(
  subscribers: Subscribers,
  node: string,
  sql: string,
  params: readonly unknown[],
  start: number,
  result: R | Promise<R>,
): R | Promise<R> {
  if (result instanceof Promise) {
    return result.then(
      (value) => {
        emit(subscribers, node, sql, params, start, false, undefined);
        return value;
      },
      (error: unknown) => {
        emit(subscribers, node, sql, params, start, true, error);
        throw error;
      },
    );
  }
  emit(subscribers, node, sql, params, start, false, undefined);
  return result;
}

/** `call`, timed and reported (with a copy of its parameters, taken before the call). */
function timed<R>(
  call: (params: readonly unknown[]) => R | Promise<R>,
  sql: string,
  subscribers: Subscribers,
  node: string,
): (params: readonly unknown[]) => R | Promise<R> {
  return (params) => {
    const copy = params.slice();
    const start = performance.now();
    let result: R | Promise<R>;
    try {
      result = call(params);
    } catch (error) {
      emit(subscribers, node, sql, copy, start, true, error);
      throw error;
    }
    return settle(subscribers, node, sql, copy, start, result);
  };
}

function instrumentStatement(
  statement: Statement,
  sql: string,
  subscribers: Subscribers,
  node: string,
): Statement {
  const wrapped: Statement = {
    all: timed((params) => statement.all(params), sql, subscribers, node),
    run: timed((params) => statement.run(params), sql, subscribers, node),
  };
  const get = statement.get;
  if (get !== undefined) wrapped.get = timed((params) => get.call(statement, params), sql, subscribers, node);
  return wrapped;
}

const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/** `prepare` (cached wrapper per underlying statement) and `exec` of a session, instrumented. */
function instrumentSession(session: Session, subscribers: Subscribers, node: string): Session {
  const statements = new WeakMap<Statement, Statement>();
  return {
    prepare(sql: string, hints?: StatementHints): Statement {
      const statement = session.prepare(sql, hints);
      let wrapped = statements.get(statement);
      if (wrapped === undefined) {
        wrapped = instrumentStatement(statement, sql, subscribers, node);
        statements.set(statement, wrapped);
      }
      return wrapped;
    },
    exec(sql: string): Promise<void> {
      return timed(() => session.exec(sql), sql, subscribers, node)(NO_PARAMS) as Promise<void>;
    },
  };
}

/** The driver, reporting every statement (also on connections it hands out) to `subscribers`. */
function instrumentDriver(driver: Driver, subscribers: Subscribers, node: string): Driver {
  const session = instrumentSession(driver, subscribers, node);
  const connections = new WeakMap<Connection, Connection>();
  return {
    prepare: session.prepare,
    exec: session.exec,
    async acquire(): Promise<Connection> {
      const connection = await driver.acquire();
      let wrapped = connections.get(connection);
      if (wrapped === undefined) {
        const inner = instrumentSession(connection, subscribers, node);
        wrapped = {
          prepare: inner.prepare,
          exec: inner.exec,
          release: (broken?: boolean) => connection.release(broken),
          // PostgreSQL's aborted-transaction state, read by transaction() at each level's end.
          get abortedBy() {
            return connection.abortedBy;
          },
        };
        connections.set(connection, wrapped);
      }
      return wrapped;
    },
    close: () => driver.close(),
  };
}
