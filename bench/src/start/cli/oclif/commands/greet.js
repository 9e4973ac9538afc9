import { Args, Command } from "@oclif/core";

export default class Greet extends Command {
  static description = "Greet someone by name";
  static args = { name: Args.string({ description: "who to greet", required: true }) };

  async run() {
    const { args } = await this.parse(Greet);
    this.log(`Hello, ${args.name}!`);
  }
}
