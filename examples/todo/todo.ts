// The Todo model: one decorator gives it a table in an SQLite file and `Todo.objects`.
import { mkdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { databaseRegistry, Model } from "registers/db";
import { z } from "zod";

/** examples/todo, whether this file runs from source (tsx) or from the compiled dist/ folder. */
const here = dirname(fileURLToPath(import.meta.url));
const appRoot = basename(here) === "dist" ? dirname(here) : here;

/** `TODO_DB` (a path or sqlite: URL), else examples/todo/data/todo.db. */
export const databaseUrl = process.env.TODO_DB || join(appRoot, "data", "todo.db");
if (!process.env.TODO_DB) mkdirSync(dirname(databaseUrl), { recursive: true });

export const PRIORITIES = ["low", "normal", "high"] as const;

@databaseRegistry(databaseUrl, { tableName: "todos" })
export class Todo extends Model({
  id: z.int().nullable().default(null),
  title: z.string().min(1),
  priority: z.enum(PRIORITIES).default("normal"),
  done: z.boolean().default(false),
  createdAt: z.date().default(() => new Date()),
}) {}
