import { Command } from "commander";

const program = new Command("app");
program
  .command("greet")
  .description("Greet someone by name")
  .argument("<name>", "who to greet")
  .action((name) => console.log(`Hello, ${name}!`));
await program.parseAsync();
