/**
 * The replica router: a `Driver` in front of the primary's driver and one driver per replica.
 * Reads (`SELECT` statements other than locking reads and catalog queries) run outside
 * transactions go to the replicas in round-robin order; writes, locking reads, DDL and every
 * transaction (`acquire()`) go to the primary. A replica that cannot answer is left out for a
 * cool-down and its call is run again on the next replica, or on the primary: reads are safe to
 * rerun. A read a replica cancelled because it conflicted with the replay of the primary's changes
 * (PostgreSQL 40001 on a hot standby) runs again on the primary. It may import dialect types,
 * errors and the `usePrimary` scope.
 */
import type { Connection, Driver, Row, RunResult, Statement, StatementHints } from "../dialect/dialect.js";
import { ConnectionError } from "../errors.js";
import type { ReplicaConfig } from "./replica-options.js";
import { readsOnPrimary } from "./use-primary.js";

/** Opens the driver of one replica URL (the engine loads the dialect). */
export type OpenReplica = (url: string) => Promise<Driver>;

/** Wraps a node's driver (the statement log), given the node's label (`"primary"`, `"replica:1"`). */
export type WrapNode = (driver: Driver, node: string) => Driver;

/** One replica: its driver while open, and until when it is left out after a failure. */
interface ReplicaNode {
  readonly url: string;
  /** `replica:<n>`, 1-based in the order of the `replicas` option. */
  readonly label: string;
  raw: Driver | null;
  opening: Promise<Driver> | null;
  downUntil: number;
}

/**
 * Statements that may run on a replica: plain reads; never `FOR UPDATE/SHARE`, never the catalog
 * (a replica may not have replayed a `CREATE TABLE` yet: `information_schema`, and PostgreSQL's
 * `pg_*` catalogs and functions, named with or without `pg_catalog.`), never a server variable
 * (`@@...`). A user table named `pg_...` is therefore read on the primary (PostgreSQL reserves the
 * prefix for its own names).
 */
const READ = /^\s*(SELECT|WITH)\b/i;
const NOT_ON_REPLICA =
  /\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|\binformation_schema\b|\bpg_\w+|::regclass\b|@@|\bLOCK\s+IN\s+SHARE\s+MODE\b/i;

/**
 * Whether a statement may run on a replica.
 *
 * @example
 * ```ts
 * isReplicaRead('SELECT * FROM "users" WHERE "id" = $1'); // true
 * isReplicaRead('SELECT * FROM "users" WHERE "id" = $1 FOR UPDATE'); // false
 * ```
 */
export function isReplicaRead(sql: string): boolean {
  return READ.test(sql) && !NOT_ON_REPLICA.test(sql);
}

/** What the router reports, for tests and monitoring. */
export interface ReplicaRouterStats {
  /** Reads answered by each replica, by label. */
  readonly replicaReads: Record<string, number>;
  /** Reads that went to the primary because no replica could answer (or all were cooling down). */
  readonly fallbacks: number;
  /** Times a replica was left out after a failure. */
  readonly failures: number;
}

/**
 * The replicas of one engine opening: their pools (opened on first read), cool-downs, the time of
 * the last write and the counters. Shared by the engine's routers (with and without the statement
 * log), closed with the engine.
 *
 * @example
 * ```ts
 * const replicas = new ReplicaSet(config, (url) => openDriver(url));
 * const router = new ReplicaRouter(primary, replicas, (driver) => driver);
 * ```
 */
export class ReplicaSet {
  readonly config: ReplicaConfig;
  readonly nodes: readonly ReplicaNode[];
  readonly #open: OpenReplica;
  /** True for a replica's error that the primary would not meet (a conflict with the replay). */
  readonly replayConflict: (error: unknown) => boolean;
  #next = 0;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #closed = false;
  readonly #stats = { replicaReads: {} as Record<string, number>, fallbacks: 0, failures: 0 };

  constructor(
    config: ReplicaConfig,
    open: OpenReplica,
    replayConflict: (error: unknown) => boolean = () => false,
  ) {
    this.config = config;
    this.#open = open;
    this.replayConflict = replayConflict;
    this.nodes = config.urls.map((url, i) => ({
      url,
      label: `replica:${i + 1}`,
      raw: null,
      opening: null,
      downUntil: 0,
    }));
  }

