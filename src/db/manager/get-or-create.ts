/**
 * `getOrCreate(criteria, defaults)` and `updateOrCreate(criteria, values)`: find the row matching
 * equality criteria, else create it from the criteria and the extra values, resolving a concurrent
 * creator through the database's unique constraints (the losing insert fails, then the winner's row
 * is read back). It works through the facade's own operations (`ManagerOps`), so validation,
 * hashing, hooks and errors are theirs. It may import the state, the transaction seam, errors and
 * describe-value.
 */
import { describe, isPlainObject } from "../describe-value.js";
import { DuplicateKeyError, InvalidQueryError, UniqueConstraintError } from "../errors.js";
import { transactionConnection } from "../transaction.js";
import type { ModelState } from "./state.js";

/**
 * What `getOrCreate` / `updateOrCreate` return: the instance, and whether this call created it.
 *
 * @example
 * ```ts
 * const { instance, created }: GetOrCreateResult<User> = await User.objects.getOrCreate({ email }, { name });
 * ```
 */
export interface GetOrCreateResult<T> {
  readonly instance: T;
  /** `true` when this call inserted the row; `false` when it existed (or a concurrent call created it). */
  readonly created: boolean;
}

/** The facade operations these forms are built from. */
export interface ManagerOps<T> {
  get(criteria: Record<string, unknown>, options?: { forUpdate?: boolean }): Promise<T | null>;
  create(data: Record<string, unknown>): Promise<T>;
  updateWhere(criteria: Record<string, unknown>, updates: Record<string, unknown>): Promise<T[]>;
  transaction<R>(fn: () => Promise<R>): Promise<R>;
}

/** Validated equality criteria and extra values (no operators, lists, logic; no field in both). */
function checked(
  s: ModelState,
  what: string,
  criteria: unknown,
  extra: unknown,
  extraName: string,
): { criteria: Record<string, unknown>; extra: Record<string, unknown> } {
  if (!isPlainObject(criteria) || Object.keys(criteria).length === 0) {
    throw new InvalidQueryError(
      `${what} takes non-empty criteria of field values, e.g. { email: "ann@example.com" }, got ${describe(criteria)}`,
    );
  }
  for (const name in criteria) {
    const field = s.fields.get(name);
    const value = criteria[name];
    if (field === undefined) {
      throw new InvalidQueryError(
        `${what}: "${name}" is not a field of ${s.model.name}; its criteria are field values (they also fill the created row); fields: ${s.columns.join(", ")}`,
      );
    }
    if (value === undefined || (field.kind !== "json" && (Array.isArray(value) || isPlainObject(value)))) {
      throw new InvalidQueryError(
        `${what}: "${name}" must be a value (the created row takes it), got ${describe(value)}: operators, lists and undefined cannot fill a row`,
      );
    }
  }
  if (extra === undefined) return { criteria, extra: {} };
  if (!isPlainObject(extra))
    throw new InvalidQueryError(`${what}: ${extraName} must be an object, got ${describe(extra)}`);
  for (const name in extra) {
    if (Object.hasOwn(criteria, name)) {
      throw new InvalidQueryError(
        `${what}: "${name}" is both in the criteria and in ${extraName}: give it once (criteria find the row and fill a created one)`,
      );
    }
  }
  return { criteria, extra };
}

/** A unique or key collision: a concurrent call created the row first (or another unique field collided). */
function isCollision(error: unknown): boolean {
  return error instanceof UniqueConstraintError || error instanceof DuplicateKeyError;
}

/**
 * Creates `data`; inside an ambient transaction, in a savepoint, so a collision leaves the
 * transaction usable (PostgreSQL aborts a transaction on a failed statement).
 */
function createIsolated<T>(s: ModelState, ops: ManagerOps<T>, data: Record<string, unknown>): Promise<T> {
  return transactionConnection(s.engine) === undefined
    ? ops.create(data)
    : ops.transaction(() => ops.create(data));
}

/** Reads the row again after a collision: a locking read inside a transaction (it sees the latest commit). */
function reread<T>(s: ModelState, ops: ManagerOps<T>, criteria: Record<string, unknown>): Promise<T | null> {
  return transactionConnection(s.engine) === undefined
    ? ops.get(criteria)
    : ops.get(criteria, { forUpdate: true });
}

/** `getOrCreate(criteria, defaults)`. */
export async function getOrCreate<T>(
  s: ModelState,
  ops: ManagerOps<T>,
  criteria: unknown,
  defaults: unknown,
): Promise<GetOrCreateResult<T>> {
  const given = checked(s, "getOrCreate()", criteria, defaults, "defaults");
  const found = await ops.get(given.criteria);
  if (found !== null) return { instance: found, created: false };
  try {
    return { instance: await createIsolated(s, ops, { ...given.criteria, ...given.extra }), created: true };
  } catch (error) {
    if (!isCollision(error)) throw error;
    const winner = await reread(s, ops, given.criteria);
    if (winner === null) throw error;
    return { instance: winner, created: false };
  }
}

/** `updateOrCreate(criteria, values)`. */
export async function updateOrCreate<T>(
  s: ModelState,
  ops: ManagerOps<T>,
  criteria: unknown,
  values: unknown,
): Promise<GetOrCreateResult<T>> {
  const given = checked(s, "updateOrCreate()", criteria, values, "values");
  if (Object.keys(given.extra).length === 0) return await getOrCreate(s, ops, given.criteria, undefined);
  // One UPDATE (atomic per row) first; no lock is held on an absent row, so two callers never deadlock.
  const updated = await ops.updateWhere(given.criteria, given.extra);
  if (updated.length > 0) return { instance: updated[0], created: false };
  try {
    return { instance: await createIsolated(s, ops, { ...given.criteria, ...given.extra }), created: true };
  } catch (error) {
    if (!isCollision(error)) throw error;
    const again = await ops.updateWhere(given.criteria, given.extra);
    if (again.length === 0) throw error;
    return { instance: again[0], created: false };
  }
}
