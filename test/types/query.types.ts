// Type-level tests of the query API: operators typed per field, logical keys, orderBy names,
// values() projections, aggregates, bulkCreate input and page() results. Compiled by
// `tsc -p tsconfig.json` (part of `npm test`); nothing here runs.
import { z } from "zod";
import { type Criteria, databaseRegistry, Model } from "../../src/db/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry(":memory:", { tableName: "q_users", uniqueFields: ["email"] })
class User extends Model({
  id: z.int().nullable().default(null),
  name: z.string(),
  email: z.string(),
  age: z.int().nullable().default(null),
  score: z.number(),
  big: z.bigint(),
  active: z.boolean(),
  role: z.enum(["admin", "member"]),
  createdAt: z.date(),
}) {}

type UserData = {
  id: number | null;
  name: string;
  email: string;
  age: number | null;
  score: number;
  big: bigint;
  active: boolean;
  role: "admin" | "member";
  createdAt: Date;
};

async function operatorChecks() {
  // operators typed per field
  await User.objects.filter({ age: { gt: 18 } });
  await User.objects.filter({ age: { gt: 18, lte: 65 }, name: { like: "a%" } });
  await User.objects.filter({ age: { in: [1, 2] }, score: { notIn: [] } });
  await User.objects.filter({ name: { ilike: "A%", contains: "x", startsWith: "a", endsWith: "z" } });
  await User.objects.filter({ role: { like: "adm%" } });
  await User.objects.filter({ createdAt: { gte: new Date() } });
  await User.objects.filter({ age: { isNull: true }, active: { ne: false } });
  await User.objects.filter({ age: null, name: ["a", "b"], email: "x" });
  await User.objects.count({ or: [{ age: { gt: 1 } }, { name: "x" }], and: [], not: { role: "admin" } });
  await User.objects.filter({ not: { or: [{ and: [{ age: { lt: 3 } }] }] } });
  const criteria: Criteria<UserData> = { age: { gte: 1 }, or: [{ email: { endsWith: ".org" } }] };
  await User.objects.filter(criteria);

  // @ts-expect-error a string field does not take a number operator value
  await User.objects.filter({ name: { gt: 5 } });
  // @ts-expect-error string operators only apply to string fields
  await User.objects.filter({ age: { contains: "x" } });
  // @ts-expect-error like on a Date field
  await User.objects.filter({ createdAt: { like: "2024%" } });
  // @ts-expect-error unknown field
  await User.objects.filter({ nope: 1 });
  // @ts-expect-error unknown operator
  await User.objects.filter({ age: { within: [1, 2] } });
  // @ts-expect-error in takes an array of the field's type
  await User.objects.filter({ age: { in: ["1"] } });
  // @ts-expect-error a bad criteria inside or
  await User.objects.filter({ or: [{ name: { gt: 5 } }] });
  // @ts-expect-error an unknown field inside not
  await User.objects.filter({ not: { nope: 1 } });
  // @ts-expect-error isNull takes a boolean
  await User.objects.filter({ age: { isNull: 1 } });
  // @ts-expect-error or takes a list
  await User.objects.filter({ or: { age: 1 } });
}
void operatorChecks;

async function orderChecks() {
  await User.objects.filter(undefined, { orderBy: "name" });
  await User.objects.filter(undefined, { orderBy: "-createdAt", limit: 1, offset: 2 });
  await User.objects.all({
    orderBy: [
      ["name", "asc"],
      ["id", "desc"],
    ],
  });
  await User.objects.first(undefined, { orderBy: "-age" });
  await User.objects.last({ role: "admin" }, { orderBy: "name" });
  // @ts-expect-error orderBy names a field
  await User.objects.filter(undefined, { orderBy: "nope" });
  // @ts-expect-error descending orderBy names a field
  await User.objects.all({ orderBy: "-nope" });
  // @ts-expect-error tuple orderBy names a field
  await User.objects.first(undefined, { orderBy: [["nope", "asc"]] });
  // @ts-expect-error direction is asc or desc
  await User.objects.last(undefined, { orderBy: [["name", "up"]] });
}
void orderChecks;