  get stats(): ReplicaRouterStats {
    return { ...this.#stats, replicaReads: { ...this.#stats.replicaReads } };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Records a write (for `primaryAfterWriteMs`). */
  wrote(): void {
    if (this.config.primaryAfterWriteMs > 0) this.#lastWrite = performance.now();
  }

  /** Whether a read in the current async context must go to the primary. */
  readsOnPrimary(): boolean {
    return (
      readsOnPrimary() ||
      (this.config.primaryAfterWriteMs > 0 &&
        performance.now() - this.#lastWrite < this.config.primaryAfterWriteMs)
    );
  }

  /** The replicas to try for one read, in round-robin order, skipping those cooling down. */
  candidates(): ReplicaNode[] {
    const count = this.nodes.length;
    const start = this.#next++ % count;
    const now = performance.now();
    const out: ReplicaNode[] = [];
    for (let i = 0; i < count; i++) {
      const node = this.nodes[(start + i) % count];
      if (node.downUntil <= now) out.push(node);
    }
    return out;
  }

  answered(node: ReplicaNode): void {
    this.#stats.replicaReads[node.label] = (this.#stats.replicaReads[node.label] ?? 0) + 1;
  }

  fellBack(): void {
    this.#stats.fallbacks++;
  }

  /** The node's raw driver, opened on first use. */
  driverOf(node: ReplicaNode): Promise<Driver> {
    if (node.raw !== null) return Promise.resolve(node.raw);
    node.opening ??= this.#open(node.url).then(
      (raw) => {
        node.opening = null;
        if (this.#closed) {
          void raw.close();
          throw new ConnectionError(`${node.label} was opened after the database was closed`);
        }
        node.raw = raw;
        return raw;
      },
      (error: unknown) => {
        node.opening = null;
        throw error instanceof ConnectionError
          ? error
          : new ConnectionError(`cannot open ${node.label}`, { cause: error });
      },
    );
    return node.opening;
  }

  /** Leaves a failed replica out for the cool-down; its pool is closed and opened afresh afterwards. */
  leaveOut(node: ReplicaNode): void {
    this.#stats.failures++;
    node.downUntil = performance.now() + this.config.cooldownMs;
    void this.#closeNode(node);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.nodes.map((node) => this.#closeNode(node)));
  }

  async #closeNode(node: ReplicaNode): Promise<void> {
    const raw = node.raw;
    node.raw = null;
    if (raw !== null) await raw.close().catch(() => undefined);
  }
}

/**
 * A `Driver` routing reads to the replicas of a `ReplicaSet` and everything else to the primary.
 * The engine keeps one without the statement log and makes one with it while listeners exist, so
 * the driver's identity changes with the log as it does without replicas.
 *
 * @example
 * ```ts
 * const router = new ReplicaRouter(primary, replicas, (driver) => driver);
 * await router.prepare('SELECT * FROM "users"').all([]); // on a replica
 * ```
 */
export class ReplicaRouter implements Driver {
  readonly primary: Driver;
  readonly replicas: ReplicaSet;
  readonly #wrap: WrapNode;
  /** The wrapped driver of each replica's raw driver (a new pool after a failure gets a new wrapper). */
  readonly #wrapped = new WeakMap<Driver, Driver>();
  readonly #statements = new Map<string, Statement>();

  constructor(primary: Driver, replicas: ReplicaSet, wrap: WrapNode) {
    this.primary = primary;
    this.replicas = replicas;
    this.#wrap = wrap;
  }

  prepare(sql: string, hints?: StatementHints): Statement {
    const key = hints?.bigints ? `b:${sql}` : sql;
    let statement = this.#statements.get(key);
    if (statement === undefined) {
      statement = isReplicaRead(sql) ? this.#readStatement(sql, hints) : this.#writeStatement(sql, hints);
      this.#statements.set(key, statement);
    }
    return statement;
  }

  exec(sql: string): Promise<void> {
    this.replicas.wrote();
    return this.primary.exec(sql);
  }

  async acquire(): Promise<Connection> {
    this.replicas.wrote();
    const connection = await this.primary.acquire();
    const replicas = this.replicas;
    return {
      prepare: (sql, hints) => connection.prepare(sql, hints),
      exec: (sql) => connection.exec(sql),
      release: (broken) => {
        replicas.wrote();
        connection.release(broken);
      },
      get abortedBy() {
        return connection.abortedBy;
      },
    };
  }

  /** Closes the primary and every replica pool. */
  async close(): Promise<void> {
    await Promise.all([this.primary.close(), this.replicas.close()]);
  }

  #writeStatement(sql: string, hints: StatementHints | undefined): Statement {
    const statement = this.primary.prepare(sql, hints);
    return {
      all: (params) => {
        this.replicas.wrote();
        return statement.all(params);
      },
      run: (params) => {
        this.replicas.wrote();
        return statement.run(params);
      },
    };
  }

  #readStatement(sql: string, hints: StatementHints | undefined): Statement {
    const statement = this.primary.prepare(sql, hints);
    return {
      all: (params) =>
        this.replicas.readsOnPrimary()
          ? statement.all(params)
          : this.#read(sql, hints, (s) => s.all(params), statement),
      run: (params) =>
        this.replicas.readsOnPrimary()
          ? statement.run(params)
          : this.#read(sql, hints, (s) => s.run(params), statement),
    };
  }

  /** Runs a read on the next replica that answers, else on the primary (`onPrimary`). */
  async #read<R extends Row[] | RunResult>(
    sql: string,
    hints: StatementHints | undefined,
    call: (statement: Statement) => R | Promise<R>,
    onPrimary: Statement,
  ): Promise<R> {
    const replicas = this.replicas;
    for (const node of replicas.candidates()) {
      try {
        const raw = await replicas.driverOf(node);
        let driver = this.#wrapped.get(raw);
        if (driver === undefined) {
          driver = this.#wrap(raw, node.label);
          this.#wrapped.set(raw, driver);
        }
        const result = await call(driver.prepare(sql, hints));
        replicas.answered(node);
        return result;
      } catch (error) {
        if (replicas.closed) throw error;
        if (replicas.replayConflict(error)) break;
        if (!(error instanceof ConnectionError)) throw error;
        replicas.leaveOut(node);
      }
    }
    replicas.fellBack();
    return await call(onPrimary);
  }
}
