/**
 * A criteria list (`in` / `notIn`) as ONE bound parameter of JSON text, for the databases without
 * array parameters: SQLite reads it with `json_each(?)`, MySQL/MariaDB with `JSON_TABLE(?, ...)`.
 * One parameter keeps a list of any length under the database's parameter limit, and keeps the SQL
 * text (and so the statement cache entry) the same whatever the list's length.
 */

const LONE_SURROGATE = /\p{Cs}/gu;
const EXACT_INTEGERS = 2 ** 53;

/**
 * Encoded scalar values (numbers, bigints, strings) as a JSON array that both databases read back
 * exactly: bigints as their digits; a float that is an integer past 2^53 in exponent form (written as
 * digits, it would be read as a 64-bit integer that differs from the float); lone UTF-16 surrogates as
 * U+FFFD, as the drivers encode a bound string.
 *
 * @example
 * ```ts
 * jsonList([1, 2n ** 62n, "o'brien", 2 ** 60]); // '[1,4611686018427387904,"o\'brien",1.152921504606847e+18]'
 * ```
 */
export function jsonList(values: readonly unknown[]): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value === "number") {
      parts[i] =
        Number.isInteger(value) && Math.abs(value) >= EXACT_INTEGERS ? value.toExponential() : String(value);
    } else if (typeof value === "bigint") {
      parts[i] = value.toString();
    } else {
      parts[i] = JSON.stringify(String(value).replace(LONE_SURROGATE, "\uFFFD"));
    }
  }
  return `[${parts.join(",")}]`;
}
