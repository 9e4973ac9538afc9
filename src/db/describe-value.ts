/**
 * Values as error messages show them (the value given, never its JSON stand-in: `NaN`, `1n`,
 * `Date(...)`), and the plain-object test criteria and data share. A leaf: it imports nothing.
 */

/**
 * Whether a value is a plain object (criteria, data), not an array, Date or class instance.
 *
 * @example
 * ```ts
 * isPlainObject({ a: 1 }); // true
 * isPlainObject(new Date()); // false
 * ```
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A value as messages show it: the value given, never its JSON stand-in (`NaN`, not `null`). */
export function describe(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint" || value instanceof Date) return shown(value);
  try {
    return (
      JSON.stringify(value, function (this: Record<string, unknown>, key) {
        // `this[key]`: the value before toJSON (a Date's own value, not its ISO string).
        const raw = this[key];
        if (typeof raw === "number") return Number.isFinite(raw) ? raw : shown(raw);
        return typeof raw === "bigint" || raw instanceof Date ? shown(raw) : raw;
      }) ?? String(value)
    );
  } catch {
    return String(value);
  }
}

function shown(value: number | bigint | Date): string {
  if (typeof value === "bigint") return `${value}n`;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? "Date(invalid)" : `Date(${value.toISOString()})`;
  return Object.is(value, -0) ? "-0" : String(value);
}