async function projectionAndAggregateChecks() {
  const pairs = await User.objects.values(undefined, ["id", "email"]);
  expectType<Equal<typeof pairs, Pick<UserData, "id" | "email">[]>>(true);
  const some = await User.objects.values({ active: true }, ["createdAt", "active"], {
    orderBy: "-id",
    limit: 3,
  });
  expectType<Equal<(typeof some)[number], Pick<UserData, "createdAt" | "active">>>(true);
  // @ts-expect-error values() takes field names
  await User.objects.values(undefined, ["nope"]);

  expectType<Equal<ReturnType<typeof User.objects.sum<"age">>, Promise<number | null>>>(true);
  const total = await User.objects.sum("score", { active: true });
  expectType<Equal<typeof total, number | null>>(true);
  const bigTotal = await User.objects.sum("big");
  expectType<Equal<typeof bigTotal, bigint | null>>(true);
  const mean = await User.objects.avg("age", { age: { gt: 1 } });
  expectType<Equal<typeof mean, number | null>>(true);
  const earliest = User.objects.min("createdAt");
  expectType<Equal<typeof earliest, Promise<Date | null>>>(true);
  const lastName = await User.objects.max("name");
  expectType<Equal<typeof lastName, string | null>>(true);
  const oldest = await User.objects.max("age");
  expectType<Equal<typeof oldest, number | null>>(true);
  // @ts-expect-error sum takes a numeric field
  await User.objects.sum("name");
  // @ts-expect-error avg takes a numeric field
  await User.objects.avg("createdAt");
  // @ts-expect-error min takes a field name
  await User.objects.min("nope");
}
void projectionAndAggregateChecks;

async function bulkAndPagingChecks() {
  const created = await User.objects.bulkCreate([
    { name: "a", email: "a@x", score: 1, big: 1n, active: true, role: "admin", createdAt: new Date() },
  ]);
  expectType<Equal<typeof created, Awaited<ReturnType<typeof User.objects.create>>[]>>(true);
  await User.objects.bulkCreate([], { chunkSize: 100 });
  // @ts-expect-error bulkCreate rows are typed like create's input (missing fields)
  await User.objects.bulkCreate([{ name: "a" }]);
  const wrong = {
    name: 1,
    email: "a",
    score: 1,
    big: 1n,
    active: true,
    role: "admin" as const,
    createdAt: new Date(),
  };
  // @ts-expect-error bulkCreate rows are typed like create's input (wrong type)
  await User.objects.bulkCreate([wrong]);
  const upserted = await User.objects.bulkUpsert([
    ...created,
    { name: "b", email: "b@x", score: 2, big: 2n, active: false, role: "member", createdAt: new Date() },
  ]);
  expectType<Equal<typeof upserted, typeof created>>(true);

  const page = await User.objects.page({ where: { age: { gt: 1 } }, orderBy: "-createdAt", limit: 10 });
  expectType<Equal<typeof page.items, typeof created>>(true);
  expectType<Equal<typeof page.nextCursor, string | null>>(true);
  await User.objects.page({ limit: 10, after: page.nextCursor });
  // @ts-expect-error page needs a limit
  await User.objects.page({ orderBy: "name" });
  // @ts-expect-error page orderBy names a field
  await User.objects.page({ orderBy: "nope", limit: 1 });

  for await (const user of User.objects.iterate({ role: "admin" }, { batchSize: 500, orderBy: "name" })) {
    expectType<Equal<typeof user, (typeof created)[number]>>(true);
  }
  // @ts-expect-error iterate criteria are typed
  User.objects.iterate({ nope: 1 });

  const stop = User.objects.onQuery(({ sql, params, durationMs }) => {
    expectType<Equal<typeof sql, string>>(true);
    expectType<Equal<typeof durationMs, number>>(true);
    void params;
  });
  expectType<Equal<typeof stop, () => void>>(true);
}
void bulkAndPagingChecks;

async function lockingChecks() {
  const locked = await User.objects.get(1, { forUpdate: true });
  await User.objects.require({ email: "a@x" }, { forUpdate: false });
  expectType<Equal<typeof locked, Awaited<ReturnType<typeof User.objects.get>>>>(true);
  // @ts-expect-error the second argument is an options object
  await User.objects.get(1, 2);
  // @ts-expect-error forUpdate is a boolean
  await User.objects.get(1, { forUpdate: "yes" });
}
void lockingChecks;
