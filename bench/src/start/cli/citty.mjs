import { defineCommand, runMain } from "citty";

const greet = defineCommand({
  meta: { name: "greet", description: "Greet someone by name" },
  args: { name: { type: "positional", description: "who to greet", required: true } },
  run: ({ args }) => console.log(`Hello, ${args.name}!`),
});
await runMain(defineCommand({ meta: { name: "app" }, subCommands: { greet } }));
