// registers/cli with a zod/mini argument schema (registers/cli reads Zod 4's core definitions, which
// zod/mini shares, so it takes either).
import { CommandRegistry } from "registers/cli";
import { string } from "zod/mini";

const cli = new CommandRegistry();
cli.register(
  { name: "greet", description: "Greet someone by name", ops: ["-g", "--greet"], args: { name: string() } },
  ({ name }) => `Hello, ${name}!`,
);
await cli.run();
