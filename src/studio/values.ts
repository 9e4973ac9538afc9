/**
 * Values between the page and the manager. The page speaks JSON: dates travel as ISO 8601 text and
 * bigints as decimal text; the manager wants `Date` and `bigint`. Records going out lose their
 * hidden fields (hashed, `writeOnly`); data and criteria coming in are turned back into the
 * model's types, and anything the page must not write (hidden fields, unknown names) is refused
 * here with a `ValidationError` naming the field, so the form can show it next to that field.
 */
import { InvalidQueryError, isPasswordHash, ValidationError } from "../db/index.js";
import type { StudioField, StudioModel } from "./describe-model.js";

/** A record as the page receives it: visible fields only, dates and bigints as text. */
export function toPageRecord(model: StudioModel, instance: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const source = instance as Record<string, unknown>;
  for (const field of model.fields) {
    if (field.hidden) continue;
    const value = source[field.name];
    if (value instanceof Date) out[field.name] = value.toISOString();
    else if (typeof value === "bigint") out[field.name] = value.toString();
    else out[field.name] = value === undefined ? null : value;
  }
  return out;
}

/** One value from the page in the field's type; left as it is when it does not convert (the schema then says why). */
function fromPageValue(field: StudioField, value: unknown): unknown {
  if (value === null) return null;
  if (field.kind === "date" && typeof value === "string") {
    const date = new Date(value);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  if (field.kind === "bigint" && (typeof value === "string" || typeof value === "number")) {
    try {
      return BigInt(value);
    } catch {
      return value;
    }
  }
  return value;
}

function fieldNamed(model: StudioModel, name: string): StudioField | undefined {
  return model.fields.find((f) => f.name === name);
}

/**
 * The fields of a create or edit form, in the model's types. A hidden field is refused unless it is
 * a hashed field on create (a new user needs a password; it is hashed by the manager on write).
 */
export function fromPageData(
  model: StudioModel,
  data: unknown,
  operation: "create" | "update",
): Record<string, unknown> {
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ValidationError(`${model.name}: the data must be an object of fields`, [
      { path: [], message: "expected an object of fields", code: "invalid_type" },
    ]);
  }
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    const field = fieldNamed(model, name);
    const writable = field !== undefined && (!field.hidden || (field.hashed && operation === "create"));
    if (!writable) {
      const why = field === undefined ? `unknown field "${name}"` : `"${name}" cannot be written here`;
      throw new ValidationError(`${model.name}: ${why}`, [
        { path: [name], message: why, code: "unrecognized_keys" },
      ]);
    }
    if (field.hashed) refuseHash(model, name, value);
    out[name] = fromPageValue(field, value);
  }
  return out;
}

/**
 * Refuses a ready-made password hash for a hashed field: it would set a password the sender knows
 * while skipping the field's own rules (the same rule as registers/fastify's `crudRoutes`).
 */
export function refuseHash(model: StudioModel, name: string, value: unknown): void {
  if (typeof value === "string" && isPasswordHash(value)) {
    const message = "a password hash is not accepted here: type the password, it is hashed on write";
    throw new ValidationError(`${model.name}: ${name}: ${message}`, [
      { path: [name], message, code: "custom" },
    ]);
  }
}

const LOGICAL = new Set(["or", "and", "not"]);

/**
 * Criteria from the filter form (`{ price: { gte: 10 }, status: { in: ["paid"] } }`, with `or` /
 * `and` / `not`), values in the fields' types. Hidden fields cannot be filtered on: a hash must not
 * be probed through criteria.
 */
export function fromPageCriteria(model: StudioModel, where: unknown): Record<string, unknown> {
  if (typeof where !== "object" || where === null || Array.isArray(where)) {
    throw new InvalidQueryError("where must be an object of criteria");
  }
  const out: Record<string, unknown> = {};
  for (const [name, criterion] of Object.entries(where)) {
    if (LOGICAL.has(name)) {
      out[name] = Array.isArray(criterion)
        ? criterion.map((c) => fromPageCriteria(model, c))
        : fromPageCriteria(model, criterion);
      continue;
    }
    const field = fieldNamed(model, name);
    if (field === undefined || field.hidden) {
      throw new InvalidQueryError(`${model.name} cannot be filtered on "${name}"`);
    }
    out[name] = convertCriterion(field, criterion);
  }
  return out;
}

function convertCriterion(field: StudioField, criterion: unknown): unknown {
  if (Array.isArray(criterion)) return criterion.map((v) => fromPageValue(field, v));
  if (typeof criterion !== "object" || criterion === null) return fromPageValue(field, criterion);
  const out: Record<string, unknown> = {};
  for (const [op, value] of Object.entries(criterion)) {
    if (op === "isNull" || PATTERN_OPS.has(op)) out[op] = value;
    else
      out[op] = Array.isArray(value)
        ? value.map((v) => fromPageValue(field, v))
        : fromPageValue(field, value);
  }
  return out;
}

const PATTERN_OPS = new Set(["like", "ilike", "contains", "startsWith", "endsWith"]);
