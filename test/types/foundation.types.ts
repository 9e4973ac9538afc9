import { type Equal, expectType } from "./_assert.js";

// Sanity check of the assertion helper itself: a wrong assertion must not compile.
expectType<Equal<string, string>>(true);
// @ts-expect-error string is not number
expectType<Equal<string, number>>(true);
