// registers/cli with plain descriptors (no Zod loaded).
import { CommandRegistry } from "registers/cli";

const cli = new CommandRegistry();
cli.register(
  { name: "greet", description: "Greet someone by name", ops: ["-g", "--greet"], args: { name: String } },
  ({ name }) => `Hello, ${name}!`,
);
await cli.run();
