import { z } from "zod";
import { databaseRegistry, HasMany, type ManagerOf, Model, type ModelManager } from "../../src/db/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry(":memory:", { tableName: "users", uniqueFields: ["email"] })
class User extends Model({
  id: z.int().nullable().default(null),
  name: z.string(),
  email: z.string(),
  born: z.date().nullable().default(null),
}) {}

async function checks() {
  // create accepts the schema's input: the database-managed key and defaulted fields are optional.
  const alice = await User.objects.create({ name: "Alice", email: "a@example.com" });
  expectType<Equal<typeof alice.id, number | null>>(true);
  expectType<Equal<typeof alice.name, string>>(true);
  expectType<Equal<typeof alice.born, Date | null>>(true);

  // @ts-expect-error a missing required field does not compile
  await User.objects.create({ name: "Alice" });
  // @ts-expect-error a mistyped field does not compile
  await User.objects.create({ name: 42, email: "a@example.com" });

  // get returns the model instance or null (the Model(...) instance type, which is User's type:
  // assignable both ways); instance methods keep the instance type.
  const found = await User.objects.get(1);
  const asUser: User | null = found;
  const back: typeof found = asUser;
  void back;
  expectType<Equal<NonNullable<typeof found>["email"], string>>(true);
  // @ts-expect-error get may return null
  const notNull: User = found;
  void notNull;
  const byEmail = await User.objects.get({ email: "a@example.com" });
  expectType<Equal<typeof byEmail, typeof found>>(true);
  expectType<Equal<Awaited<ReturnType<typeof alice.save>>, typeof alice>>(true);
  const list: User[] = await User.objects.filter({ name: ["a", "b"] }, { orderBy: "-id", limit: 10 });
  void list;
  expectType<Equal<Awaited<ReturnType<typeof User.objects.count>>, number>>(true);

  // @ts-expect-error criteria values are typed by field
  await User.objects.filter({ name: 5 });
  // @ts-expect-error unknown criteria fields do not compile
  await User.objects.filter({ nope: 1 });
  // @ts-expect-error orderBy names a field
  await User.objects.all({ orderBy: "nope" });
  // @ts-expect-error updates are typed by field
  await User.objects.updateWhere({ name: "a" }, { email: 1 });
}
void checks;

// A class with relationship accessors declares its manager type to get its own instances back.
@databaseRegistry(":memory:", { tableName: "authors" })
class Author extends Model({ id: z.int().nullable().default(null), name: z.string() }) {
  declare static readonly objects: ManagerOf<typeof Author>;
  @HasMany(() => Book, { foreignKey: "author_id" }) accessor books!: Promise<Book[]>;
}
@databaseRegistry(":memory:", { tableName: "books" })
class Book extends Model({ id: z.int().nullable().default(null), author_id: z.int(), title: z.string() }) {}

async function relationChecks() {
  const author = await Author.objects.require(1);
  expectType<Equal<typeof author, Author>>(true);
  expectType<Equal<Awaited<ReturnType<typeof Author.objects.get>>, Author | null>>(true);
  const books = await author.books;
  expectType<Equal<typeof books, Book[]>>(true);
  expectType<
    Equal<
      typeof Author.objects,
      ModelManager<
        Author,
        { id?: number | null | undefined; name: string },
        { id: number | null; name: string }
      >
    >
  >(true);
}
void relationChecks;
