/**
 * The one rule for value keys (`valueKey`), shared by relationship loading and bulk upserts: equal
 * numbers and bigints meet, strings never equal numbers, Dates meet by time.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { valueKey } from "../../src/db/value-key.js";

describe("valueKey", () => {
  it("merges equal numbers and bigints, keeps strings apart from numbers, keys Dates by time", () => {
    assert.equal(valueKey(1), valueKey(1n));
    assert.equal(valueKey(-7), valueKey(-7n));
    assert.notEqual(valueKey("1"), valueKey(1));
    assert.notEqual(valueKey("1"), valueKey(1n));
    assert.equal(valueKey(new Date(5)), valueKey(new Date(5)));
    assert.notEqual(valueKey(new Date(5)), valueKey(5));
    assert.equal(valueKey(1.5), 1.5);
    assert.equal(valueKey(true), true);
    assert.equal(valueKey(null), null);
  });

  it("two values share a key exactly when they are the same stored value (fast-check)", () => {
    const value = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.bigInt({ min: -1000n, max: 1000n }),
      fc.integer({ min: -1000, max: 1000 }).map(String),
      fc.integer({ min: 0, max: 1000 }).map((t) => new Date(t)),
    );
    const same = (a: unknown, b: unknown): boolean => {
      if (a instanceof Date || b instanceof Date) {
        return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
      }
      if (typeof a === "string" || typeof b === "string") return a === b;
      return BigInt(a as number) === BigInt(b as number);
    };
    fc.assert(fc.property(value, value, (a, b) => (valueKey(a) === valueKey(b)) === same(a, b)));
  });
});
