// Drizzle definitions for the PostgreSQL benchmark tables (schema `bench`).
import { relations } from "drizzle-orm";
import { index, integer, pgSchema, text } from "drizzle-orm/pg-core";
import { PG_SCHEMA } from "../harness/paths.ts";

const bench = pgSchema(PG_SCHEMA);

export const users = bench.table(
  "users",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: text("name").notNull(),
    email: text("email").notNull().unique(),
    age: integer("age").notNull(),
  },
  (t) => [index("users_age_idx").on(t.age)],
);

export const posts = bench.table("posts", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  userId: integer("user_id").notNull(),
  title: text("title").notNull(),
});

export const usersRelations = relations(users, ({ many }) => ({ posts: many(posts) }));
export const postsRelations = relations(posts, ({ one }) => ({
  user: one(users, { fields: [posts.userId], references: [users.id] }),
}));

export const schema = { users, posts, usersRelations, postsRelations };
