/**
 * The engine: one per database URL, shared by every model on it, holding the dialect and the driver
 * (the SQLite connection or a server pool), opened on first use, disposed for good by `dispose()`.
 * It may import dialect modules (server dialects only through a dynamic import) and errors.
 */
import type { Dialect, Driver, Session } from "./dialect/dialect.js";
import { createSqliteDialect, parseSqliteUrl } from "./dialect/sqlite/index.js";
import { ConfigurationError, EngineDisposedError } from "./errors.js";
import { type ReplicaConfig, sameReplicaConfig } from "./replicas/replica-options.js";
import {
  ReplicaRouter,
  type ReplicaRouterStats,
  ReplicaSet,
  type WrapNode,
} from "./replicas/replica-router.js";

/**
 * A model's one-time schema setup on an engine (its `autoCreate`). `transaction()` runs every
 * pending one before BEGIN, so table creation never happens inside a user's transaction.
 */
export interface SchemaSetup {
  /** `undefined` when already done for the engine's current opening, else the work on `session`. */
  prepare(session: Session): Promise<void> | undefined;
}

const SERVER_SCHEMES: Record<string, { folder: string; factory: string; driver: string }> = {
  postgres: { folder: "postgres", factory: "createPostgresDialect", driver: "pg" },
  postgresql: { folder: "postgres", factory: "createPostgresDialect", driver: "pg" },
  mysql: { folder: "mysql", factory: "createMysqlDialect", driver: "mysql2" },
  mariadb: { folder: "mysql", factory: "createMysqlDialect", driver: "mysql2" },
};

/**
 * One database, shared by every model registered on the same URL: its dialect and its driver (the
 * SQLite connection or a server pool). Opened on first use, reopened after `close()`.
 *
 * @example
 * ```ts
 * const engine = engineFor("app.db");
 * const driver = await engine.open();
 * ```
 */
export class Engine {
  /** Normalized identity: the absolute SQLite path, `sqlite::memory:`, or the server URL. */
  readonly key: string;
  readonly url: string;
  /** Set once resolved (synchronously for SQLite, after a dynamic import for servers). */
  dialect: Dialect | null;
  /**
   * Set while open: the fast path reads it without awaiting. While statement listeners exist
   * (`subscribeQueries`) it is an instrumenting wrapper around the dialect's driver.
   */
  driver: Driver | null = null;
  /** Bumped on every open, so managers know to re-run their one-time setup (e.g. `autoCreate`). */
  generation = 0;
  #opening: Promise<Driver> | null = null;
  readonly #scheme: string | null;
  /** The dialect's driver while open (`driver` may wrap it). */
  #raw: Driver | null = null;
  /** Wraps each node's driver while statement listeners exist (see `query-log.ts`). */
  #instrument: WrapNode | null = null;
  /** Read replicas (`replicas` option): while open, `driver` is a `ReplicaRouter`. */
  #replicas: ReplicaConfig | null = null;
  /** While open with replicas: their pools, and the router without the statement log. */
  #replicaSet: ReplicaSet | null = null;
  #plainRouter: ReplicaRouter | null = null;
  /** Set by `dispose()`: calls fail with `EngineDisposedError` until `reopen()`. */
  #disposed = false;
  readonly #setups = new Set<SchemaSetup>();

  constructor(url: string, key: string, dialect: Dialect | null, scheme: string | null) {
    this.url = url;
    this.key = key;
    this.dialect = dialect;
    this.#scheme = scheme;
  }

  /** Opens the driver once; concurrent callers share the same promise. */
  open(): Promise<Driver> {
    if (this.driver !== null) return Promise.resolve(this.driver);
    if (this.#disposed) return Promise.reject(this.disposedError());
    if (this.#opening === null) {
      this.#opening = this.#open().then(
        (driver) => {
          this.#raw = driver;
          const active = this.#route(driver);
          this.driver = active;
          this.generation++;
          this.#opening = null;
          return active;
        },
        (error) => {
          this.#opening = null;
          throw error;
        },
      );
    }
    return this.#opening;
  }

