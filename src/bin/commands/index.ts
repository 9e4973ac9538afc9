/**
 * The command groups of the `registers` command. Adding one is a file in this folder exporting a
 * `(cli: CommandRegistry) => void` that creates its group, plus one line in this list.
 */
import type { CommandRegistry } from "../../cli/registry.js";
import { registerDbCommands } from "./db.js";
import { registerStudioCommands } from "./studio.js";

/** Each adds its group (`registers db ...`) to the command. */
export const commandGroups: readonly ((cli: CommandRegistry) => void)[] = [
  registerDbCommands,
  registerStudioCommands,
];
