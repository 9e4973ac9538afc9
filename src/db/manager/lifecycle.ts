/**
 * The opt-in write lifecycle of a model: hooks (before/after create, update, delete), `createdAt` /
 * `updatedAt` timestamps, the soft-delete field and the key generator, resolved once at
 * registration into a `Lifecycle` (or `null`, so a plain model's writes never look further). Also
 * the pieces every write path shares: stamping values and running a hook. It may import errors,
 * keys, the transaction seam and zod-to-columns types.
 */
import { isPlainObject } from "../criteria.js";
import type { Engine } from "../engine.js";
import { ConfigurationError, HookRefusedError, InvalidQueryError, RegistryError } from "../errors.js";
import { resolveKeyGenerator } from "../keys.js";
import { runTransaction } from "../transaction.js";
import type { FieldInfo } from "../zod-to-columns.js";

/** What the write helpers below need of a model's state (`ModelState` has it; no import circle). */
interface Host {
  readonly model: { readonly name: string };
  readonly engine: Engine;
  readonly keyField: string;
  readonly lifecycle: Lifecycle | null;
}

/**
 * The data fields of an instance type: what hooks receive as values (no methods, no relationship
 * accessors).
 *
 * @example
 * ```ts
 * type F = FieldsOf<User>; // { id: number | null; name: string; ... }
 * ```
 */
export type FieldsOf<T> = {
  -readonly [K in keyof T as T[K] extends (...args: never[]) => unknown
    ? never
    : T[K] extends PromiseLike<unknown>
      ? never
      : K]: T[K];
};

/**
 * What a hook may return: nothing, or a Promise of nothing.
 *
 * @example
 * ```ts
 * const audit = async (): HookResult => { await Audit.objects.create({ what: "x" }); };
 * ```
 */
export type HookResult = void | Promise<void>;

/**
 * Lifecycle hooks of a model (registry option `hooks`), sync or async. They run inside the same
 * transaction as the write (a savepoint inside an enclosing one): a hook that throws refuses the
 * write, rolls it back with every hook's writes, and rejects with its `RegistryError`, or a
 * `HookRefusedError` wrapping anything else. `before*` hooks may change the values to write (they
 * are validated again). They run on `create`, `createWith`, `save` and `delete` (and instance
 * `save()`/`delete()`); set-based writes (`bulkCreate`, `bulkUpsert`, `upsert`, `updateWhere`,
 * `deleteWhere`) run no per-row hooks.
 *
 * @example
 * ```ts
 * const hooks: ModelHooks<User> = {
 *   beforeCreate(values) { values.email = values.email.toLowerCase(); },
 *   async afterDelete(user) { await AuditLog.objects.create({ what: `deleted ${user.id}` }); },
 * };
 * ```
 */
export interface ModelHooks<T = Record<string, unknown>> {
  /** Before the INSERT, with the validated values (change them in place). */
  beforeCreate?(values: FieldsOf<T>): HookResult;
  /** After the INSERT, with the created instance (its key set). */
  afterCreate?(instance: T): HookResult;
  /** Before the UPDATE of `save()`, with every value of the row as it will be written. */
  beforeUpdate?(values: FieldsOf<T>): HookResult;
  /** After the UPDATE, with the saved instance. */
  afterUpdate?(instance: T): HookResult;
  /** Before the DELETE (or soft delete), with the row as stored. */
  beforeDelete?(instance: T): HookResult;
  /** After the DELETE (or soft delete), with the row as it was. */
  afterDelete?(instance: T): HookResult;
}

/** The names of `ModelHooks`. */
const HOOK_NAMES = [
  "beforeCreate",
  "afterCreate",
  "beforeUpdate",
  "afterUpdate",
  "beforeDelete",
  "afterDelete",
] as const;

/** A hook name. */
export type HookName = (typeof HOOK_NAMES)[number];

/**
 * `timestamps` option: `true` for `createdAt` and `updatedAt`, or other field names (`false` leaves
 * one out).
 *
 * @example
 * ```ts
 * const option: TimestampsOption = { createdAt: "created_at", updatedAt: false };
 * ```
 */
export type TimestampsOption =
  | boolean
  | { readonly createdAt?: string | false; readonly updatedAt?: string | false };

/**
 * `softDelete` option: `true` for a `deletedAt` field, or `{ field }` for another name.
 *
 * @example
 * ```ts
 * const option: SoftDeleteOption = { field: "removed_at" };
 * ```
 */
