/**
 * `registers studio`: loads the models of `registers.config.ts` (or `--config`), serves the studio
 * (registers/studio) on 127.0.0.1 at a free port (or `--port`), prints its address with a fresh
 * access token, and runs until Ctrl-C / SIGTERM. It opens no browser. registers/studio, and so
 * Fastify, is imported only when this command runs: `registers db ...` never loads them.
 */
import type { CommandRegistry } from "../../cli/registry.js";
import { runContext } from "../../cli/run-context.js";
import type { ModelLike } from "../../fastify/model-schemas.js";
import { loadConfig } from "../../migrate/load-config.js";

/** Resolves on the first SIGINT or SIGTERM (the listeners are removed then). */
function untilStopped(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off("SIGINT", onInt);
      process.off("SIGTERM", onTerm);
      resolve(signal);
    };
    const onInt = () => stop("SIGINT");
    const onTerm = () => stop("SIGTERM");
    process.once("SIGINT", onInt);
    process.once("SIGTERM", onTerm);
  });
}

/**
 * Adds the `studio` command to the `registers` command.
 *
 * @example
 * ```ts
 * const cli = new CommandRegistry({ name: "registers" });
 * registerStudioCommands(cli);
 * await cli.run(["studio", "--port", "4000"]);
 * ```
 */
export function registerStudioCommands(cli: CommandRegistry): void {
  cli.register(
    {
      name: "studio",
      description: "Browse and edit the models' data in a web page (127.0.0.1, with an access token)",
      args: {
        port: { type: Number, optional: true, description: "port to listen on (default: a free one)" },
        host: {
          type: String,
          optional: true,
          description: "interface to listen on (default 127.0.0.1; only loopback addresses are accepted)",
        },
        config: {
          type: String,
          optional: true,
          description:
            "config file (default: registers.config.ts, .mts, .js or .mjs in the current directory)",
        },
      },
    },
    async (args) => {
      const loaded = await loadConfig({ config: args.config });
      // The config's modules export registered `Model(...)` classes: each has its Zod `schema`.
      const models = (await loaded.models()) as unknown as readonly ModelLike[];
      const { startStudio } = await import("../../studio/start-studio.js");
      const studio = await startStudio({ models, port: args.port, host: args.host });
      const stopped = untilStopped();
      process.stdout.write(`registers studio: ${studio.url}\n`);
      const stderr = runContext.getStore()?.stderr ?? process.stderr;
      stderr.write(
        "Open the address above in a browser; the token in it is the key to your data. Ctrl-C stops.\n",
      );
      await stopped;
      await studio.close();
      return undefined;
    },
  );
}