  /**
   * Internal (`query-log.ts`): installs `wrap` around the driver, now if open and on every later
   * open; `null` restores the dialect's driver. Prepared statements are re-prepared once on the new
   * `driver` (statement caches key handles by session identity); `generation` is unchanged.
   *
   * @example
   * ```ts
   * engine.instrument((driver) => loggingDriver(driver));
   * engine.instrument(null);
   * ```
   */
  instrument(wrap: WrapNode | null): void {
    this.#instrument = wrap;
    if (this.#raw !== null) this.driver = this.#route(this.#raw);
  }

  /**
   * Internal (`databaseRegistry({ replicas })`, `useReplicas()`): reads of this database outside
   * transactions go to these replicas. Call before the first use (else `ConfigurationError`); a
   * second, different configuration is a `ConfigurationError` too (every model on one URL shares
   * one engine).
   *
   * @example
   * ```ts
   * engine.configureReplicas(replicaConfig(url, ["postgres://replica/app"]));
   * ```
   */
  configureReplicas(config: ReplicaConfig): void {
    if (this.#replicas !== null) {
      if (sameReplicaConfig(this.#replicas, config)) return;
      throw new ConfigurationError(
        `the database ${this.#label()} already has other replicas configured: every model on one URL shares ` +
          "them, so give the same replicas option everywhere (or configure them once with useReplicas())",
      );
    }
    if (this.#raw !== null) {
      throw new ConfigurationError(
        `the database ${this.#label()} is already open: configure its replicas before its first use`,
      );
    }
    this.#replicas = config;
  }

  /** The replica router's counters, or `null` without replicas (or while closed). */
  get replicaStats(): ReplicaRouterStats | null {
    return this.#replicaSet?.stats ?? null;
  }

  /**
   * The driver the engine hands out for the primary's `raw` driver: logged while listeners exist,
   * and routed when the database has replicas (the router without the log is kept, so stopping the
   * log gives back the very same driver and statements).
   */
  #route(raw: Driver): Driver {
    const wrap = this.#instrument;
    const primary = wrap === null ? raw : wrap(raw, "primary");
    if (this.#replicas === null) return primary;
    const dialect = this.dialect;
    this.#replicaSet ??= new ReplicaSet(
      this.#replicas,
      async (url) => (await loadServerDialect(url, schemeOf(url) ?? "")).createDriver(),
      (error) => dialect?.classifyError(error).kind === "serialization",
    );
    if (wrap !== null) return new ReplicaRouter(primary, this.#replicaSet, wrap);
    this.#plainRouter ??= new ReplicaRouter(primary, this.#replicaSet, (driver) => driver);
    return this.#plainRouter;
  }

  /** The dialect, loading a server dialect's module on first use. */
  async resolveDialect(): Promise<Dialect> {
    if (this.dialect === null) this.dialect = await loadServerDialect(this.url, this.#scheme ?? "");
    return this.dialect;
  }

  async #open(): Promise<Driver> {
    const dialect = await this.resolveDialect();
    return dialect.createDriver();
  }

  /**
   * Internal: registers a model's schema setup, run before every top-level transaction's BEGIN
   * until it reports done.
   */
  addSchemaSetup(setup: SchemaSetup): void {
    this.#setups.add(setup);
  }

  /** Runs the pending schema setups on `session` (outside any transaction). Failures surface at each model's own use. */
  async prepareSchemas(session: Session): Promise<void> {
    for (const setup of this.#setups) {
      const pending = setup.prepare(session);
      if (pending !== undefined) await pending.catch(() => undefined);
    }
  }

  /** The error every call on a disposed engine gets. */
  disposedError(): EngineDisposedError {
    return new EngineDisposedError(
      `the database ${this.#label()} was disposed (dispose(), disposeAll() or the Fastify app closed): ` +
        "call Model.objects.reopen() to use it again",
    );
  }

  #label(): string {
    if (this.#scheme !== null) {
      try {
        const url = new URL(this.url);
        return `${url.protocol}//${url.host}${url.pathname}`;
      } catch {
        return `(${this.#scheme})`;
      }
    }
    return this.key === "sqlite::memory:" ? '":memory:"' : `"${this.key.slice("sqlite:".length)}"`;
  }

  /** Whether `dispose()` closed this engine (and `reopen()` was not called since). */
  get disposed(): boolean {
    return this.#disposed;
  }

  /**
   * Closes the engine for good: later calls fail with `EngineDisposedError` instead of quietly
   * reopening (an in-memory database would come back empty), until `reopen()`.
   */
  async dispose(): Promise<void> {
    this.#disposed = true;
    await this.close();
  }

  /**
   * Allows use again after `dispose()`; the engine opens on next use (an in-memory database starts
   * empty, and `autoCreate` creates its tables again).
   */
  reopen(): void {
    this.#disposed = false;
  }

  /** Closes the driver (idempotent). The engine reopens on next use. */
  async close(): Promise<void> {
    const opening = this.#opening;
    if (opening !== null) await opening.catch(() => undefined);
    const driver = this.#raw;
    const replicas = this.#replicaSet;
    this.#raw = null;
    this.#replicaSet = null;
    this.#plainRouter = null;
    this.driver = null;
    await Promise.all([driver?.close(), replicas?.close()]);
  }
}

const engines = new Map<string, Engine>();

/**
 * The engine for a URL, created on first request: one per database, so every model on the same URL
 * (including `":memory:"`) shares one connection or pool. Throws `ConfigurationError` on a bad URL.
 *
 * @example
 * ```ts
 * engineFor("app.db") === engineFor("sqlite:///app.db"); // true
 * ```
 */
export function engineFor(url: string): Engine {
  const scheme = schemeOf(url);
  if (scheme !== null && scheme in SERVER_SCHEMES) {
    let engine = engines.get(url);
    if (engine === undefined) {
      engine = new Engine(url, url, null, scheme);
      engines.set(url, engine);
    }
    return engine;
  }
  const target = parseSqliteUrl(url);
  // An explicit binding is part of the identity: `?driver=node` and better-sqlite3 are two connections.
  const base = target.memory ? "sqlite::memory:" : `sqlite:${target.filename}`;
  const key = target.driver === undefined ? base : `${base}?driver=${target.driver}`;
  let engine = engines.get(key);
  if (engine === undefined) {
    engine = new Engine(url, key, createSqliteDialect(url), null);
    engines.set(key, engine);
  }
  return engine;
}

/**
 * Closes every engine (SQLite connections and server pools) for good: later calls fail with
 * `EngineDisposedError` until `Model.objects.reopen()` (an in-memory database starts empty then).
 *
 * @example
 * ```ts
 * process.on("SIGTERM", () => void disposeAll());
 * ```
 */
export async function disposeAll(): Promise<void> {
  await Promise.all([...engines.values()].map((engine) => engine.dispose()));
}

function schemeOf(url: string): string | null {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase() ?? null;
}

async function loadServerDialect(url: string, scheme: string): Promise<Dialect> {
  const entry = SERVER_SCHEMES[scheme];
  let module: Record<string, unknown>;
  try {
    // Literal specifiers: esbuild splits each server dialect into its own chunk, loaded only here,
    // so SQLite users never load PostgreSQL or MySQL code.
    module =
      entry.folder === "postgres"
        ? ((await import("./dialect/postgres/index.js")) as Record<string, unknown>)
        : ((await import("./dialect/mysql/index.js")) as Record<string, unknown>);
  } catch (error) {
    throw new ConfigurationError(`${scheme}:// URLs are not available in this build of registers`, {
      cause: error,
    });
  }
  const factory = module[entry.factory];
  if (typeof factory !== "function") {
    throw new ConfigurationError(`${scheme}:// URLs are not available in this build of registers`);
  }
  return (factory as (url: string) => Dialect)(url);
}