export type SoftDeleteOption = boolean | { readonly field: string };

/** The lifecycle options of `RegistryOptions`. */
export interface LifecycleOptions<T = Record<string, unknown>> {
  readonly hooks?: ModelHooks<T>;
  readonly timestamps?: TimestampsOption;
  readonly acceptTimestamps?: boolean;
  readonly softDelete?: SoftDeleteOption;
  readonly keyGenerator?: "uuidv4" | "uuidv7";
}

/** A model's resolved lifecycle. */
export interface Lifecycle {
  readonly hooks: ModelHooks<unknown> | null;
  readonly createdAt: string | null;
  readonly updatedAt: string | null;
  /** Keep timestamps given in callers' data (imports); default: registers sets them. */
  readonly acceptTimestamps: boolean;
  /** The soft-delete field, or `null`. */
  readonly deletedAt: string | null;
  readonly keyGenerator: (() => string) | null;
  /** Fields an upsert's conflict branch never overwrites (`createdAt`). */
  readonly insertOnly: ReadonlySet<string>;
}

/**
 * Checks the lifecycle options against the model's fields: `null` when none is used (the plain,
 * fastest write path). `ConfigurationError` names the field and what to declare.
 */
export function resolveLifecycle(
  model: string,
  fields: readonly FieldInfo[],
  key: FieldInfo,
  managedKey: boolean,
  options: LifecycleOptions<never>,
): Lifecycle | null {
  const hooks = resolveHooks(model, options.hooks);
  const stamps = resolveTimestamps(model, fields, options.timestamps);
  const deletedAt = resolveSoftDelete(model, fields, options.softDelete);
  const keyGenerator = resolveKeyGenerator(model, options.keyGenerator, key, managedKey);
  if (options.acceptTimestamps !== undefined && typeof options.acceptTimestamps !== "boolean") {
    throw new ConfigurationError(`${model}: acceptTimestamps must be true or false`);
  }
  if (hooks === null && stamps === null && deletedAt === null && keyGenerator === null) return null;
  for (const name of [stamps?.createdAt, stamps?.updatedAt, deletedAt]) {
    if (name === key.name) throw new ConfigurationError(`${model}: the key "${name}" cannot be a timestamp`);
  }
  return {
    hooks,
    createdAt: stamps?.createdAt ?? null,
    updatedAt: stamps?.updatedAt ?? null,
    acceptTimestamps: options.acceptTimestamps === true,
    deletedAt,
    keyGenerator,
    insertOnly: new Set(stamps?.createdAt ? [stamps.createdAt] : []),
  };
}

function resolveHooks(model: string, hooks: unknown): ModelHooks<unknown> | null {
  if (hooks === undefined) return null;
  if (typeof hooks !== "object" || hooks === null) {
    throw new ConfigurationError(`${model}: hooks must be an object like { beforeCreate(values) { ... } }`);
  }
  const out: Record<string, unknown> = {};
  for (const name of Object.keys(hooks)) {
    const hook = (hooks as Record<string, unknown>)[name];
    if (!(HOOK_NAMES as readonly string[]).includes(name) || typeof hook !== "function") {
      throw new ConfigurationError(
        `${model}: hooks.${name} is not a hook function; hooks: ${HOOK_NAMES.join(", ")}`,
      );
    }
    out[name] = hook;
  }
  return Object.keys(out).length === 0 ? null : (out as ModelHooks<unknown>);
}

/** A date field registers may write: it exists, is a date, and callers may leave it out. */
function dateField(model: string, fields: readonly FieldInfo[], name: unknown, option: string): string {
  const field = fields.find((f) => f.name === name);
  if (typeof name !== "string" || field === undefined || field.kind !== "date") {
    throw new ConfigurationError(
      `${model}: ${option} needs a date field "${String(name)}": declare ${String(name)}: z.date().default(() => new Date())`,
    );
  }
  return name;
}

