import assert from "node:assert/strict";
import { describe, it } from "node:test";
import fc from "fast-check";
import { hashPassword, isPasswordHash, verifyPassword } from "../../src/db/password.js";

// Low cost parameters keep the property runs fast; the format and compare are the same.
const cheap = { n: 1024 };

describe("password hashing", () => {
  it("uses a versioned, self-describing scrypt format with a random salt", async () => {
    const a = await hashPassword("hunter2");
    const b = await hashPassword("hunter2");
    assert.match(a, /^\$scrypt\$v=1\$n=16384,r=8,p=1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.notEqual(a, b, "two hashes of one password differ (random salt)");
    assert.ok(isPasswordHash(a));
    assert.ok(!a.includes("hunter2"));
  });

  it("verifies the right password and rejects a wrong one", async () => {
    const stored = await hashPassword("correct horse");
    assert.equal(await verifyPassword("correct horse", stored), true);
    assert.equal(await verifyPassword("correct horsE", stored), false);
    assert.equal(await verifyPassword("", stored), false);
  });

  it("rejects stored values that are not registers hashes, without throwing", async () => {
    for (const bad of [
      "",
      "plain",
      "$scrypt$v=2$n=1024,r=8,p=1$abc$def",
      "$scrypt$v=1$n=1000,r=8,p=1$YWJj$ZGVm",
    ]) {
      assert.equal(await verifyPassword("plain", bad), false);
      assert.equal(isPasswordHash("plain"), false);
    }
  });

  it("round-trips any unicode password and never stores the plain text (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", maxLength: 64 }),
        fc.string({ maxLength: 64 }),
        async (pw, other) => {
          const stored = await hashPassword(pw, cheap);
          assert.ok(isPasswordHash(stored));
          if (pw.length >= 4) assert.ok(!stored.includes(pw));
          assert.equal(await verifyPassword(pw, stored), true);
          if (other.normalize("NFC") !== pw.normalize("NFC"))
            assert.equal(await verifyPassword(other, stored), false);
        },
      ),
      { numRuns: 60 },
    );
  });
});
