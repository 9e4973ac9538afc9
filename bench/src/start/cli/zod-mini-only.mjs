// Reference: what importing zod/mini costs (the greeting by hand, one schema built and used).
import { string } from "zod/mini";

const [command, name] = process.argv.slice(2);
if (command === "greet") console.log(`Hello, ${string().parse(name)}!`);
