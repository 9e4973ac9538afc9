// Type-level tests of the scale-out API: the `replicas` option, `useReplicas`, `usePrimary`,
// `Model.objects.primary`, transaction options (isolation levels, retries, onRetry) and
// `SerializationError.retryable`. Compiled by `tsc -p tsconfig.json` (part of `npm test`); nothing
// here runs.
import { z } from "zod";
import {
  databaseRegistry,
  type IsolationLevel,
  Model,
  type QueryEvent,
  SerializationError,
  type TransactionOptions,
  usePrimary,
  useReplicas,
} from "../../src/db/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry("postgres://app@primary/shop", {
  tableName: "t_accounts",
  replicas: { urls: ["postgres://app@replica1/shop"], cooldownMs: 1_000, primaryAfterWriteMs: 0 },
})
class Account extends Model({ id: z.int().nullable().default(null), balance: z.int() }) {}

databaseRegistry("postgres://app@primary/other", { replicas: ["postgres://app@replica1/other"] });
// @ts-expect-error replicas are URLs
databaseRegistry("postgres://app@primary/other2", { replicas: [5432] });
useReplicas("mysql://root@node1/shop", ["mysql://root@node2/shop"]);
// @ts-expect-error the object form needs its urls
useReplicas("mysql://root@node1/shop", { cooldownMs: 10 });

export async function scaling(): Promise<void> {
  // `primary` is the same manager: same methods, same result types.
  const fresh = await Account.objects.primary.get(1);
  const plain = await Account.objects.get(1);
  expectType<Equal<typeof fresh, typeof plain>>(true);
  expectType<Equal<typeof Account.objects.primary, typeof Account.objects>>(true);
  const inScope = await usePrimary(() => Account.objects.filter({ balance: { gt: 0 } }));
  const all = await Account.objects.all();
  expectType<Equal<typeof inScope, typeof all>>(true);
  expectType<Equal<ReturnType<typeof usePrimary<number>>, number>>(true);

  const moved = await Account.objects.transaction(async () => 42, {
    retries: 3,
    isolation: "serializable",
    onRetry: ({ attempt, delayMs }) => {
      expectType<Equal<typeof attempt, number>>(true);
      expectType<Equal<typeof delayMs, number>>(true);
    },
  });
  expectType<Equal<typeof moved, number>>(true);
  // @ts-expect-error not an isolation level registers accepts
  await Account.objects.transaction(async () => 1, { isolation: "snapshot" });
  // @ts-expect-error retries is a number
  await Account.objects.transaction(async () => 1, { retries: "3" });
  expectType<Equal<IsolationLevel, "serializable" | "repeatable read" | "read committed">>(true);
  expectType<Equal<NonNullable<TransactionOptions["retries"]>, number>>(true);

  const error = new SerializationError("conflict");
  expectType<Equal<typeof error.retryable, true>>(true);
  expectType<Equal<QueryEvent["node"], string>>(true);
}
