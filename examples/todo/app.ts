// The todo app: five hand-written commands over the Todo model, each with short and long aliases,
// the generated `todos` group (list, get, create, update, delete, import, export) and a shell.
//   node examples/todo/dist/app.js add "Buy milk" --priority high
//   node --import tsx examples/todo/app.ts list --output table
//   node examples/todo/dist/app.js todos export --format csv
//   node examples/todo/dist/app.js shell

import { CommandRegistry, modelCommands } from "registers/cli";
import { z } from "zod";
import { PRIORITIES, Todo } from "./todo.js";

export const cli = new CommandRegistry({
  name: "todo",
  version: "1.0.0",
  description: "A todo list on SQLite, built with registers/cli and registers/db.",
});

const id = z.int().positive().describe("todo id (see list)");

async function find(todoId: number): Promise<Todo> {
  const todo = await Todo.objects.get(todoId);
  if (todo === null) throw new Error(`no todo #${todoId}; run 'todo list' to see the ids`);
  return todo;
}

const show = (todo: Todo) => `#${todo.id} ${todo.title}${todo.done ? " (done)" : ""} [${todo.priority}]`;

cli.register(
  {
    name: "add",
    description: "Add a todo",
    ops: ["-a", "--add"],
    args: { title: z.string().min(1).describe("what to do"), priority: z.enum(PRIORITIES).default("normal") },
  },
  async ({ title, priority }) => `Added ${show(await Todo.objects.create({ title, priority }))}`,
);

cli.register(
  {
    name: "list",
    description: "List todos (try --output table)",
    ops: ["-l", "--list"],
    args: { status: z.enum(["all", "open", "done"]).default("all").describe("which todos") },
  },
  async ({ status }) => {
    const criteria = status === "all" ? {} : { done: status === "done" };
    const todos = await Todo.objects.filter(criteria, { orderBy: "id" });
    return todos.map((t) => ({ id: t.id, title: t.title, priority: t.priority, done: t.done }));
  },
);

cli.register(
  { name: "complete", description: "Mark a todo as done", ops: ["-c", "--complete"], args: { id } },
  async ({ id }) => {
    const todo = await find(id);
    todo.done = true;
    await todo.save();
    return `Completed ${show(todo)}`;
  },
);

cli.register(
  {
    name: "update",
    description: "Change a todo's title or priority",
    ops: ["-u", "--update"],
    args: { id, title: z.string().min(1).optional(), priority: z.enum(PRIORITIES).optional() },
  },
  async ({ id, title, priority }) => {
    const todo = await find(id);
    if (title === undefined && priority === undefined)
      throw new Error("nothing to update: give --title or --priority");
    if (title !== undefined) todo.title = title;
    if (priority !== undefined) todo.priority = priority;
    await todo.save();
    return `Updated ${show(todo)}`;
  },
);

cli.register(
  { name: "remove", description: "Delete a todo", ops: ["-r", "--remove"], args: { id } },
  async ({ id }) => {
    const todo = await find(id);
    await todo.delete();
    return `Removed ${show(todo)}`;
  },
);

// The CLI twin of crudRoutes: `todo todos list --done false --order -id`, `todo todos import todos.csv`.
modelCommands(Todo, {
  name: "todos",
  description: "Todo records: list, get, create, update, delete, import, export",
  registry: cli,
});
cli.enableShell({ prompt: "todo> " });

await cli.run();
