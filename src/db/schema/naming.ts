/**
 * Names of the indexes and constraints registers creates: `<table>_<fields>_idx` (index),
 * `<table>_<fields>_key` (unique), `<table>_<fields>_fkey` (foreign key), as PostgreSQL names its
 * own; shortened with a hash past 63 bytes (PostgreSQL's limit, under MySQL's 64). It imports
 * nothing of registers.
 */
import { createHash } from "node:crypto";

const MAX_BYTES = 63;

function shorten(name: string, suffix: string): string {
  const full = `${name}_${suffix}`;
  if (Buffer.byteLength(full) <= MAX_BYTES) return full;
  const hash = createHash("sha1").update(full).digest("hex").slice(0, 10);
  return `${name.slice(0, 24)}_${hash}_${suffix}`;
}

/**
 * The default name of an index on `fields` of `table`.
 *
 * @example
 * ```ts
 * indexName("people", ["last_name", "first_name"], false); // "people_last_name_first_name_idx"
 * ```
 */
export function indexName(table: string, fields: readonly string[], unique: boolean): string {
  return shorten(`${table}_${fields.join("_")}`, unique ? "key" : "idx");
}

/**
 * The name of the foreign key on `fields` of `table`.
 *
 * @example
 * ```ts
 * foreignKeyName("orders", ["user_id"]); // "orders_user_id_fkey"
 * ```
 */
export function foreignKeyName(table: string, fields: readonly string[]): string {
  return shorten(`${table}_${fields.join("_")}`, "fkey");
}

/**
 * The name of a `uniqueFields` constraint as each dialect's `createTable` names it (MySQL keys are
 * per table: `<field>_key`).
 *
 * @example
 * ```ts
 * uniqueConstraintName("postgres", "users", "email"); // "users_email_key"
 * ```
 */
export function uniqueConstraintName(
  dialect: "sqlite" | "postgres" | "mysql",
  table: string,
  field: string,
): string {
  if (dialect === "mysql") {
    const name = `${field}_key`;
    return name.length <= 64
      ? name
      : `${field.slice(0, 40)}_${createHash("sha1").update(field).digest("hex").slice(0, 10)}_key`;
  }
  if (dialect === "postgres") {
    const name = `${table}_${field}_key`;
    if (Buffer.byteLength(name) <= MAX_BYTES) return name;
    return `${table.slice(0, 24)}_${createHash("sha1").update(name).digest("hex").slice(0, 10)}_key`;
  }
  return `${table}_${field}_key`;
}
