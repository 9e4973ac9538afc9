/**
 * The `replicas` option of a database (`databaseRegistry(url, { replicas })` or
 * `useReplicas(url, replicas)`): the replica URLs and how the router treats them, validated into
 * one normalized form. It may import errors only.
 */
import { ConfigurationError } from "../errors.js";

/**
 * Read replicas of a database, as a list of URLs or with options.
 *
 * @example
 * ```ts
 * const replicas: ReplicaOptions = {
 *   urls: ["postgres://app@replica1/shop", "postgres://app@replica2/shop"],
 *   cooldownMs: 5_000,
 * };
 * ```
 */
export interface ReplicaOptions {
  /** The replicas' URLs (same scheme family as the primary: `postgres://` or `mysql://`/`mariadb://`). */
  readonly urls: readonly string[];
  /**
   * How long a replica that failed to answer (connection refused, lost, not ready) is left out
   * before it is tried again; default 5000 ms. Its calls meanwhile go to the next replica, or to
   * the primary when none is left.
   */
  readonly cooldownMs?: number;
  /**
   * For this many milliseconds after any write on this database (from any model, transactions
   * included), reads go to the primary too: a simple read-your-writes window when the replicas'
   * lag is shorter than it. Default 0 (off): use `usePrimary()` where a read must see a write.
   */
  readonly primaryAfterWriteMs?: number;
}

/** `ReplicaOptions` with every default filled in. */
export interface ReplicaConfig {
  readonly urls: readonly string[];
  readonly cooldownMs: number;
  readonly primaryAfterWriteMs: number;
}

const SCHEME_FAMILY: Record<string, string> = {
  postgres: "postgres",
  postgresql: "postgres",
  mysql: "mysql",
  mariadb: "mysql",
};

function familyOf(url: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  return scheme === undefined ? undefined : SCHEME_FAMILY[scheme];
}

/**
 * Validates the `replicas` option of the database at `primaryUrl`. Throws `ConfigurationError`
 * (never quoting a URL, which may hold a password).
 *
 * @example
 * ```ts
 * replicaConfig("postgres://db/app", ["postgres://replica/app"]).cooldownMs; // 5000
 * ```
 */
export function replicaConfig(
  primaryUrl: string,
  replicas: readonly string[] | ReplicaOptions,
): ReplicaConfig {
  const options: ReplicaOptions = Array.isArray(replicas)
    ? { urls: replicas as readonly string[] }
    : (replicas as ReplicaOptions);
  if (options === null || typeof options !== "object" || !Array.isArray(options.urls)) {
    throw new ConfigurationError(
      'replicas takes a list of URLs or { urls: [...] }, e.g. { replicas: ["postgres://replica/app"] }',
    );
  }
  const family = familyOf(primaryUrl);
  if (family === undefined) {
    throw new ConfigurationError(
      "replicas need a PostgreSQL or MariaDB/MySQL primary: SQLite has no replication (one file, one process)",
    );
  }
  options.urls.forEach((url, index) => {
    if (typeof url !== "string" || familyOf(url) !== family) {
      throw new ConfigurationError(
        `replica ${index + 1} must be a ${family === "postgres" ? "postgres://" : "mysql:// or mariadb://"} URL like the primary's`,
      );
    }
    if (url === primaryUrl) throw new ConfigurationError(`replica ${index + 1} is the primary's own URL`);
  });
  if (new Set(options.urls).size !== options.urls.length) {
    throw new ConfigurationError("replicas lists the same URL twice");
  }
  return {
    urls: [...options.urls],
    cooldownMs: milliseconds("cooldownMs", options.cooldownMs, 5_000),
    primaryAfterWriteMs: milliseconds("primaryAfterWriteMs", options.primaryAfterWriteMs, 0),
  };
}

function milliseconds(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new ConfigurationError(
      `replicas.${name} must be a number of milliseconds >= 0, got ${String(value)}`,
    );
  }
  return value;
}

/** Whether two configurations are the same (one engine may be configured from several models). */
export function sameReplicaConfig(a: ReplicaConfig, b: ReplicaConfig): boolean {
  return (
    a.cooldownMs === b.cooldownMs &&
    a.primaryAfterWriteMs === b.primaryAfterWriteMs &&
    a.urls.length === b.urls.length &&
    a.urls.every((url, i) => url === b.urls[i])
  );
}
