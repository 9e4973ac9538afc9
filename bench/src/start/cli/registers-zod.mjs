// registers/cli with a Zod argument schema.
import { CommandRegistry } from "registers/cli";
import { z } from "zod";

const cli = new CommandRegistry();
cli.register(
  { name: "greet", description: "Greet someone by name", ops: ["-g", "--greet"], args: { name: z.string() } },
  ({ name }) => `Hello, ${name}!`,
);
await cli.run();
