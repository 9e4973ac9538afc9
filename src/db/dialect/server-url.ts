/**
 * Server URLs (PostgreSQL, MariaDB/MySQL): parsing, options, TLS, password scrubbing in messages
 * and loading the optional driver package. It may import errors only.
 */
import { ConfigurationError } from "../errors.js";

/** Node socket error codes that mean the server could not be reached or the link died. */
export const SOCKET_ERROR_CODES: ReadonlySet<string> = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
]);

/** TLS mode of a server URL, with libpq's names (`disable`, `allow` and `prefer` connect without TLS). */
export type SslMode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

/**
 * A parsed `postgres://` / `mysql://` URL. The password never appears in messages: use
 * {@link describeServer} to name the server.
 */
export interface ServerUrl {
  readonly scheme: string;
  readonly user: string | undefined;
  readonly password: string | undefined;
  readonly host: string;
  readonly port: number;
  readonly database: string | undefined;
  readonly sslmode: SslMode;
  /** Most pooled connections (`poolSize` or `max`). */
  readonly poolSize: number;
  /** Milliseconds to wait for a connection. */
  readonly connectTimeout: number;
  /** Milliseconds a statement may run; `0` means no limit. */
  readonly statementTimeout: number;
  /** PostgreSQL `search_path` schema. */
  readonly schema: string | undefined;
}

/** What one dialect accepts. */
export interface ServerUrlRules {
  readonly dialect: string;
  readonly driver: string;
  readonly schemes: readonly string[];
  readonly defaultPort: number;
  readonly requireDatabase: boolean;
  readonly allowSchema: boolean;
}

const SSL_MODES: readonly SslMode[] = ["disable", "allow", "prefer", "require", "verify-ca", "verify-full"];
const OPTIONS = ["sslmode", "poolSize", "max", "connectTimeout", "statementTimeout", "schema"];
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/**
 * Parses a server URL. Throws `ConfigurationError` (never quoting the URL, which may hold a password).
 *
 * @example
 * ```ts
 * const url = parseServerUrl("postgres://app:s%40cret@db:5432/shop?poolSize=20", postgresRules);
 * url.password; // "s@cret"
 * ```
 */
export function parseServerUrl(text: string, rules: ServerUrlRules): ServerUrl {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (!scheme || !rules.schemes.includes(scheme)) {
    const expected = rules.schemes.map((s) => `${s}://`).join(" or ");
    throw new ConfigurationError(`${rules.dialect} URLs start with ${expected}`);
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // No cause: Node's TypeError carries the whole input, password included.
    throw new ConfigurationError(
      `invalid ${rules.dialect} URL (form: ${scheme}://user:password@host:port/database); ` +
        "percent-encode special characters in the user name and password",
    );
  }
  const query = url.searchParams;
  for (const key of query.keys()) {
    if (!OPTIONS.includes(key) || (key === "schema" && !rules.allowSchema)) {
      const hint = key === "schema" ? " (on MySQL the database is the schema)" : "";
      throw new ConfigurationError(
        `unknown ${rules.dialect} URL option "${key}"${hint}; known: ${OPTIONS.filter((o) => o !== "schema" || rules.allowSchema).join(", ")}`,
      );
    }
  }
  const database = decode(url.pathname.replace(/^\//, ""), "database", rules) || undefined;
  if (!database && rules.requireDatabase) {
    throw new ConfigurationError(`${rules.dialect} URL needs a database: ${scheme}://host:port/database`);
  }
  const sslmode = (query.get("sslmode") ?? "disable") as SslMode;
  if (!SSL_MODES.includes(sslmode)) {
    throw new ConfigurationError(`sslmode must be one of ${SSL_MODES.join(", ")}`);
  }
  const schema = query.get("schema") ?? undefined;
  if (schema !== undefined && !IDENTIFIER.test(schema)) {
    throw new ConfigurationError(`schema "${schema}" must be a plain identifier (letters, digits, _, $)`);
  }
  return {
    scheme,
    user: decode(url.username, "user name", rules) || undefined,
    password: decode(url.password, "password", rules) || undefined,
    host: url.hostname.replace(/^\[(.*)\]$/, "$1") || "localhost",
    port: url.port ? Number(url.port) : rules.defaultPort,
    database,
    sslmode,
    poolSize: integerOption(query, ["poolSize", "max"], 10, 1),
    connectTimeout: integerOption(query, ["connectTimeout"], 10_000, 1),
    statementTimeout: integerOption(query, ["statementTimeout"], 0, 0),
    schema,
  };
}

function decode(part: string, what: string, rules: ServerUrlRules): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConfigurationError(`invalid percent-encoding in the ${what} of a ${rules.dialect} URL`);
  }
}

function integerOption(query: URLSearchParams, names: string[], fallback: number, min: number): number {
  for (const name of names) {
    const raw = query.get(name);
    if (raw === null) continue;
    const value = Number(raw);
    if (raw.trim() === "" || !Number.isSafeInteger(value) || value < min) {
      throw new ConfigurationError(`URL option ${name} must be an integer >= ${min}, got "${raw}"`);
    }
    return value;
  }
  return fallback;
}

/** `host:port/database`, for messages: never the user's password. */
export function describeServer(url: ServerUrl): string {
  const host = url.host.includes(":") ? `[${url.host}]` : url.host;
  return `${host}:${url.port}${url.database ? `/${url.database}` : ""}`;
}

/** TLS options shared by `pg` and `mysql2` for an `sslmode`; `undefined` means plain TCP. */
export function tlsOptions(
  mode: SslMode,
): { rejectUnauthorized: boolean; checkServerIdentity?: () => undefined } | undefined {
  if (mode === "require") return { rejectUnauthorized: false };
  if (mode === "verify-ca") return { rejectUnauthorized: true, checkServerIdentity: () => undefined };
  if (mode === "verify-full") return { rejectUnauthorized: true };
  return undefined;
}

/**
 * Removes `secret` (and its percent-encoded form) from an error's message and stack, in place,
 * so a driver error kept as `cause` never leaks the password. Returns the same error.
 */
export function scrubSecret<E>(error: E, secret: string | undefined): E {
  if (!secret || !(error instanceof Error)) return error;
  const forms = [secret, encodeURIComponent(secret)];
  const clean = (text: string) => forms.reduce((acc, form) => acc.split(form).join("***"), text);
  if (forms.some((form) => error.message.includes(form) || error.stack?.includes(form))) {
    error.message = clean(error.message);
    if (error.stack) error.stack = clean(error.stack);
  }
  return error;
}

/**
 * Loads an optional driver package; a missing package becomes
 * `ConfigurationError("install pg to use postgres:// URLs")`.
 *
 * @example
 * ```ts
 * const pg = await loadDriver(() => import("pg"), "pg", "postgres://");
 * ```
 */
export async function loadDriver<T>(load: () => Promise<T>, pkg: string, scheme: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if ((error as { code?: unknown }).code === "ERR_MODULE_NOT_FOUND") {
      throw new ConfigurationError(`install ${pkg} to use ${scheme} URLs (npm install ${pkg})`, {
        cause: error,
      });
    }
    throw error;
  }
}
