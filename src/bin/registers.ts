#!/usr/bin/env node
/**
 * The `registers` command (`npx registers db migrate`), built with registers/cli: help, completion,
 * `--output json`, typed errors turned into exit codes by `run()`. Each command group is a file of
 * ./commands listed in ./commands/index.ts. Engines opened while running are closed before exit.
 */
// Through registers/cli's entry, not cli/registry.ts: every entry then reaches registers/cli's
// modules the same way, so esbuild keeps them in one chunk and an app's start-up loads two files
// of registers/cli, not three (about 4 million instructions each on Node 20).
import { CommandRegistry } from "../cli/index.js";
import { disposeAll } from "../db/engine.js";
import { commandGroups } from "./commands/index.js";

const cli = new CommandRegistry({
  name: "registers",
  description: "Schema lifecycle of registers models: generate, apply and check migrations",
});
for (const addGroup of commandGroups) addGroup(cli);
await cli.run();
await disposeAll();
