/**
 * One rule for turning stored values into Map keys, used wherever registers/db groups or matches
 * rows by value (relations joining owners to targets, bulk upserts keeping conflict values apart).
 * A leaf: it imports nothing.
 */

/**
 * The Map key of a value: numbers and bigints that are equal are one key (`1` and `1n`: a foreign
 * key read as a number matches a bigint key), strings never equal numbers (`"1"` is not `1`), Dates
 * are keyed by their time, anything else by itself.
 *
 * @example
 * ```ts
 * valueKey(1) === valueKey(1n); // true
 * valueKey("1") === valueKey(1); // false
 * valueKey(new Date(0)) === valueKey(new Date(0)); // true
 * ```
 */
export function valueKey(value: unknown): unknown {
  switch (typeof value) {
    case "string":
      return `s${value}`;
    case "bigint":
      return `n${value}`;
    case "number":
      return Number.isInteger(value) ? `n${value}` : value;
    default:
      return value instanceof Date ? `d${value.getTime()}` : value;
  }
}
