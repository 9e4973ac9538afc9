/**
 * Compile-time assertions. `tsc -p tsconfig.json` (part of `npm test`) fails when one is wrong.
 * @example
 * ```ts
 * expectType<Equal<ReturnType<typeof f>, string>>(true);
 * ```
 */
export type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
export function expectType<T extends true>(_ok: T): void {}
