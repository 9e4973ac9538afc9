/**
 * Type tests of relationship writes, lifecycle hooks, soft delete and generated keys: relationship
 * names and items are checked against the model, hooks receive the model's fields, and generated
 * keys make the key optional on create.
 */
import { z } from "zod";
import {
  BelongsTo,
  type CreateWithInput,
  databaseRegistry,
  HasMany,
  HasManyThrough,
  type ManagerOf,
  type ManyRelationName,
  Model,
  type ModelHooks,
  type ModelReader,
  type OneRelationName,
  type RelatedOf,
  uuidv7,
} from "../../src/db/index.js";
import { type Equal, expectType } from "./_assert.js";

@databaseRegistry<Author>("types.db", {
  tableName: "authors",
  timestamps: true,
  hooks: {
    beforeCreate(values) {
      expectType<Equal<typeof values.name, string>>(true);
      expectType<Equal<typeof values.createdAt, Date>>(true);
      values.name = values.name.trim();
      // @ts-expect-error hooks see the model's fields only
      values.nope = 1;
    },
    async afterDelete(author) {
      expectType<Equal<typeof author.id, number | null>>(true);
      await author.refresh();
    },
  },
})
class Author extends Model({
  id: z.int().nullable().default(null),
  name: z.string(),
  createdAt: z.date().default(() => new Date()),
  updatedAt: z.date().default(() => new Date()),
}) {
  declare static readonly objects: ManagerOf<typeof Author>;
  @HasMany(() => Post, { foreignKey: "author_id" }) accessor posts!: Promise<Post[]>;
}

@databaseRegistry("types.db", { tableName: "posts", softDelete: true })
class Post extends Model({
  id: z.int().nullable().default(null),
  author_id: z.int().nullable().default(null),
  title: z.string(),
  deletedAt: z.date().nullable().default(null),
}) {
  declare static readonly objects: ManagerOf<typeof Post>;
  @BelongsTo(() => Author, { localKey: "author_id" }) accessor author!: Promise<Author | null>;
  @HasManyThrough(() => Tag, { through: () => PostTag, sourceKey: "post_id", targetKey: "tag_id" })
  accessor tags!: Promise<Tag[]>;
}

@databaseRegistry("types.db", { tableName: "tags" })
class Tag extends Model({ id: z.uuid().default(uuidv7), name: z.string() }) {
  declare static readonly objects: ManagerOf<typeof Tag>;
}

@databaseRegistry("types.db", { tableName: "post_tags" })
class PostTag extends Model({ id: z.int().nullable().default(null), post_id: z.int(), tag_id: z.uuid() }) {}

async function checks(post: Post, author: Author, tag: Tag) {
  // Relationship names by kind, and what they lead to.
  expectType<Equal<ManyRelationName<Post>, "tags">>(true);
  expectType<Equal<OneRelationName<Post>, "author">>(true);
  expectType<Equal<RelatedOf<Post, "tags">, Tag>>(true);
  expectType<Equal<RelatedOf<Post, "author">, Author>>(true);

  // link / unlink / setLinks take instances or data of the target, and return its instances.
  const linked = await Post.objects.link(post, "tags", [tag, { name: "new" }]);
  expectType<Equal<typeof linked, Tag[]>>(true);
  await Post.objects.link(post, "tags", tag);
  expectType<Equal<Awaited<ReturnType<typeof Post.objects.unlink>>, number>>(true);
  await Post.objects.setLinks(post, "tags", []);
  // @ts-expect-error "author" is a to-one relationship
  await Post.objects.link(post, "author", [author]);
  // @ts-expect-error not a relationship
  await Post.objects.link(post, "title", []);
  // @ts-expect-error a tag's name is a string
  await Post.objects.link(post, "tags", [{ name: 42 }]);
  // @ts-expect-error unlink takes instances
  await Post.objects.unlink(post, "tags", [{ name: "x" }]);

  // associate: to-one relationships, the target's instance or null; returns the owner.
  const same = Post.objects.associate(post, "author", author);
  expectType<Equal<typeof same, Post>>(true);
  Post.objects.associate(post, "author", null);
  // @ts-expect-error an Author relationship takes an Author
  Post.objects.associate(post, "author", tag);
  // @ts-expect-error "tags" is to-many
  Post.objects.associate(post, "tags", tag);

  // createWith: the model's input plus children per to-many relationship.
  const ann = await Author.objects.createWith({ name: "Ann", posts: [{ title: "Hello" }, post] });
  expectType<Equal<typeof ann, Author>>(true);
  // @ts-expect-error a post's title is a string
  await Author.objects.createWith({ name: "Ann", posts: [{ title: 1 }] });
  // @ts-expect-error the parent's required fields stay required
  await Author.objects.createWith({ posts: [] });
  const input: CreateWithInput<{ title: string }, Post> = { title: "t", tags: [{ name: "x" }] };
  void input;

  // Soft delete: read views with the model's types.
  const all: ModelReader<
    Post,
    { id: number | null; author_id: number | null; title: string; deletedAt: Date | null }
  > = Post.objects.withDeleted();
  const deleted = await Post.objects.onlyDeleted().filter({ title: "x" });
  expectType<Equal<typeof deleted, Post[]>>(true);
  expectType<Equal<Awaited<ReturnType<typeof Post.objects.restore>>, boolean>>(true);
  await Post.objects.forceDeleteWhere({ deletedAt: { lt: new Date() } });
  void all;

  // Generated keys: the uuid key is optional on create and a string on the instance.
  const fresh = await Tag.objects.create({ name: "t" });
  expectType<Equal<typeof fresh.id, string>>(true);

  // Hooks typed on their own.
  const hooks: ModelHooks<Tag> = {
    beforeUpdate(values) {
      expectType<Equal<typeof values.id, string>>(true);
    },
  };
  void hooks;
}
void checks;
