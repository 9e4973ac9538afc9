#!/usr/bin/env node
/**
 * The `registers` command (`npx registers db migrate`), built with registers/cli: help, completion,
 * `--output json`, typed errors turned into exit codes by `run()`. Each command group is a file of
 * ./commands listed in ./commands/index.ts. Engines opened while running are closed before exit.
 */
import { CommandRegistry } from "../cli/registry.js";
import { disposeAll } from "../db/engine.js";
import { commandGroups } from "./commands/index.js";

const cli = new CommandRegistry({
  name: "registers",
  description: "Schema lifecycle of registers models: generate, apply and check migrations",
});
for (const addGroup of commandGroups) addGroup(cli);
await cli.run();
await disposeAll();
