/**
 * Rows read back and instances built: decoding stored values per column kind, validating a row
 * with the model's schema, building instances with their persisted key and dirty-tracking
 * snapshot, and plain data from an instance. It may import model-base, the row plan, the state's
 * type and the value helpers.
 */
import type { z } from "zod";
import type { Row, Statement } from "../dialect/dialect.js";
import { hydrate, validationError } from "../model-base.js";
import type { FieldInfo } from "../zod-to-columns.js";
import { planOf, type RowPlan } from "./row-plan.js";
import type { ModelState } from "./state.js";
import { frozenValue } from "./values.js";

/** A stored value as the model holds it (rows read back, `values()`, conflict keys). */
export function decodeValue(s: ModelState, field: FieldInfo, value: unknown): unknown {
  if (value === null || value === undefined) return field.optional && !field.nullable ? undefined : null;
  // A JS number in a number column needs no decoding on any dialect: skip the call.
  if (typeof value === "number" && (field.kind === "integer" || field.kind === "float")) return value;
  return s.d.decode(field.kind, value);
}

/** A row read back: decoded per column kind, validated by the schema, as an instance. */
export function hydrateRow<T extends object>(s: ModelState<T>, row: Row, plan: RowPlan = planOf(s)): T {
  plan.decode(row); // decodeValue per field, unrolled
  return decodedInstance(s, row, plan);
}

/**
 * The first row of a statement as an instance (or `null`), read as an array of column values when
 * the driver and the model allow it (no object per row: better-sqlite3's raw mode), else
 * `undefined`: the caller then reads it as an object (`firstRow`, `hydrateRow`).
 */
export function firstInstanceOf<T extends object>(
  s: ModelState<T>,
  statement: Statement,
  params: readonly unknown[],
): T | null | undefined {
  const getArray = (statement as { getArray?: (params: readonly unknown[]) => unknown[] | undefined | null })
    .getArray;
  if (getArray === undefined) return undefined;
  const plan = planOf(s);
  if (plan.array === null) return undefined;
  const values = getArray.call(statement, params);
  if (values === null) return undefined;
  if (values === undefined) return null;
  const instance = plan.array(values);
  if (instance !== undefined) return instance as T;
  // not proven by the compiled check: the object way (already decoded), with Zod and its errors
  return fromValues(s, values, plan);
}

/** Every row of a statement as instances, read as arrays when allowed, else `undefined` (see `firstInstanceOf`). */
export function allInstancesOf<T extends object>(
  s: ModelState<T>,
  statement: Statement,
  params: readonly unknown[],
): T[] | undefined {
  const allArrays = (statement as { allArrays?: (params: readonly unknown[]) => unknown[][] | null })
    .allArrays;
  if (allArrays === undefined) return undefined;
  const plan = planOf(s);
  const array = plan.array;
  if (array === null) return undefined;
  const rows = allArrays.call(statement, params);
  if (rows === null) return undefined;
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i];
    const instance = array(values);
    out[i] = instance === undefined ? fromValues(s, values, plan) : (instance as T);
  }
  return out;
}

/** A row given as decoded column values, through the object way (the compiled check, else Zod). */
function fromValues<T extends object>(s: ModelState<T>, values: readonly unknown[], plan: RowPlan): T {
  const row: Row = {};
  for (let i = 0; i < s.columns.length; i++) row[s.columns[i]] = values[i];
  return decodedInstance(s, row, plan);
}

/** A decoded row validated by the schema (the compiled check, else Zod), as an instance. */
function decodedInstance<T extends object>(s: ModelState<T>, row: Row, plan: RowPlan): T {
  let data: Record<string, unknown>;
  if (plan.check?.(row)) {
    data = row; // already what the schema outputs: the parse would return an equal copy
  } else {
    try {
      data = s.schema.parse(row) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof Error) || !("issues" in error)) throw error;
      throw validationError(
        s.model.name,
        error as z.ZodError,
        `a row read back from "${s.tableName}" breaks the model`,
      );
    }
  }
  return instanceOf(s, data, data[s.keyField], plan);
}

/** Every row read back as an instance. */
export function hydrateRows<T extends object>(s: ModelState<T>, rows: Row[]): T[] {
  const plan = planOf(s);
  const out = new Array<T>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = hydrateRow(s, rows[i], plan);
  return out;
}

/** An instance of validated, stored values (not mutated afterwards: they are its dirty-tracking snapshot). */
export function instanceOf<T extends object>(
  s: ModelState<T>,
  values: Record<string, unknown>,
  key: unknown,
  plan: RowPlan = planOf(s),
): T {
  const loaded = plan.loaded;
  if (loaded === null) return hydrate(s.model, values, key, s.assign, snapshotOf(s, values));
  return loaded.make(values, snapshotOf(s, values), key) as T;
}

/**
 * The snapshot `save()` compares against: the values themselves, except that Dates and JSON values
 * (mutable in place) are kept as their time and their JSON text.
 */
export function snapshotOf(s: ModelState, values: Record<string, unknown>): Record<string, unknown> {
  const mutable = s.mutable;
  if (mutable.length === 0) return values;
  const snapshot = { ...values };
  for (const field of mutable) snapshot[field.name] = frozenValue(field, values[field.name]);
  return snapshot;
}

/** Data from an instance (its fields) or a plain object as it is. */
export function plainData(s: ModelState, data: unknown): unknown {
  if (data instanceof s.model) {
    const out: Record<string, unknown> = {};
    for (const name of s.columns) out[name] = (data as Record<string, unknown>)[name];
    return out;
  }
  return data;
}

/** The first row of a statement, through its one-row path when the driver has one. */
export function firstRow(
  statement: Statement,
  params: readonly unknown[],
): Row | undefined | Promise<Row | undefined> {
  if (statement.get !== undefined) return statement.get(params);
  const rows = statement.all(params);
  return rows instanceof Promise ? rows.then((r) => r[0]) : rows[0];
}
