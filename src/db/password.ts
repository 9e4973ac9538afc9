/**
 * Password hashing for `hashedFields`: salted scrypt hashes in a self-describing text format,
 * verification in constant time, and the format check. A leaf: it imports only node:crypto.
 */
import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Password storage with `node:crypto` scrypt: a random 16-byte salt per password and a versioned,
 * self-describing format, so parameters can be raised later without breaking stored hashes:
 *
 * `$scrypt$v=1$n=16384,r=8,p=1$<salt base64url>$<hash base64url>`
 */
const PREFIX = "$scrypt$";
const VERSION = 1;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** scrypt cost parameters. Defaults are Node's (N=2^14, r=8, p=1, about 50 ms here); raise `n` for more cost. */
export interface PasswordHashOptions {
  /** CPU/memory cost, a power of two. Default 16384. */
  readonly n?: number;
  /** Block size. Default 8. */
  readonly r?: number;
  /** Parallelism. Default 1. */
  readonly p?: number;
}

const FORMAT = /^\$scrypt\$v=(\d+)\$n=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/;

function derive(
  plain: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  length: number,
): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(plain.normalize("NFC"), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

/**
 * Hashes a password for storage.
 *
 * @example
 * ```ts
 * const stored = await hashPassword("correct horse battery staple");
 * // "$scrypt$v=1$n=16384,r=8,p=1$...$..."
 * ```
 */
export async function hashPassword(plain: string, options: PasswordHashOptions = {}): Promise<string> {
  if (typeof plain !== "string") throw new TypeError("hashPassword expects a string");
  const n = options.n ?? 16384;
  const r = options.r ?? 8;
  const p = options.p ?? 1;
  if (!Number.isInteger(n) || n < 2 || (n & (n - 1)) !== 0)
    throw new RangeError("scrypt n must be a power of two");
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(plain, salt, n, r, p, KEY_LENGTH);
  return `${PREFIX}v=${VERSION}$n=${n},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

/**
 * True when `value` is a hash produced by {@link hashPassword} (used to never hash twice).
 *
 * @example
 * ```ts
 * isPasswordHash(await hashPassword("x")); // true
 * isPasswordHash("x");                     // false
 * ```
 */
export function isPasswordHash(value: unknown): value is string {
  return typeof value === "string" && FORMAT.test(value);
}

/**
 * Checks a candidate password against a stored hash in constant time. Returns `false` (never
 * throws) for a wrong password or a value that is not a registers password hash.
 *
 * @example
 * ```ts
 * if (!(await verifyPassword(body.password, user.password))) reply.code(401);
 * ```
 */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  if (typeof plain !== "string" || typeof stored !== "string") return false;
  const m = FORMAT.exec(stored);
  if (!m || Number(m[1]) !== VERSION) return false;
  const n = Number(m[2]);
  const r = Number(m[3]);
  const p = Number(m[4]);
  if ((n & (n - 1)) !== 0 || n > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(m[5], "base64url");
  const expected = Buffer.from(m[6], "base64url");
  if (expected.length < 16 || expected.length > 64) return false;
  const actual = await derive(plain, salt, n, r, p, expected.length);
  return timingSafeEqual(actual, expected);
}
