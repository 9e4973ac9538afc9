import yargs from "yargs";
import { hideBin } from "yargs/helpers";

await yargs(hideBin(process.argv))
  .command(
    "greet <name>",
    "Greet someone by name",
    (y) => y.positional("name", { type: "string", describe: "who to greet" }),
    (argv) => console.log(`Hello, ${argv.name}!`),
  )
  .demandCommand(1)
  .strict()
  .parseAsync();