function resolveTimestamps(
  model: string,
  fields: readonly FieldInfo[],
  option: unknown,
): { createdAt: string | null; updatedAt: string | null } | null {
  if (option === undefined || option === false) return null;
  if (option !== true && !isPlainObject(option)) {
    throw new ConfigurationError(`${model}: timestamps must be true, false or { createdAt, updatedAt }`);
  }
  const names = option === true ? {} : option;
  const pick = (which: "createdAt" | "updatedAt"): string | null => {
    const name = names[which] ?? which;
    if (name === false) return null;
    const field = dateField(model, fields, name, `timestamps.${which}`);
    const info = fields.find((f) => f.name === field) as FieldInfo;
    if (!info.hasDefault && !info.optional) {
      throw new ConfigurationError(
        `${model}: the timestamp "${field}" is set by registers, so callers must be able to leave it out: declare ${field}: z.date().default(() => new Date())`,
      );
    }
    return field;
  };
  const createdAt = pick("createdAt");
  const updatedAt = pick("updatedAt");
  if (createdAt !== null && createdAt === updatedAt) {
    throw new ConfigurationError(`${model}: timestamps.createdAt and updatedAt must be different fields`);
  }
  return createdAt === null && updatedAt === null ? null : { createdAt, updatedAt };
}

function resolveSoftDelete(model: string, fields: readonly FieldInfo[], option: unknown): string | null {
  if (option === undefined || option === false) return null;
  const name = option === true ? "deletedAt" : isPlainObject(option) ? option.field : undefined;
  if (name === undefined) {
    throw new ConfigurationError(`${model}: softDelete must be true, false or { field: "deletedAt" }`);
  }
  const field = dateField(model, fields, name, "softDelete");
  if (!fields.find((f) => f.name === field)?.nullable) {
    throw new ConfigurationError(
      `${model}: the soft-delete field "${field}" must accept null (live rows): declare ${field}: z.date().nullable().default(null)`,
    );
  }
  return field;
}

/** Fills a missing key from `keyGenerator` (before validation); other data as it is. */
export function withGeneratedKey(s: Host, data: unknown): unknown {
  const generate = s.lifecycle?.keyGenerator;
  if (generate == null || !isPlainObject(data) || data[s.keyField] != null) return data;
  return { ...data, [s.keyField]: generate() };
}

/** Sets what registers owns on a row about to be inserted: timestamps and a live soft-delete field. */
export function stampCreate(s: Host, values: Record<string, unknown>, now: Date = new Date()): void {
  const lc = s.lifecycle;
  if (lc === null) return;
  for (const name of [lc.createdAt, lc.updatedAt]) {
    if (name !== null && !(lc.acceptTimestamps && values[name] instanceof Date)) values[name] = now;
  }
  if (lc.deletedAt !== null) values[lc.deletedAt] = null;
}

/**
 * The assignments of `updateWhere` with `updatedAt` set to now. Timestamps given by the caller are an
 * `InvalidQueryError` unless `acceptTimestamps`.
 */
export function stampUpdates(s: Host, updates: unknown): unknown {
  const lc = s.lifecycle;
  if (lc === null || !isPlainObject(updates) || Object.keys(updates).length === 0) return updates;
  if (!lc.acceptTimestamps) {
    for (const name of [lc.createdAt, lc.updatedAt]) {
      if (name !== null && Object.hasOwn(updates, name)) {
        throw new InvalidQueryError(
          `${s.model.name}.${name} is set by registers: leave it out of updateWhere() (or register with acceptTimestamps: true)`,
        );
      }
    }
  }
  if (lc.updatedAt === null || (lc.acceptTimestamps && updates[lc.updatedAt] !== undefined)) return updates;
  return { ...updates, [lc.updatedAt]: new Date() };
}

/** Runs one hook if the model has it; anything but a `RegistryError` becomes a `HookRefusedError`. */
export async function runHook(s: Host, name: HookName, arg: unknown): Promise<void> {
  const hook = s.lifecycle?.hooks?.[name] as ((value: unknown) => HookResult) | undefined;
  if (hook === undefined) return;
  try {
    await hook.call(s.lifecycle?.hooks, arg);
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new HookRefusedError(`${s.model.name}.${name} refused the write: ${message}`, { cause: error });
  }
}

/** Whether the model has any of these hooks. */
export function hasHooks(s: Host, ...names: HookName[]): boolean {
  const hooks = s.lifecycle?.hooks;
  return hooks != null && names.some((name) => hooks[name] !== undefined);
}

/** Runs `fn` in a transaction (a savepoint inside one) when the model has hooks, else directly. */
export function atomically<R>(s: Host, fn: () => Promise<R>, hooked: boolean): Promise<R> {
  return hooked ? runTransaction(s.engine, fn) : fn();
}
