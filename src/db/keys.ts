/**
 * Generated keys beyond integers: the UUID generators registers uses for `keyGenerator` (v4 from
 * `crypto.randomUUID`, v7 from the `uuid` package, loaded on first use, whose v7 is maintained and
 * monotonic within a millisecond), usable as Zod defaults (`z.uuid().default(uuidv7)`), and the check that refuses
 * composite primary keys at registration. It may import errors and zod-to-columns.
 */
import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import { ConfigurationError } from "./errors.js";
import type { FieldInfo } from "./zod-to-columns.js";

/**
 * The key generators `keyGenerator` names.
 *
 * @example
 * ```ts
 * const generator: KeyGeneratorName = "uuidv7";
 * ```
 */
export type KeyGeneratorName = "uuidv4" | "uuidv7";

/**
 * A random (version 4) UUID. As a Zod default it makes the key optional on `create()`.
 *
 * @example
 * ```ts
 * class Session extends Model({ id: z.uuid().default(uuidv4), user: z.string() }) {}
 * ```
 */
export function uuidv4(): string {
  return randomUUID();
}

/**
 * A time-ordered (version 7) UUID: later keys sort after earlier ones, so inserts append to the
 * primary key's index instead of scattering over it. As a Zod default it makes the key optional.
 *
 * @example
 * ```ts
 * class Event extends Model({ id: z.uuid().default(uuidv7), kind: z.string() }) {}
 * ```
 */
export function uuidv7(): string {
  v7 ??= (createRequire(import.meta.url)("uuid") as typeof import("uuid")).v7;
  return v7();
}

/**
 * The `uuid` package's v7, loaded on the first call: importing registers/db does not pay the
 * package's load time (tens of milliseconds on a busy machine). `require` of this ES module works on
 * every supported Node line (20.19+, 22.12+, 24+).
 */
let v7: (() => string) | undefined;

const GENERATORS: Record<KeyGeneratorName, () => string> = { uuidv4, uuidv7 };

/**
 * The generator of a `keyGenerator` option, checked against the key field (a uuid or string field
 * that is not database-managed); `null` without the option.
 */
export function resolveKeyGenerator(
  model: string,
  option: unknown,
  key: FieldInfo,
  managedKey: boolean,
): (() => string) | null {
  if (option === undefined) return null;
  if (typeof option !== "string" || !Object.hasOwn(GENERATORS, option)) {
    throw new ConfigurationError(
      `${model}: keyGenerator must be "uuidv4" or "uuidv7", got ${JSON.stringify(option) ?? String(option)}`,
    );
  }
  if ((key.kind !== "uuid" && key.kind !== "string") || managedKey) {
    throw new ConfigurationError(
      `${model}: keyGenerator "${option}" needs a uuid key that is not database-managed: declare ${key.name}: z.uuid()`,
    );
  }
  return GENERATORS[option as KeyGeneratorName];
}

/**
 * Refuses a composite primary key (`keyField: ["tenantId", "id"]`) with a `ConfigurationError`: every
 * key path of registers (get/require/delete by one value, dirty tracking, relationships, cursors,
 * bulk key reporting) binds one value, and a partial implementation would be unsafe. Use one
 * generated key (`uuidv7`) and keep the pair unique instead.
 */
export function refuseCompositeKey(model: string, keyField: unknown): void {
  if (!Array.isArray(keyField)) return;
  throw new ConfigurationError(
    `${model}: composite primary keys (keyField: [${keyField.map((k) => JSON.stringify(k)).join(", ")}]) are not supported: ` +
      'give the model one key field (for example id: z.uuid().default(uuidv7), or keyGenerator: "uuidv7") and make the pair unique',
  );
}
