// Types of `updateCount`: criteria and updates typed by field, as `updateWhere`; the answer is a count.
import { z } from "zod";
import { databaseRegistry, Model } from "../../src/db/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry(":memory:", { tableName: "update_count_types" })
class User extends Model({ id: z.int().nullable().default(null), name: z.string(), age: z.int() }) {}

async function checks() {
  const n = await User.objects.updateCount({ id: 1 }, { name: "Ann" });
  expectType<Equal<typeof n, number>>(true);
  await User.objects.updateCount({ age: { gte: 18 } }, { name: "adult", age: 18 });
  // @ts-expect-error updates are typed by field
  await User.objects.updateCount({ id: 1 }, { name: 1 });
  // @ts-expect-error unknown update fields do not compile
  await User.objects.updateCount({ id: 1 }, { nope: 1 });
  // @ts-expect-error criteria values are typed by field
  await User.objects.updateCount({ name: 5 }, { age: 1 });
}
void checks;
